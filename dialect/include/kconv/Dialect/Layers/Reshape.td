// Keras Reshape and Flatten: the op `kconv.reshape`; its verifier and shape inference
// are in dialect/lib/Layers/Reshape.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_RESHAPE_TD
#define KCONV_DIALECT_LAYERS_RESHAPE_TD

def Kconv_ReshapeOp : Kconv_LayerOp<"reshape"> {
  let summary = "Keras Reshape and Flatten (row-major)";
  let description = "`shape` is the new shape without the batch dimension.";
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_RESHAPE_TD
