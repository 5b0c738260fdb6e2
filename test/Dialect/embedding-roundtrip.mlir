// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.embedding prints and parses back, on rank-2 and rank-3 indices.

// CHECK-LABEL: func.func @embedding
func.func @embedding(%x: tensor<?x12xf32>, %g: tensor<2x3x4xf32>, %t: tensor<50x8xf32>) -> (tensor<?x12x8xf32>, tensor<2x3x4x8xf32>) {
  // CHECK: kconv.embedding %{{.*}}, %{{.*}} {mask_zero = false} : (tensor<?x12xf32>, tensor<50x8xf32>) -> tensor<?x12x8xf32>
  %y = kconv.embedding %x, %t {mask_zero = false} : (tensor<?x12xf32>, tensor<50x8xf32>) -> tensor<?x12x8xf32>
  // CHECK: kconv.embedding %{{.*}}, %{{.*}} {mask_zero = true} : (tensor<2x3x4xf32>, tensor<50x8xf32>) -> tensor<2x3x4x8xf32>
  %z = kconv.embedding %g, %t {mask_zero = true} : (tensor<2x3x4xf32>, tensor<50x8xf32>) -> tensor<2x3x4x8xf32>
  return %y, %z : tensor<?x12x8xf32>, tensor<2x3x4x8xf32>
}
