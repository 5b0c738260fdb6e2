// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// Invalid Keras argument combinations and shapes are rejected by the verifiers.

func.func @add_shape_mismatch(%x: tensor<?x4x4x2xf32>, %y: tensor<?x4x4x3xf32>) {
  // expected-error @+1 {{inputs have incompatible shapes: (?, 4, 4, 2) and (?, 4, 4, 3) (2 and 3 at axis 3; only a size of 1 broadcasts)}}
  %m = kconv.merge %x, %y {kind = #kconv.merge_kind<add>} : (tensor<?x4x4x2xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

func.func @subtract_three(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{Subtract needs exactly 2 inputs, got 3}}
  %m = kconv.merge %x, %x, %x {kind = #kconv.merge_kind<subtract>} : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @concat_mismatch(%x: tensor<1x4x4x2xf32>, %y: tensor<1x5x4x2xf32>) {
  // expected-error @+1 {{inputs (1, 4, 4, 2) and (1, 5, 4, 2) differ outside the concatenation axis 3}}
  %c = kconv.concatenate %x, %y {axis = 3 : i64} : (tensor<1x4x4x2xf32>, tensor<1x5x4x2xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

func.func @dense_features(%x: tensor<1x5xf32>, %k: tensor<4x3xf32>) {
  // expected-error @+1 {{kernel (4, 3) expects 4 input features, the input (1, 5) has 5}}
  %y = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 3 : i64, use_bias = false} : (tensor<1x5xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @dense_wrong_result(%x: tensor<1x4xf32>, %k: tensor<4x3xf32>) {
  // expected-error @+1 {{result shape (1, 4) does not match the inferred shape (1, 3)}}
  %y = kconv.dense %x, %k {activation = #kconv.activation<linear>, units = 3 : i64, use_bias = false} : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @batch_norm_sizes(%x: tensor<1x4x4x3xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{gamma has 4 values, expected 3}}
  %y = kconv.batch_norm %x, %v, %v, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, scale = true} : (tensor<1x4x4x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @pool_too_large(%x: tensor<1x2x2x3xf32>) {
  // expected-error @+1 {{the pool window (3) is larger than the height of the input (1, 2, 2, 3) with padding 'valid'}}
  %p = kconv.pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<valid>, pool_size = array<i64: 3, 3>, strides = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>) -> tensor<1x1x1x3xf32>
  return
}

// -----

func.func @relu_args_on_tanh(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'max_value', 'negative_slope' and 'threshold' apply to relu only}}
  %y = kconv.activation %x {activation = #kconv.activation<tanh>, max_value = 1.0 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @softmax_batch_axis(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{softmax 'axis' 0 must name a non-batch axis of (1, 2)}}
  %y = kconv.activation %x {activation = #kconv.activation<softmax>, axis = 0 : i64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @glu_odd_axis(%x: tensor<1x3x5xf32>) {
  // expected-error @+1 {{glu splits axis 2 of (1, 3, 5) in two halves: its size must be known and even}}
  %y = kconv.activation %x {activation = #kconv.activation<glu>, axis = 2 : i64} : (tensor<1x3x5xf32>) -> tensor<1x3x2xf32>
  return
}

// -----

func.func @axis_on_elementwise(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'axis' applies to softmax, log_softmax, sparsemax and glu only}}
  %y = kconv.activation %x {activation = #kconv.activation<sparse_sigmoid>, axis = 1 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @glu_wrong_result(%x: tensor<1x3x6xf32>) {
  // expected-error @+1 {{result shape (1, 3, 6) does not match the inferred shape (1, 3, 3)}}
  %y = kconv.activation %x {activation = #kconv.activation<glu>, axis = 2 : i64} : (tensor<1x3x6xf32>) -> tensor<1x3x6xf32>
  return
}

// -----

func.func @crop_everything(%x: tensor<1x4x4x1xf32>) {
  // expected-error @+1 {{cropping 2 + 2 leaves nothing of the input (1, 4, 4, 1)}}
  %y = kconv.crop2d %x {cropping = array<i64: 2, 2, 0, 0>, data_format = #kconv.data_format<channels_last>} : (tensor<1x4x4x1xf32>) -> tensor<1x1x4x1xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<?x4x4xf32>) {
  // expected-error @+1 {{cannot reshape (?, 4, 4) (16 values per sample) to (3, 5) (15 values)}}
  %y = kconv.reshape %x {shape = array<i64: 3, 5>} : (tensor<?x4x4xf32>) -> tensor<?x3x5xf32>
  return
}

// -----

func.func @transpose_batch(%x: tensor<1x4x4xf32>) {
  // expected-error @+1 {{'permutation' must keep the batch dimension first}}
  %y = kconv.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<1x4x4xf32>) -> tensor<4x1x4xf32>
  return
}

// -----

func.func @prelu_alpha(%x: tensor<1x4x3xf32>, %a: tensor<4x2xf32>) {
  // expected-error @+1 {{alpha (4, 2) does not broadcast to the input (1, 4, 3)}}
  %y = kconv.prelu %x, %a : (tensor<1x4x3xf32>, tensor<4x2xf32>) -> tensor<1x4x3xf32>
  return
}

// -----

func.func @upsample_size(%x: tensor<1x4x4x1xf32>) {
  // expected-error @+1 {{'size' values must be >= 1, got 0}}
  %y = kconv.upsample2d %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.interpolation<nearest>, size = array<i64: 0, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x4x8x1xf32>
  return
}

// -----

func.func @residual_shape(%x: tensor<1x4x4x1xf32>, %k: tensor<1x1x1x2xf32>, %r: tensor<1x4x4x1xf32>) {
  // expected-error @+1 {{residual type 'tensor<1x4x4x1xf32>' differs from the result type 'tensor<1x4x4x2xf32>'}}
  %y = kconv.conv2d %x, %k residual %r {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 1, 1>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x1xf32>, tensor<1x1x1x2xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32>
  return
}

// -----

func.func @transpose_kernel(%x: tensor<1x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) {
  // expected-error @+1 {{kernel (3, 3, 3, 2) does not match (kernel_size, filters, input channels) = (3, 3, 2, 3)}}
  %y = kconv.conv2d_transpose %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<1x6x6x2xf32>
  return
}

// -----

func.func @transpose_size(%x: tensor<1x4x4x3xf32>, %k: tensor<3x3x2x3xf32>) {
  // expected-error @+1 {{result shape (1, 8, 8, 2) does not match the inferred shape (1, 9, 9, 2)}}
  %y = kconv.conv2d_transpose %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 2, 2>, use_bias = false} : (tensor<1x4x4x3xf32>, tensor<3x3x2x3xf32>) -> tensor<1x8x8x2xf32>
  return
}
