// Keras Concatenate: the op `kconv.concatenate`; its verifier and shape inference are
// in dialect/lib/Layers/Concatenate.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_CONCATENATE_TD
#define KCONV_DIALECT_LAYERS_CONCATENATE_TD

def Kconv_ConcatenateOp : Kconv_LayerOp<"concatenate"> {
  let summary = "Keras Concatenate";
  let arguments = (ins Variadic<Kconv_AnyTensor>:$inputs,
                   ConfinedAttr<I64Attr, [IntPositive]>:$axis);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_CONCATENATE_TD
