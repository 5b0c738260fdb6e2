// RUN: kconv-opt %s --kconv-infer-shapes | FileCheck %s
// kconv.category_encoding's result shape, with a static or `?` batch: one-hot appends
// the token axis or replaces a last axis of 1; multi-hot and count replace the ids axis.

// CHECK-LABEL: func.func @category_encoding
// CHECK-SAME: -> (tensor<?x5x7xf32>, tensor<3x7xf32>, tensor<?x7xf32>, tensor<3x9xf32>, tensor<2x3x6xf32>)
// CHECK: kconv.category_encoding {{.*}} -> tensor<?x5x7xf32>
// CHECK: kconv.category_encoding {{.*}} -> tensor<3x7xf32>
// CHECK: kconv.category_encoding {{.*}} -> tensor<?x7xf32>
// CHECK: kconv.category_encoding {{.*}} -> tensor<3x9xf32>
// CHECK: kconv.category_encoding {{.*}} -> tensor<2x3x6xf32>
func.func @category_encoding(%ids: tensor<?x5xf32>, %col: tensor<3x1xf32>, %flat: tensor<?xf32>, %s: tensor<3x4xf32>, %grid: tensor<2x3x4xf32>) -> (tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>) {
  %a = kconv.category_encoding %ids {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<?x5xf32>) -> tensor<*xf32>
  %b = kconv.category_encoding %col {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<3x1xf32>) -> tensor<*xf32>
  %c = kconv.category_encoding %flat {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<?xf32>) -> tensor<*xf32>
  %d = kconv.category_encoding %s {num_tokens = 9 : i64, mode = #kconv.category_encoding_mode<count>} : (tensor<3x4xf32>) -> tensor<*xf32>
  %e = kconv.category_encoding %grid {num_tokens = 6 : i64, mode = #kconv.category_encoding_mode<multi_hot>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return %a, %b, %c, %d, %e : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
}
