// RUN: kconv-opt %s | kconv-opt | FileCheck %s

// CHECK-LABEL: func.func @every_argument
func.func @every_argument(%x: tensor<?x8x8x4xf32>, %k: tensor<3x3x2x6xf32>, %b: tensor<6xf32>) -> tensor<?x4x4x6xf32> {
  // CHECK: kconv.conv2d {{%[^,]+}}, {{%[^,]+}}, {{%[^ ]+}} {
  // CHECK-SAME: activation = #kconv.activation<hard_sigmoid_keras2>
  // CHECK-SAME: activity_regularizer = {class_name = "L1", config = {l1 = 1.000000e-02 : f64}}
  // CHECK-SAME: bias_constraint = "non_neg"
  // CHECK-SAME: data_format = #kconv.data_format<channels_last>
  // CHECK-SAME: dilation_rate = array<i64: 1, 1>
  // CHECK-SAME: filters = 6 : i64, groups = 2 : i64
  // CHECK-SAME: kernel_initializer = {class_name = "HeNormal", config = {seed = 7 : i64}}
  // CHECK-SAME: kernel_size = array<i64: 3, 3>
  // CHECK-SAME: padding = #kconv.padding<same>
  // CHECK-SAME: strides = array<i64: 2, 2>
  // CHECK-SAME: use_bias = true
  // CHECK-SAME: (tensor<?x8x8x4xf32>, tensor<3x3x2x6xf32>, tensor<6xf32>) -> tensor<?x4x4x6xf32>
  %y = kconv.conv2d %x, %k, %b {activation = #kconv.activation<hard_sigmoid_keras2>,
      activity_regularizer = {class_name = "L1", config = {l1 = 0.01 : f64}},
      bias_constraint = "non_neg",
      data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>,
      filters = 6 : i64, groups = 2 : i64,
      kernel_initializer = {class_name = "HeNormal", config = {seed = 7 : i64}},
      kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 2, 2>,
      use_bias = true} : (tensor<?x8x8x4xf32>, tensor<3x3x2x6xf32>, tensor<6xf32>) -> tensor<?x4x4x6xf32>
  return %y : tensor<?x4x4x6xf32>
}

// CHECK-LABEL: func.func @channels_first_no_bias_dilated
func.func @channels_first_no_bias_dilated(%x: tensor<1x3x9x7xf32>, %k: tensor<2x3x3x5xf32>) -> tensor<1x5x7x3xf32> {
  // CHECK: kconv.conv2d {{%[^,]+}}, {{%[^ ]+}} {
  // CHECK-SAME: data_format = #kconv.data_format<channels_first>
  // CHECK-SAME: dilation_rate = array<i64: 2, 2>
  // CHECK-SAME: use_bias = false
  // CHECK-SAME: (tensor<1x3x9x7xf32>, tensor<2x3x3x5xf32>) -> tensor<1x5x7x3xf32>
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<gelu>,
      data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 2, 2>,
      filters = 5 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 3>,
      padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false}
      : (tensor<1x3x9x7xf32>, tensor<2x3x3x5xf32>) -> tensor<1x5x7x3xf32>
  return %y : tensor<1x5x7x3xf32>
}
