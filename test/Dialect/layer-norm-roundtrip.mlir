// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.layer_norm prints and parses back with its attributes: the last axis of rank 4
// and rank 2, several axes with gamma/beta shaped by them, RMSNormalization's mean_square.

// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<?x5x6x8xf32>, %d: tensor<?x12xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %g2: tensor<12xf32>) -> (tensor<?x5x6x8xf32>, tensor<?x12xf32>) {
  // CHECK: kconv.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axes = array<i64: 3>, center = true, epsilon = 9.9999999999999995E-7 : f64, mean_square = false, rms_scaling = false, scale = false} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  %y = kconv.layer_norm %x, %g, %b {axes = array<i64: 3>, center = true, epsilon = 1.0e-6 : f64, mean_square = false, rms_scaling = false, scale = false} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  // CHECK: kconv.layer_norm {{.*}} {axes = array<i64: 1>, center = false, epsilon = 1.000000e-03 : f64, mean_square = false, rms_scaling = true, scale = true} : (tensor<?x12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<?x12xf32>
  %z = kconv.layer_norm %d, %g2, %g2 {axes = array<i64: 1>, center = false, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = true, scale = true} : (tensor<?x12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<?x12xf32>
  return %y, %z : tensor<?x5x6x8xf32>, tensor<?x12xf32>
}

// CHECK-LABEL: func.func @several_axes
func.func @several_axes(%x: tensor<2x5x6x8xf32>, %g: tensor<5x8xf32>, %s: tensor<6x8xf32>) -> (tensor<2x5x6x8xf32>, tensor<2x5x6x8xf32>) {
  // CHECK: kconv.layer_norm {{.*}} {axes = array<i64: 1, 3>, {{.*}}} : (tensor<2x5x6x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x6x8xf32>
  %y = kconv.layer_norm %x, %g, %g {axes = array<i64: 1, 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<2x5x6x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<2x5x6x8xf32>
  // CHECK: kconv.layer_norm {{.*}} {axes = array<i64: 2, 3>, center = false, epsilon = 9.9999999999999995E-7 : f64, mean_square = true, rms_scaling = true, scale = true} : (tensor<2x5x6x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<2x5x6x8xf32>
  %z = kconv.layer_norm %x, %s, %s {axes = array<i64: 2, 3>, center = false, epsilon = 1.0e-6 : f64, mean_square = true, rms_scaling = true, scale = true} : (tensor<2x5x6x8xf32>, tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<2x5x6x8xf32>
  return %y, %z : tensor<2x5x6x8xf32>, tensor<2x5x6x8xf32>
}
