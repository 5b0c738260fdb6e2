// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.batch_matmul prints and parses back with its flags, on rank 3 and rank 4.

// CHECK-LABEL: func.func @batch_matmul
func.func @batch_matmul(%q: tensor<?x2x5x4xf32>, %k: tensor<?x2x7x4xf32>, %a: tensor<3x6x5xf32>, %b: tensor<3x6x2xf32>) -> (tensor<?x2x5x7xf32>, tensor<3x5x2xf32>) {
  // CHECK: kconv.batch_matmul %{{.*}}, %{{.*}} {causal_mask = true, transpose_lhs = false, transpose_rhs = true} : (tensor<?x2x5x4xf32>, tensor<?x2x7x4xf32>) -> tensor<?x2x5x7xf32>
  %s = kconv.batch_matmul %q, %k {causal_mask = true, transpose_lhs = false, transpose_rhs = true} : (tensor<?x2x5x4xf32>, tensor<?x2x7x4xf32>) -> tensor<?x2x5x7xf32>
  // CHECK: kconv.batch_matmul %{{.*}}, %{{.*}} {causal_mask = false, transpose_lhs = true, transpose_rhs = false} : (tensor<3x6x5xf32>, tensor<3x6x2xf32>) -> tensor<3x5x2xf32>
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = true, transpose_rhs = false} : (tensor<3x6x5xf32>, tensor<3x6x2xf32>) -> tensor<3x5x2xf32>
  return %s, %c : tensor<?x2x5x7xf32>, tensor<3x5x2xf32>
}
