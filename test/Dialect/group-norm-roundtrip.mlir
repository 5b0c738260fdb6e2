// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.group_norm prints and parses back with its attributes: the channels last
// (rank 4, `?` batch) and first (rank 3).

// CHECK-LABEL: func.func @group_norm
func.func @group_norm(%x: tensor<?x5x6x8xf32>, %s: tensor<2x6x7xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %g6: tensor<6xf32>) -> (tensor<?x5x6x8xf32>, tensor<2x6x7xf32>) {
  // CHECK: kconv.group_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 3 : i64, center = true, epsilon = 1.000000e-03 : f64, groups = 4 : i64, scale = true} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  %y = kconv.group_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 4 : i64, scale = true} : (tensor<?x5x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x6x8xf32>
  // CHECK: kconv.group_norm {{.*}} {axis = 1 : i64, center = false, epsilon = 9.9999999999999995E-7 : f64, groups = 3 : i64, scale = false} : (tensor<2x6x7xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6x7xf32>
  %z = kconv.group_norm %s, %g6, %g6 {axis = 1 : i64, center = false, epsilon = 1.0e-6 : f64, groups = 3 : i64, scale = false} : (tensor<2x6x7xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6x7xf32>
  return %y, %z : tensor<?x5x6x8xf32>, tensor<2x6x7xf32>
}
