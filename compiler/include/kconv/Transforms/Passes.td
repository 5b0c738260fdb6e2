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
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

def KconvInferShapes : Pass<"kconv-infer-shapes", "::mlir::func::FuncOp"> {
  let summary = "Refine every kconv result type from its operands (Keras shape rules)";
  let description = [{
    Walks the function in order and gives each kconv op the shape its
    `InferShapeOpInterface` computes from its operands, keeping any dimension
    the IR already knew; the function's result types follow. Shape errors
    (e.g. an `Add` of shapes that do not broadcast) are reported at the layer.

    ```mlir
    // before: kconv.pool2d %x ... : (tensor<1x8x8x4xf32>) -> tensor<*xf32>
    // after:  kconv.pool2d %x ... : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
    ```
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

def KconvEliminateIdentity : Pass<"kconv-eliminate-identity", "::mlir::func::FuncOp"> {
  let summary = "Remove inference-time identities and dead layers";
  let description = [{
    Replaces `kconv.identity` (Dropout, GaussianNoise, ...) and identity
    transposes by their input, then erases kconv ops and constants whose
    results are unused (layers that feed no model output).
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

def KconvConvertLayout : Pass<"kconv-convert-layout", "::mlir::func::FuncOp"> {
  let summary = "One internal layout: channels_first layers become channels_last";
  let description = [{
    Rewrites every channels_first layer (conv2d, pool2d, global_pool2d,
    zero_pad2d, crop2d, upsample2d) as its channels_last form between two
    `kconv.transpose` ops, moves the transposes back to channels_first below
    the layers computed the same in any layout (activations, merges such as a
    residual Add, rescaling, batch norm and concatenate with their axis
    renumbered, PReLU with its alpha transposed), and folds transpose pairs away, so that a channels_first
    model is converted only where it meets its inputs, outputs and
    layout-dependent layers (Flatten, Dense on images, ...), and batch norms
    and activations between its convolutions fold and fuse into them.
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

def KconvFoldPadding : Pass<"kconv-fold-padding", "::mlir::func::FuncOp"> {
  let summary = "Fold ZeroPadding2D into the following convolution's padding";
  let description = [{
    `conv2d(zero_pad2d(x))` becomes `conv2d(x)` with the pad amounts added to
    its `explicit_padding` (the convolution's padding must be resolved first,
    see `--kconv-resolve-padding`). The zero_pad2d stays for other users.
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

def KconvFoldBatchNorm : Pass<"kconv-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNormalization into the preceding convolution or Dense";
  let description = [{
    `batch_norm(conv2d(x))` over the convolution's channel axis, with a linear
    convolution used only by it and constant weights, becomes one conv2d with
    kernel scaled by `gamma / sqrt(variance + epsilon)` per filter and bias
    `(bias - mean) * scale + beta`. The same for `batch_norm(dense(x))` over the
    last axis, and for a Conv1D's `batch_norm(reshape(conv2d(x)))` where the
    reshape drops the unit axis of the (1, steps) view and the norm's axis is the
    channels.
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect", "::mlir::arith::ArithDialect"];
}

def KconvFoldAffineIntoConsumer
    : Pass<"kconv-fold-affine-into-consumer", "::mlir::func::FuncOp"> {
  let summary = "Fold a per-channel affine map into the Dense or convolution reading it";
  let description = [{
    A per-channel `y = s * x + o` (an inference `batch_norm` with constant
    weights, as Keras's Normalization imports, or a `rescale`) whose only reader
    is a `dense` or `conv2d` input, directly or through a `reshape` or
    `transpose` used only there, disappears into that layer, computed in double and stored as float32:
    `W'[.., i, co] = s[c(i)] * W[.., i, co]`,
    `b'[co] = b[co] + sum o[c(i)] * W[.., i, co]` (a missing bias becomes one),
    `c(i)` the affine's channel of input feature `i` (per group for grouped and
    depthwise convolutions). Folded only when exact up to float rounding: the
    conv2d's resolved padding is zero (padded zeros would not be mapped), the
    affine is not used elsewhere nor a model output, and every input feature the
    layer contracts has one channel of the affine (the affine's axis is the
    layer's, through a transpose or not, or the last of a reshape whose last axis holds whole periods of it,
    as a Flatten). Chains (Rescaling -> Normalization -> Conv2D) fold from the
    last.
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect", "::mlir::arith::ArithDialect"];
}

def KconvFuseEpilogue : Pass<"kconv-fuse-epilogue", "::mlir::func::FuncOp"> {
  let summary = "Fuse a residual Add and an activation into the convolution";
  let description = [{
    A linear conv2d used only by a two-input `Add` gets the other input as its
    `residual`; a linear conv2d or dense used only by a plain activation (one
    with Keras's default arguments) takes that activation. Applied repeatedly,
    conv-Add-ReLU becomes a single conv2d.
  }];
  let dependentDialects = ["::kconv::dialect::KconvDialect"];
}

#endif // KCONV_TRANSFORMS_PASSES_TD
