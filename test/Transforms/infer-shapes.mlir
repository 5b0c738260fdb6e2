// RUN: kconv-opt %s --kconv-infer-shapes -split-input-file -verify-diagnostics | FileCheck %s

// Unranked results get their Keras shapes, in order; the function type follows.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: -> tensor<?x10xf32>
// CHECK: kconv.pool2d {{.*}} -> tensor<?x4x4x3xf32>
// CHECK: kconv.global_pool2d {{.*}} -> tensor<?x3xf32>
// CHECK: kconv.dense {{.*}} -> tensor<?x10xf32>
func.func @chain(%x: tensor<?x9x8x3xf32>, %k: tensor<3x10xf32>) -> tensor<*xf32> {
  %p = kconv.pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x9x8x3xf32>) -> tensor<*xf32>
  %g = kconv.global_pool2d %p {data_format = #kconv.data_format<channels_last>, keepdims = false, kind = #kconv.pool_kind<average>} : (tensor<*xf32>) -> tensor<*xf32>
  %d = kconv.dense %g, %k {activation = #kconv.activation<softmax>, units = 10 : i64, use_bias = false} : (tensor<*xf32>, tensor<3x10xf32>) -> tensor<*xf32>
  return %d : tensor<*xf32>
}

// -----

// A known batch from the input refines a dynamic one; 'same' padding keeps the size.
// CHECK-LABEL: func.func @refine
// CHECK-SAME: -> tensor<4x6x6x8xf32>
// CHECK: kconv.conv2d {{.*}} -> tensor<4x6x6x8xf32>
// CHECK: kconv.merge {{.*}} -> tensor<4x6x6x8xf32>
func.func @refine(%x: tensor<4x6x6x8xf32>, %k: tensor<3x3x8x8xf32>) -> tensor<*xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<4x6x6x8xf32>, tensor<3x3x8x8xf32>) -> tensor<?x6x6x8xf32>
  %a = kconv.merge %c, %x {kind = #kconv.merge_kind<add>} : (tensor<?x6x6x8xf32>, tensor<4x6x6x8xf32>) -> tensor<*xf32>
  return %a : tensor<*xf32>
}

// -----

// Shape errors are reported where the layer is.
func.func @mismatch(%x: tensor<1x4x4x2xf32>, %y: tensor<1x2x2x2xf32>) -> tensor<*xf32> {
  %p = kconv.zero_pad2d %y {data_format = #kconv.data_format<channels_last>, padding = array<i64: 0, 1, 0, 1>} : (tensor<1x2x2x2xf32>) -> tensor<*xf32>
  // expected-error @+1 {{inputs have incompatible shapes: (1, 4, 4, 2) and (1, 3, 3, 2) (4 and 3 at axis 1; only a size of 1 broadcasts)}}
  %a = kconv.merge %x, %p {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x2xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %a : tensor<*xf32>
}

// -----

// kconv.layer_norm keeps its input's shape (a Dense output of rank 2 here).
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: -> tensor<?x10xf32>
// CHECK: kconv.layer_norm {{.*}} -> tensor<?x10xf32>
func.func @layer_norm(%x: tensor<?x3xf32>, %k: tensor<3x10xf32>, %v: tensor<10xf32>) -> tensor<*xf32> {
  %d = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 10 : i64, use_bias = false} : (tensor<?x3xf32>, tensor<3x10xf32>) -> tensor<*xf32>
  %n = kconv.layer_norm %d, %v, %v {axes = array<i64: 1>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<*xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<*xf32>
  return %n : tensor<*xf32>
}

// -----

// kconv.unit_norm keeps its input's shape, whatever its axes.
// CHECK-LABEL: func.func @unit_norm
// CHECK-SAME: -> tensor<?x10xf32>
// CHECK: kconv.unit_norm {{.*}} -> tensor<?x10xf32>
func.func @unit_norm(%x: tensor<?x3xf32>, %k: tensor<3x10xf32>) -> tensor<*xf32> {
  %d = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 10 : i64, use_bias = false} : (tensor<?x3xf32>, tensor<3x10xf32>) -> tensor<*xf32>
  %n = kconv.unit_norm %d {axes = array<i64: 1>, min_square_sum = 1.0e-12 : f64} : (tensor<*xf32>) -> tensor<*xf32>
  return %n : tensor<*xf32>
}

// -----

// kconv.depth_unfold: (N, Dout * (top + H + bottom), W, kernel_depth * C); here Dout =
// (5 + 1 + 0 - 3) / 2 + 1 = 2 with stride 2 and (8 + 1 + 1) rows per output depth, and
// channels_first (N, C, D, H, W) read into a channels_last image; a dynamic depth
// leaves the rows dynamic.
// CHECK-LABEL: func.func @depth_unfold
// CHECK: kconv.depth_unfold {{.*}} -> tensor<?x20x7x12xf32>
// CHECK: kconv.depth_unfold {{.*}} -> tensor<3x?x4x4xf32>
func.func @depth_unfold(%x: tensor<?x5x8x7x4xf32>, %y: tensor<3x2x?x4x4xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %u = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 1, 0>, dilation_depth = 1 : i64, groups = 2 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 2 : i64} : (tensor<?x5x8x7x4xf32>) -> tensor<*xf32>
  %v = kconv.depth_unfold %y {data_format = #kconv.data_format<channels_first>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 2 : i64, row_padding = array<i64: 0, 0>, stride_depth = 1 : i64} : (tensor<3x2x?x4x4xf32>) -> tensor<*xf32>
  return %u, %v : tensor<*xf32>, tensor<*xf32>
}
