// RUN: kconv-opt %s --kconv-infer-shapes | FileCheck %s
// kconv.batch_matmul and kconv.additive_scores: (batch..., rows, columns) from their
// operands, with a static or `?` batch, whatever the transpose flags.

// CHECK-LABEL: func.func @attention_shapes
// CHECK-SAME: -> (tensor<?x2x5x7xf32>, tensor<3x4x6xf32>, tensor<?x5x7xf32>)
// CHECK: kconv.batch_matmul {{.*}} -> tensor<?x2x5x7xf32>
// CHECK: kconv.batch_matmul {{.*}} -> tensor<3x4x6xf32>
// CHECK: kconv.additive_scores {{.*}} -> tensor<?x5x7xf32>
func.func @attention_shapes(%q: tensor<?x2x5x4xf32>, %k: tensor<?x2x7x4xf32>, %a: tensor<3x5x4xf32>, %b: tensor<3x6x5xf32>, %x: tensor<?x5x3xf32>, %y: tensor<?x7x3xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %s = kconv.batch_matmul %q, %k {causal_mask = false, transpose_lhs = false, transpose_rhs = true} : (tensor<?x2x5x4xf32>, tensor<?x2x7x4xf32>) -> tensor<*xf32>
  %c = kconv.batch_matmul %a, %b {causal_mask = false, transpose_lhs = true, transpose_rhs = true} : (tensor<3x5x4xf32>, tensor<3x6x5xf32>) -> tensor<*xf32>
  %t = kconv.additive_scores %x, %y {causal_mask = true, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<?x5x3xf32>, tensor<?x7x3xf32>) -> tensor<*xf32>
  return %s, %c, %t : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}

// kconv.attention_mask: the scores' shape, once the scores have theirs.
// CHECK-LABEL: func.func @attention_mask_shapes
// CHECK-SAME: -> tensor<?x2x5x7xf32>
// CHECK: kconv.batch_matmul {{.*}} -> tensor<?x2x5x7xf32>
// CHECK: kconv.attention_mask {{.*}} -> tensor<?x2x5x7xf32>
func.func @attention_mask_shapes(%q: tensor<?x2x5x4xf32>, %k: tensor<?x2x7x4xf32>, %ids: tensor<?x7xf32>) -> tensor<*xf32> {
  %s = kconv.batch_matmul %q, %k {causal_mask = false, transpose_lhs = false, transpose_rhs = true} : (tensor<?x2x5x4xf32>, tensor<?x2x7x4xf32>) -> tensor<*xf32>
  %m = kconv.attention_mask %s value(%ids) {causal = true, zero_masked = false} : (tensor<*xf32>, tensor<?x7xf32>) -> tensor<*xf32>
  return %m : tensor<*xf32>
}
