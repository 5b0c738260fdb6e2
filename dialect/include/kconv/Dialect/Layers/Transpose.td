// Keras Permute and the layout pass's transposes: the op `kconv.transpose`; its
// verifier and shape inference are in dialect/lib/Layers/Transpose.cpp. Included by
// KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_TRANSPOSE_TD
#define KCONV_DIALECT_LAYERS_TRANSPOSE_TD

def Kconv_TransposeOp : Kconv_LayerOp<"transpose"> {
  let summary = "Keras Permute, and the layout pass's conversions";
  let description = [{
    `permutation` lists, for each result dimension, the input dimension it
    takes (0-based, batch included; the batch stays first).
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// True when every dimension stays in place.
    bool isIdentity();
  }];
}

#endif // KCONV_DIALECT_LAYERS_TRANSPOSE_TD
