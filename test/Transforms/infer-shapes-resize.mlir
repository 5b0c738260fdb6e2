// RUN: kconv-opt %s --kconv-infer-shapes | FileCheck %s
// kconv.resize's result takes the size on the spatial axes of its data format and keeps
// the batch (static or `?`) and the channels.

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<?x6x10x3xf32>, %y: tensor<3x16x10x7xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  // CHECK: kconv.resize {{.*}} -> tensor<?x13x17x3xf32>
  %a = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bicubic>, size = array<i64: 13, 17>} : (tensor<?x6x10x3xf32>) -> tensor<*xf32>
  // CHECK: kconv.resize {{.*}} -> tensor<3x16x2x1xf32>
  %b = kconv.resize %y {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.resize_method<nearest>, size = array<i64: 2, 1>} : (tensor<3x16x10x7xf32>) -> tensor<*xf32>
  return %a, %b : tensor<*xf32>, tensor<*xf32>
}
