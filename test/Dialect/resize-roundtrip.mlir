// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.resize prints and parses back: nearest, bilinear and bicubic, both data formats.

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<?x6x10x3xf32>, %y: tensor<2x3x6x10xf32>) -> (tensor<?x12x20x3xf32>, tensor<2x3x4x5xf32>, tensor<?x1x1x3xf32>) {
  // CHECK: kconv.resize %{{.*}} {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bicubic>, size = array<i64: 12, 20>} : (tensor<?x6x10x3xf32>) -> tensor<?x12x20x3xf32>
  %a = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bicubic>, size = array<i64: 12, 20>} : (tensor<?x6x10x3xf32>) -> tensor<?x12x20x3xf32>
  // CHECK: kconv.resize %{{.*}} {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.resize_method<nearest>, size = array<i64: 4, 5>} : (tensor<2x3x6x10xf32>) -> tensor<2x3x4x5xf32>
  %b = kconv.resize %y {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.resize_method<nearest>, size = array<i64: 4, 5>} : (tensor<2x3x6x10xf32>) -> tensor<2x3x4x5xf32>
  // CHECK: kconv.resize %{{.*}} {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 1, 1>} : (tensor<?x6x10x3xf32>) -> tensor<?x1x1x3xf32>
  %c = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 1, 1>} : (tensor<?x6x10x3xf32>) -> tensor<?x1x1x3xf32>
  return %a, %b, %c : tensor<?x12x20x3xf32>, tensor<2x3x4x5xf32>, tensor<?x1x1x3xf32>
}
