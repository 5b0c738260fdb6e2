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

// kconv.masked_average_pool1d (GlobalAveragePooling1D applying an Embedding's mask).
// CHECK-LABEL: func.func @masked_average
func.func @masked_average(%x: tensor<?x12x8xf32>, %c: tensor<2x8x12xf32>, %ids: tensor<?x12xf32>, %ids2: tensor<2x12xf32>) -> (tensor<?x8xf32>, tensor<2x8x1xf32>) {
  // CHECK: kconv.masked_average_pool1d %{{.*}}, %{{.*}} {data_format = #kconv.data_format<channels_last>, keepdims = false} : (tensor<?x12x8xf32>, tensor<?x12xf32>) -> tensor<?x8xf32>
  %y = kconv.masked_average_pool1d %x, %ids {data_format = #kconv.data_format<channels_last>, keepdims = false} : (tensor<?x12x8xf32>, tensor<?x12xf32>) -> tensor<?x8xf32>
  // CHECK: kconv.masked_average_pool1d %{{.*}}, %{{.*}} {data_format = #kconv.data_format<channels_first>, keepdims = true} : (tensor<2x8x12xf32>, tensor<2x12xf32>) -> tensor<2x8x1xf32>
  %z = kconv.masked_average_pool1d %c, %ids2 {data_format = #kconv.data_format<channels_first>, keepdims = true} : (tensor<2x8x12xf32>, tensor<2x12xf32>) -> tensor<2x8x1xf32>
  return %y, %z : tensor<?x8xf32>, tensor<2x8x1xf32>
}
