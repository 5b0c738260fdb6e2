// RUN: kconv-opt %s -split-input-file -verify-diagnostics

func.func @dilation_with_strides(%x: tensor<1x8x8x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x4x4x1xf32> {
  // expected-error @+1 {{'strides' > 1 is not supported together with 'dilation_rate' > 1}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 2, 2>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 2, 2>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

// -----

func.func @groups_not_dividing_channels(%x: tensor<1x8x8x3xf32>, %k: tensor<1x1x1x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error @+1 {{'groups' (2) must divide the input channels (3)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 2 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x3xf32>, tensor<1x1x1x4xf32>) -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

func.func @groups_not_dividing_filters(%x: tensor<1x8x8x4xf32>, %k: tensor<1x1x2x3xf32>) -> tensor<1x8x8x3xf32> {
  // expected-error @+1 {{'groups' (2) must divide 'filters' (3)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 3 : i64, groups = 2 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x4xf32>, tensor<1x1x2x3xf32>) -> tensor<1x8x8x3xf32>
  return %y : tensor<1x8x8x3xf32>
}

// -----

func.func @kernel_shape(%x: tensor<1x8x8x2xf32>, %k: tensor<3x3x1x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error @+1 {{kernel shape (3, 3, 1, 4) does not match (kernel_size, input channels / groups, filters) = (3, 3, 2, 4)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x2xf32>, tensor<3x3x1x4xf32>) -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

func.func @use_bias_without_bias(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32> {
  // expected-error @+1 {{'use_bias' is true but a bias operand is absent}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = true} : (tensor<1x8x8x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32>
  return %y : tensor<1x8x8x1xf32>
}

// -----

func.func @bias_size(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x2xf32>, %b: tensor<3xf32>) -> tensor<1x8x8x2xf32> {
  // expected-error @+1 {{bias has 3 elements, expected 'filters' (2)}}
  %y = kconv.conv2d %x, %k, %b {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = true} : (tensor<1x8x8x1xf32>, tensor<1x1x1x2xf32>, tensor<3xf32>) -> tensor<1x8x8x2xf32>
  return %y : tensor<1x8x8x2xf32>
}

// -----

func.func @wrong_result_height(%x: tensor<1x8x8x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x8x6x1xf32> {
  // expected-error @+1 {{result shape (1, 8, 6, 1) does not match the inferred shape (1, 6, 6, 1)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x8x6x1xf32>
  return %y : tensor<1x8x6x1xf32>
}

// -----

func.func @kernel_larger_than_input(%x: tensor<1x2x8x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x1x6x1xf32> {
  // expected-error @+1 {{the dilated kernel (3) is larger than the padded input height (2)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x2x8x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x1x6x1xf32>
  return %y : tensor<1x1x6x1xf32>
}

// -----

func.func @stride_pair(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32> {
  // expected-error @+1 {{'strides' must have 2 values, got 3}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32>
  return %y : tensor<1x8x8x1xf32>
}

// -----

func.func @zero_dilation(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32> {
  // expected-error @+1 {{'dilation_rate' values must be >= 1, got 0}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 0, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32>
  return %y : tensor<1x8x8x1xf32>
}

// -----

func.func @unknown_activation(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32> {
  // expected-error @+2 {{expected ::kconv::dialect::Activation to be one of: linear, relu}}
  // expected-error @+1 {{failed to parse Kconv_ActivationAttr parameter 'value'}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<wobbly>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32>
  return %y : tensor<1x8x8x1xf32>
}

// -----

func.func @negative_explicit_padding(%x: tensor<1x8x8x1xf32>, %k: tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32> {
  // expected-error @+1 {{'explicit_padding' values must be >= 0}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, explicit_padding = array<i64: 0, -1, 0, 0>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x1xf32>
  return %y : tensor<1x8x8x1xf32>
}
