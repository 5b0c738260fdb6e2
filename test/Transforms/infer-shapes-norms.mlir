// RUN: kconv-opt %s --kconv-infer-shapes -split-input-file -verify-diagnostics | FileCheck %s
// Shape inference of kconv.layer_norm over several axes (issue 20): the input's shape,
// with a static or `?` batch.

// kconv.layer_norm over several axes keeps its input's shape, static or `?` batch.
// CHECK-LABEL: func.func @layer_norm_axes
// CHECK-SAME: -> (tensor<?x4x5x3xf32>, tensor<2x4x5x3xf32>)
// CHECK: kconv.layer_norm {{.*}} -> tensor<?x4x5x3xf32>
// CHECK: kconv.layer_norm {{.*}} -> tensor<2x4x5x3xf32>
func.func @layer_norm_axes(%x: tensor<?x4x5x3xf32>, %s: tensor<2x4x5x3xf32>, %v: tensor<4x3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %n = kconv.layer_norm %x, %v, %v {axes = array<i64: 1, 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<?x4x5x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  %m = kconv.layer_norm %s, %v, %v {axes = array<i64: 1, 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<2x4x5x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<*xf32>
  return %n, %m : tensor<*xf32>, tensor<*xf32>
}
