// RUN: kconv-opt %s --kconv-eliminate-identity | FileCheck %s

// Dropout-like identities and identity transposes go; so do layers feeding nothing.
// CHECK-LABEL: func.func @identities
// CHECK-NOT: kconv.identity
// CHECK-NOT: kconv.transpose
// CHECK-NOT: kconv.dense
// CHECK-NOT: arith.constant
// CHECK: %[[A:.*]] = kconv.activation %arg0
// CHECK: return %[[A]]
func.func @identities(%x: tensor<?x8xf32>, %k: tensor<8x2xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x2xf32>
  %dead = kconv.dense %x, %w {activation = #kconv.activation<linear>, units = 2 : i64, use_bias = false} : (tensor<?x8xf32>, tensor<8x2xf32>) -> tensor<?x2xf32>
  %i = kconv.identity %x {layer_class = "Dropout"} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %t = kconv.transpose %i {permutation = array<i64: 0, 1>} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %a = kconv.activation %t {activation = #kconv.activation<relu>} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %n = kconv.identity %a {layer_class = "GaussianNoise"} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %n : tensor<?x8xf32>
}
