// Keras LayerNormalization: the op `kconv.layer_norm`; its verifier and shape inference
// are in dialect/lib/Layers/LayerNorm.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_LAYERNORM_TD
#define KCONV_DIALECT_LAYERS_LAYERNORM_TD

def Kconv_LayerNormOp : Kconv_LayerOp<"layer_norm"> {
  let summary = "Keras LayerNormalization over the last axis";
  let description = [{
    Per position, over the last `axis` (the channels): `mean`, then `variance`
    as the mean of squared deviations, in float32 as Keras computes them; the
    result is `(input - mean) * rsqrt(variance + epsilon) * gamma + beta`. With
    `rms_scaling` (Keras 3) it is `input * rsqrt(variance + epsilon) * gamma`
    (the variance still mean-centred, no beta). Without `scale`/`center`, the
    importer passes gamma = 1 / beta = 0 and records the flags.

    ```mlir
    %y = kconv.layer_norm %x, %gamma, %beta {axis = 3 : i64, epsilon = 1.0e-06 : f64,
        center = true, scale = true, rms_scaling = false}
        : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 1DTensorOf<[F32]>:$gamma,
                   1DTensorOf<[F32]>:$beta, ConfinedAttr<I64Attr, [IntPositive]>:$axis,
                   F64Attr:$epsilon, BoolAttr:$center, BoolAttr:$scale, BoolAttr:$rms_scaling);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_LAYERNORM_TD
