// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.category_encoding prints and parses back in its three modes: one-hot appends
// the token axis (or replaces a last axis of 1), multi-hot and count replace a
// sample's ids axis.

// CHECK-LABEL: func.func @category_encoding
func.func @category_encoding(%ids: tensor<?x5xf32>, %col: tensor<?x1xf32>, %flat: tensor<?xf32>, %grid: tensor<2x3x4xf32>) -> (tensor<?x5x7xf32>, tensor<?x7xf32>, tensor<?x7xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<2x3x6xf32>) {
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<one_hot>, num_tokens = 7 : i64} : (tensor<?x5xf32>) -> tensor<?x5x7xf32>
  %a = kconv.category_encoding %ids {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<?x5xf32>) -> tensor<?x5x7xf32>
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<one_hot>, num_tokens = 7 : i64} : (tensor<?x1xf32>) -> tensor<?x7xf32>
  %b = kconv.category_encoding %col {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<?x1xf32>) -> tensor<?x7xf32>
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<one_hot>, num_tokens = 7 : i64} : (tensor<?xf32>) -> tensor<?x7xf32>
  %c = kconv.category_encoding %flat {num_tokens = 7 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<?xf32>) -> tensor<?x7xf32>
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<multi_hot>, num_tokens = 9 : i64} : (tensor<?x5xf32>) -> tensor<?x9xf32>
  %d = kconv.category_encoding %ids {num_tokens = 9 : i64, mode = #kconv.category_encoding_mode<multi_hot>} : (tensor<?x5xf32>) -> tensor<?x9xf32>
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<count>, num_tokens = 9 : i64} : (tensor<?x5xf32>) -> tensor<?x9xf32>
  %e = kconv.category_encoding %ids {num_tokens = 9 : i64, mode = #kconv.category_encoding_mode<count>} : (tensor<?x5xf32>) -> tensor<?x9xf32>
  // CHECK: kconv.category_encoding %{{.*}} {mode = #kconv.category_encoding_mode<multi_hot>, num_tokens = 6 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x6xf32>
  %f = kconv.category_encoding %grid {num_tokens = 6 : i64, mode = #kconv.category_encoding_mode<multi_hot>} : (tensor<2x3x4xf32>) -> tensor<2x3x6xf32>
  return %a, %b, %c, %d, %e, %f : tensor<?x5x7xf32>, tensor<?x7xf32>, tensor<?x7xf32>, tensor<?x9xf32>, tensor<?x9xf32>, tensor<2x3x6xf32>
}
