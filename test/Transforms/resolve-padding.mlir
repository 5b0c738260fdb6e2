// RUN: kconv-opt %s --kconv-resolve-padding | FileCheck %s

// TensorFlow 'same': the odd extra row/column goes at the bottom/right.
// CHECK-LABEL: func.func @same_even_kernel
// CHECK: kconv.conv2d
// CHECK-SAME: explicit_padding = array<i64: 0, 1, 0, 1>
func.func @same_even_kernel(%x: tensor<?x4x4x1xf32>, %k: tensor<2x2x1x1xf32>) -> tensor<?x4x4x1xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 2>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<?x4x4x1xf32>, tensor<2x2x1x1xf32>) -> tensor<?x4x4x1xf32>
  return %y : tensor<?x4x4x1xf32>
}

// 224 -> 112 with a 7x7 kernel, stride 2: 2 before, 3 after; rows and columns apart.
// CHECK-LABEL: func.func @same_strided_nonsquare
// CHECK: kconv.conv2d
// CHECK-SAME: explicit_padding = array<i64: 2, 3, 0, 1>
func.func @same_strided_nonsquare(%x: tensor<1x3x224x10xf32>, %k: tensor<7x3x3x4xf32>) -> tensor<1x4x112x5xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 7, 3>, padding = #kconv.padding<same>, strides = array<i64: 2, 2>, use_bias = false} : (tensor<1x3x224x10xf32>, tensor<7x3x3x4xf32>) -> tensor<1x4x112x5xf32>
  return %y : tensor<1x4x112x5xf32>
}

// Dilation 2 enlarges the kernel to 5: two on each side.
// CHECK-LABEL: func.func @same_dilated
// CHECK: kconv.conv2d
// CHECK-SAME: explicit_padding = array<i64: 2, 2, 2, 2>
func.func @same_dilated(%x: tensor<1x6x6x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x6x6x1xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 2, 2>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x6x6x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x6x6x1xf32>
  return %y : tensor<1x6x6x1xf32>
}

// 'valid' pads nothing; an existing explicit_padding is kept.
// CHECK-LABEL: func.func @valid_and_explicit
// CHECK: kconv.conv2d
// CHECK-SAME: explicit_padding = array<i64: 0, 0, 0, 0>
// CHECK: kconv.conv2d
// CHECK-SAME: explicit_padding = array<i64: 1, 0, 0, 1>
func.func @valid_and_explicit(%x: tensor<1x6x6x1xf32>, %k: tensor<2x2x1x1xf32>) -> tensor<1x6x6x1xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 2>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x6x6x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x5x5x1xf32>
  %z = kconv.conv2d %y, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, explicit_padding = array<i64: 1, 0, 0, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 2>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x5x5x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x5x5x1xf32>
  return %x : tensor<1x6x6x1xf32>
}
