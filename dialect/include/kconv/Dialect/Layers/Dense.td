// Keras Dense: the op `kconv.dense`; its verifier and shape inference are in
// dialect/lib/Layers/Dense.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_DENSE_TD
#define KCONV_DIALECT_LAYERS_DENSE_TD

def Kconv_DenseOp : Kconv_LayerOp<"dense"> {
  let summary = "Keras Dense layer (on the last axis)";
  let description = [{
    `activation(input . kernel + bias)` over the last axis; `kernel` is
    `(input features, units)`, `bias` is present exactly when `use_bias`.
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 2DTensorOf<[F32]>:$kernel,
                   Optional<1DTensorOf<[F32]>>:$bias,
                   ConfinedAttr<I64Attr, [IntPositive]>:$units,
                   Kconv_ActivationAttr:$activation, BoolAttr:$use_bias);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_DENSE_TD
