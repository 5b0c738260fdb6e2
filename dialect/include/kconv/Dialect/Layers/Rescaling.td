// Keras Rescaling: the op `kconv.rescale`; its verifier and shape inference are in
// dialect/lib/Layers/Rescaling.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_RESCALING_TD
#define KCONV_DIALECT_LAYERS_RESCALING_TD

def Kconv_RescaleOp : Kconv_LayerOp<"rescale"> {
  let summary = "Keras Rescaling: input * scale + offset";
  let arguments = (ins Kconv_AnyTensor:$input, F64Attr:$scale, F64Attr:$offset);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_RESCALING_TD
