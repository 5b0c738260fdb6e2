// RUN: kconv-opt %s --kconv-fuse-epilogue | FileCheck %s
// A residual Add fuses into the convolution only when its other input has the
// convolution's shape: a broadcast Add (a per-channel (N, 1, 1, C) term, or a
// convolution whose (N, 1, 1, C) result is stretched) stays a merge.

// CHECK-LABEL: func.func @broadcast_add
// CHECK: %[[C:.*]] = kconv.conv2d
// CHECK-NOT: residual
// CHECK: kconv.merge %[[C]], %arg1 {kind = #kconv.merge_kind<add>}
func.func @broadcast_add(%x: tensor<1x4x4x8xf32>, %s: tensor<1x1x1x8xf32>, %k: tensor<1x1x8x8xf32>) -> tensor<1x4x4x8xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x4x4x8xf32>
  %a = kconv.merge %c, %s {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  return %a : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @small_conv
// CHECK: %[[C:.*]] = kconv.conv2d
// CHECK-NOT: residual
// CHECK: kconv.merge %arg1, %[[C]] {kind = #kconv.merge_kind<add>}
func.func @small_conv(%x: tensor<1x1x1x8xf32>, %y: tensor<1x4x4x8xf32>, %k: tensor<1x1x8x8xf32>) -> tensor<1x4x4x8xf32> {
  %c = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x1x1x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x1x8xf32>
  %a = kconv.merge %y, %c {kind = #kconv.merge_kind<add>} : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  return %a : tensor<1x4x4x8xf32>
}
