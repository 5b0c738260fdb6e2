// Keras LayerNormalization (and RMSNormalization): the op `kconv.layer_norm`; its
// verifier and shape inference are in dialect/lib/Layers/LayerNorm.cpp. Included by
// KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_LAYERNORM_TD
#define KCONV_DIALECT_LAYERS_LAYERNORM_TD

def Kconv_LayerNormOp : Kconv_LayerOp<"layer_norm"> {
  let summary = "Keras LayerNormalization over a list of axes";
  let description = [{
    Per position of the other axes, over the non-batch `axes` (strictly increasing
    Keras axis numbers): `mean`, then `variance` as the mean of squared deviations,
    in float32 as Keras computes them; the result is
    `(input - mean) * rsqrt(variance + epsilon) * gamma + beta`. `gamma` and `beta`
    are shaped as the input along `axes`, in that order. With `rms_scaling`
    (Keras 3) it is `input * rsqrt(variance + epsilon) * gamma` (the variance still
    mean-centred, no beta). With `mean_square` too (Keras's RMSNormalization) the
    variance is replaced by the mean of squares: `input * rsqrt(mean(input^2) +
    epsilon) * gamma`. Without `scale`/`center`, the importer passes gamma = 1 /
    beta = 0 and records the flags.

    ```mlir
    %y = kconv.layer_norm %x, %gamma, %beta {axes = array<i64: 3>, epsilon = 1.0e-06 : f64,
        center = true, scale = true, rms_scaling = false, mean_square = false}
        : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, TensorOf<[F32]>:$gamma,
                   TensorOf<[F32]>:$beta, DenseI64ArrayAttr:$axes,
                   F64Attr:$epsilon, BoolAttr:$center, BoolAttr:$scale, BoolAttr:$rms_scaling,
                   BoolAttr:$mean_square);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_LAYERNORM_TD
