// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.layer_norm prints and parses back with its attributes, on rank 4 and rank 2.

// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<?x5x6x8xf32>, %d: tensor<?x12xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %g2: tensor<12xf32>) -> (tensor<?x5x6x8xf32>, tensor<?x12xf32>) {
  // CHECK: kconv.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 3 : i64, center = true, epsilon = 9.9999999999999995E-7 : f64, rms_scaling = false, scale = false} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  %y = kconv.layer_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-6 : f64, rms_scaling = false, scale = false} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  // CHECK: kconv.layer_norm {{.*}} {axis = 1 : i64, center = false, epsilon = 1.000000e-03 : f64, rms_scaling = true, scale = true} : (tensor<?x12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<?x12xf32>
  %z = kconv.layer_norm %d, %g2, %g2 {axis = 1 : i64, center = false, epsilon = 1.0e-3 : f64, rms_scaling = true, scale = true} : (tensor<?x12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<?x12xf32>
  return %y, %z : tensor<?x5x6x8xf32>, tensor<?x12xf32>
}
