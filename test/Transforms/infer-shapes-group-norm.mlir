// RUN: kconv-opt %s --kconv-infer-shapes -split-input-file -verify-diagnostics | FileCheck %s
// kconv.group_norm keeps its input's shape, with a static or `?` batch, whatever its
// channel axis.

// CHECK-LABEL: func.func @group_norm
// CHECK-SAME: -> (tensor<?x4x5x6xf32>, tensor<2x6x7xf32>)
// CHECK: kconv.group_norm {{.*}} -> tensor<?x4x5x6xf32>
// CHECK: kconv.group_norm {{.*}} -> tensor<2x6x7xf32>
func.func @group_norm(%x: tensor<?x4x5x6xf32>, %s: tensor<2x6x7xf32>, %v: tensor<6xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %n = kconv.group_norm %x, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 3 : i64, scale = true} : (tensor<?x4x5x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  %m = kconv.group_norm %s, %v, %v {axis = 1 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<2x6x7xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  return %n, %m : tensor<*xf32>, tensor<*xf32>
}

// -----

// A channel count the groups do not divide is an error, as the verifier says.
func.func @group_norm_groups(%x: tensor<?x4x5x6xf32>, %v: tensor<6xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'groups' (4) must divide the 6 channels of axis 3}}
  %n = kconv.group_norm %x, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 4 : i64, scale = true} : (tensor<?x4x5x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<*xf32>
  return %n : tensor<*xf32>
}
