// RUN: kconv-opt %s --kconv-infer-shapes | FileCheck %s
// kconv.adaptive_pool2d's result takes the output size on the spatial axes of its data
// format and keeps the batch (static or `?`) and the channels.

// CHECK-LABEL: func.func @adaptive
func.func @adaptive(%x: tensor<?x10x7x16xf32>, %y: tensor<3x16x10x7xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: kconv.adaptive_pool2d {{.*}} -> tensor<?x4x5x16xf32>
  %a = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<average>, output_size = array<i64: 4, 5>} : (tensor<?x10x7x16xf32>) -> tensor<*xf32>
  // CHECK: kconv.adaptive_pool2d {{.*}} -> tensor<3x16x12x1xf32>
  %b = kconv.adaptive_pool2d %y {data_format = #kconv.data_format<channels_first>, kind = #kconv.pool_kind<max>, output_size = array<i64: 12, 1>} : (tensor<3x16x10x7xf32>) -> tensor<*xf32>
  return %a, %b : tensor<*xf32>, tensor<*xf32>
}
