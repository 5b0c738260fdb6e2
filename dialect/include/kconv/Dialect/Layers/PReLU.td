// Keras PReLU: the op `kconv.prelu`; its verifier and shape inference are in
// dialect/lib/Layers/PReLU.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_PRELU_TD
#define KCONV_DIALECT_LAYERS_PRELU_TD

def Kconv_PReluOp : Kconv_LayerOp<"prelu"> {
  let summary = "Keras PReLU layer";
  let description = [{
    `x >= 0 ? x : alpha * x`, with `alpha` of the input's shape without the
    batch, 1 along Keras's `shared_axes` (broadcast).
  }];
  let arguments = (ins Kconv_AnyTensor:$input, Kconv_AnyTensor:$alpha);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input `,` $alpha attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_PRELU_TD
