// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.unit_norm prints and parses back with its axes and clamp, on rank 4 and rank 2.

// CHECK-LABEL: func.func @unit_norm
func.func @unit_norm(%x: tensor<?x5x6x8xf32>, %d: tensor<?x12xf32>) -> (tensor<?x5x6x8xf32>, tensor<?x12xf32>) {
  // CHECK: kconv.unit_norm %{{.*}} {axes = array<i64: 1, 2>, min_square_sum = 9.9999999999999998E-13 : f64} : (tensor<?x5x6x8xf32>) -> tensor<?x5x6x8xf32>
  %y = kconv.unit_norm %x {axes = array<i64: 1, 2>, min_square_sum = 1.0e-12 : f64} : (tensor<?x5x6x8xf32>) -> tensor<?x5x6x8xf32>
  // CHECK: kconv.unit_norm %{{.*}} {axes = array<i64: 1>, min_square_sum = 9.9999999999999992E-25 : f64} : (tensor<?x12xf32>) -> tensor<?x12xf32>
  %z = kconv.unit_norm %d {axes = array<i64: 1>, min_square_sum = 1.0e-24 : f64} : (tensor<?x12xf32>) -> tensor<?x12xf32>
  return %y, %z : tensor<?x5x6x8xf32>, tensor<?x12xf32>
}
