// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.depth_unfold prints and parses back with its depth kernel, stride, dilation,
// paddings, groups and data format, channels_last and channels_first.

// CHECK-LABEL: func.func @depth_unfold
func.func @depth_unfold(%x: tensor<?x4x6x6x2xf32>, %f: tensor<2x6x5x4x3xf32>) -> (tensor<?x32x6x6xf32>, tensor<2x15x3x12xf32>) {
  // CHECK: kconv.depth_unfold %{{.*}} {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 1, 1>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64} : (tensor<?x4x6x6x2xf32>) -> tensor<?x32x6x6xf32>
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 1, 1>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64} : (tensor<?x4x6x6x2xf32>) -> tensor<?x32x6x6xf32>
  // CHECK: kconv.depth_unfold %{{.*}} {data_format = #kconv.data_format<channels_first>, depth_padding = array<i64: 0, 0>, dilation_depth = 2 : i64, groups = 2 : i64, kernel_depth = 2 : i64, row_padding = array<i64: 0, 1>, stride_depth = 1 : i64} : (tensor<2x6x5x4x3xf32>) -> tensor<2x15x3x12xf32>
  %z = kconv.depth_unfold %f {data_format = #kconv.data_format<channels_first>, depth_padding = array<i64: 0, 0>, dilation_depth = 2 : i64, groups = 2 : i64, kernel_depth = 2 : i64, row_padding = array<i64: 0, 1>, stride_depth = 1 : i64} : (tensor<2x6x5x4x3xf32>) -> tensor<2x15x3x12xf32>
  return %y, %z : tensor<?x32x6x6xf32>, tensor<2x15x3x12xf32>
}
