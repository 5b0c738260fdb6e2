// Keras UnitNormalization: the op `kconv.unit_norm`; its verifier and shape inference
// are in dialect/lib/Layers/UnitNorm.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_UNITNORM_TD
#define KCONV_DIALECT_LAYERS_UNITNORM_TD

def Kconv_UnitNormOp : Kconv_LayerOp<"unit_norm"> {
  let summary = "Keras UnitNormalization: each sample scaled to unit L2 norm over `axes`";
  let description = [{
    `input / sqrt(max(sum(input^2 over axes), min_square_sum))`, the sum taken over
    the non-batch `axes` (increasing, Keras axis numbers) at every position of the
    other axes. `min_square_sum` is the Keras version's clamp: 1e-12 up to Keras
    3.5 (`rsqrt(max(square_sum, 1e-12))`), epsilon^2 = 1e-24 from Keras 3.6
    (`ops.normalize` with epsilon 1e-12).

    ```mlir
    %y = kconv.unit_norm %x {axes = array<i64: 1, 2>, min_square_sum = 1.0e-12 : f64}
        : (tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, DenseI64ArrayAttr:$axes, F64Attr:$min_square_sum);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KCONV_DIALECT_LAYERS_UNITNORM_TD
