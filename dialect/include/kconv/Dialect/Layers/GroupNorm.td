// Keras GroupNormalization: the op `kconv.group_norm`; its verifier and shape inference
// are in dialect/lib/Layers/GroupNorm.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_GROUPNORM_TD
#define KCONV_DIALECT_LAYERS_GROUPNORM_TD

def Kconv_GroupNormOp : Kconv_LayerOp<"group_norm"> {
  let summary = "Keras GroupNormalization: the channels of `axis` in `groups` groups";
  let description = [{
    The `C` channels along `axis` (a non-batch Keras axis) are split into `groups`
    consecutive groups of `C / groups`. Per sample and group: `mean` and `variance`
    (the mean of squared deviations) over the group's channels and every other
    non-batch axis, in float32 as Keras computes them; the result is
    `(input - mean) * rsqrt(variance + epsilon) * gamma + beta`, gamma and beta one
    value per channel. Without `scale`/`center`, the importer passes gamma = 1 /
    beta = 0 and records the flags.

    ```mlir
    %y = kconv.group_norm %x, %gamma, %beta {axis = 3 : i64, groups = 4 : i64,
        epsilon = 1.0e-03 : f64, center = true, scale = true}
        : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 1DTensorOf<[F32]>:$gamma,
                   1DTensorOf<[F32]>:$beta, ConfinedAttr<I64Attr, [IntPositive]>:$axis,
                   ConfinedAttr<I64Attr, [IntPositive]>:$groups, F64Attr:$epsilon,
                   BoolAttr:$center, BoolAttr:$scale);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KCONV_DIALECT_LAYERS_GROUPNORM_TD
