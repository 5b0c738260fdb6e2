#ifndef KCONV_TRANSFORMS_PASSES_TD
#define KCONV_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def KconvResolvePadding : Pass<"kconv-resolve-padding", "::mlir::func::FuncOp"> {
  let summary = "Turn Keras 'same'/'valid' padding into explicit per-side amounts";
  let description = [{
    Sets `explicit_padding = array<i64: top, bottom, left, right>` on every
    `kconv.conv2d` whose input height and width are static, using TensorFlow's
    rule for 'same' (the odd extra row/column at the bottom/right). Later
    passes (padding folding) and the lowering read the explicit amounts.

    ```mlir
    // before: padding = #kconv.padding<same>, 4x4 input, 2x2 kernel
    // after:  padding = #kconv.padding<same>, explicit_padding = array<i64: 0, 1, 0, 1>
    ```
  }];
  let dependentDialects = ["::mlir::kconv::KconvDialect"];
}

#endif // KCONV_TRANSFORMS_PASSES_TD
