// RUN: kconv-opt %s --kconv-infer-shapes -split-input-file -verify-diagnostics | FileCheck %s

// A merge's result is its inputs broadcast as Keras does: a squeeze-and-excite block
// (global pool with keepdims -> dense -> multiply) and a rank-different Add.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK-SAME: -> tensor<?x6x5x8xf32>
// CHECK: kconv.global_pool2d {{.*}} -> tensor<?x1x1x8xf32>
// CHECK: kconv.dense {{.*}} -> tensor<?x1x1x8xf32>
// CHECK: kconv.merge {{.*}} : (tensor<?x6x5x8xf32>, tensor<?x1x1x8xf32>) -> tensor<?x6x5x8xf32>
// CHECK: kconv.global_pool2d {{.*}} -> tensor<?x8xf32>
// CHECK: kconv.merge {{.*}} : (tensor<?x8xf32>, tensor<?x6x5x8xf32>) -> tensor<?x6x5x8xf32>
func.func @squeeze_excite(%x: tensor<?x6x5x8xf32>, %k: tensor<8x8xf32>) -> tensor<*xf32> {
  %g = kconv.global_pool2d %x {data_format = #kconv.data_format<channels_last>, keepdims = true, kind = #kconv.pool_kind<average>} : (tensor<?x6x5x8xf32>) -> tensor<*xf32>
  %s = kconv.dense %g, %k {activation = #kconv.activation<sigmoid>, units = 8 : i64, use_bias = false} : (tensor<*xf32>, tensor<8x8xf32>) -> tensor<*xf32>
  %m = kconv.merge %x, %s {kind = #kconv.merge_kind<multiply>} : (tensor<?x6x5x8xf32>, tensor<*xf32>) -> tensor<*xf32>
  %c = kconv.global_pool2d %m {data_format = #kconv.data_format<channels_last>, keepdims = false, kind = #kconv.pool_kind<max>} : (tensor<*xf32>) -> tensor<*xf32>
  %a = kconv.merge %c, %m {kind = #kconv.merge_kind<add>} : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %a : tensor<*xf32>
}

// -----

// Each input stretches the other; a known batch refines an unknown one.
// CHECK-LABEL: func.func @both_stretch
// CHECK-SAME: -> tensor<3x5x6x4xf32>
// CHECK: kconv.merge {{.*}} -> tensor<3x5x6x4xf32>
func.func @both_stretch(%h: tensor<?x5x1x4xf32>, %w: tensor<3x1x6x1xf32>) -> tensor<*xf32> {
  %a = kconv.merge %h, %w {kind = #kconv.merge_kind<minimum>} : (tensor<?x5x1x4xf32>, tensor<3x1x6x1xf32>) -> tensor<*xf32>
  return %a : tensor<*xf32>
}

// -----

// Shapes that do not broadcast are reported where the layer is.
func.func @mismatch(%x: tensor<1x4x4x2xf32>, %y: tensor<1x2x2x2xf32>) -> tensor<*xf32> {
  %p = kconv.zero_pad2d %y {data_format = #kconv.data_format<channels_last>, padding = array<i64: 0, 1, 0, 1>} : (tensor<1x2x2x2xf32>) -> tensor<*xf32>
  // expected-error @+1 {{inputs have incompatible shapes: (1, 4, 4, 2) and (1, 3, 3, 2) (4 and 3 at axis 1; only a size of 1 broadcasts)}}
  %a = kconv.merge %x, %p {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x2xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %a : tensor<*xf32>
}
