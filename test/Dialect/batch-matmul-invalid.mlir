// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.batch_matmul's verifier: operands of one rank >= 3 that agree on the batch
// axes and the contracted size, known matrix axes, the result shaped as inferred.

func.func @rank2(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{operands must have the same rank, at least 3 (batch included), got (2, 3) and (3, 4)}}
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = false, transpose_rhs = false} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @batch_differs(%a: tensor<1x2x3x4xf32>, %b: tensor<1x3x4x5xf32>) {
  // expected-error @+1 {{batch axis 1 differs: (1, 2, 3, 4) and (1, 3, 4, 5)}}
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = false, transpose_rhs = false} : (tensor<1x2x3x4xf32>, tensor<1x3x4x5xf32>) -> tensor<1x2x3x5xf32>
  return
}

// -----

func.func @depth_differs(%a: tensor<?x3x4xf32>, %b: tensor<?x5x4xf32>) {
  // expected-error @+1 {{contracted sizes differ: 4 (lhs (?, 3, 4)) and 5 (rhs (?, 5, 4))}}
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = false, transpose_rhs = false} : (tensor<?x3x4xf32>, tensor<?x5x4xf32>) -> tensor<?x3x4xf32>
  return
}

// -----

func.func @wrong_result(%a: tensor<?x3x4xf32>, %b: tensor<?x5x4xf32>) {
  // expected-error @+1 {{result shape (?, 3, 4) does not match the inferred shape (?, 3, 5)}}
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = false, transpose_rhs = true} : (tensor<?x3x4xf32>, tensor<?x5x4xf32>) -> tensor<?x3x4xf32>
  return
}
