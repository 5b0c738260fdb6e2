// RUN: kconv-opt %s --kconv-fold-padding | FileCheck %s

// ZeroPadding2D (1, 2, 0, 3) before a 'same' 3x3 conv on the padded 7x7 input:
// the conv's own (1, 1, 1, 1) plus the pad amounts, read from the unpadded input.
// CHECK-LABEL: func.func @pad_then_same_conv
// CHECK-NOT: kconv.zero_pad2d
// CHECK: kconv.conv2d %arg0, %arg1
// CHECK-SAME: explicit_padding = array<i64: 2, 3, 1, 4>
// CHECK-SAME: (tensor<1x4x4x2xf32>, tensor<3x3x2x2xf32>) -> tensor<1x7x7x2xf32>
func.func @pad_then_same_conv(%x: tensor<1x4x4x2xf32>, %k: tensor<3x3x2x2xf32>) -> tensor<1x7x7x2xf32> {
  %p = kconv.zero_pad2d %x {data_format = #kconv.data_format<channels_last>, padding = array<i64: 1, 2, 0, 3>} : (tensor<1x4x4x2xf32>) -> tensor<1x7x7x2xf32>
  %c = kconv.conv2d %p, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x7x7x2xf32>, tensor<3x3x2x2xf32>) -> tensor<1x7x7x2xf32>
  return %c : tensor<1x7x7x2xf32>
}

// The pad stays for its other user (a pool cannot take it).
// CHECK-LABEL: func.func @shared_pad
// CHECK: %[[P:.*]] = kconv.zero_pad2d
// CHECK: kconv.conv2d %arg0
// CHECK: kconv.pool2d %[[P]]
func.func @shared_pad(%x: tensor<1x4x4x2xf32>, %k: tensor<1x1x2x2xf32>) -> (tensor<1x6x6x2xf32>, tensor<1x3x3x2xf32>) {
  %p = kconv.zero_pad2d %x {data_format = #kconv.data_format<channels_last>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x2xf32>) -> tensor<1x6x6x2xf32>
  %c = kconv.conv2d %p, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x6x6x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x6x6x2xf32>
  %q = kconv.pool2d %p {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<valid>, pool_size = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x6x6x2xf32>) -> tensor<1x3x3x2xf32>
  return %c, %q : tensor<1x6x6x2xf32>, tensor<1x3x3x2xf32>
}
