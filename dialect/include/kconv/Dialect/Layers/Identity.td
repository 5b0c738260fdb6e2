// Keras Dropout and the other layers that are the identity at inference: the op
// `kconv.identity`; its verifier and shape inference are in
// dialect/lib/Layers/Identity.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_IDENTITY_TD
#define KCONV_DIALECT_LAYERS_IDENTITY_TD

def Kconv_IdentityOp : Kconv_LayerOp<"identity"> {
  let summary = "A layer that is the identity at inference";
  let description = [{
    Dropout, SpatialDropout2D, GaussianNoise and friends; `layer_class` keeps
    the Keras class. `--kconv-eliminate-identity` removes them.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, StrAttr:$layer_class);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_IDENTITY_TD
