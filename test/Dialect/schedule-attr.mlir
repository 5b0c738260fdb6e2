// RUN: kconv-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @scheduled
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = false, channels_outer = false>
func.func @scheduled(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

// CHECK-LABEL: func.func @width_serial
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "width", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 2, parallel = false, stage_input = true, channels_outer = false>
func.func @width_serial(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 2, parallel = false, stage_input = true, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

func.func @bad_dimension(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule 'vectorize' must be "channels" or "width", got "height"}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "height", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

func.func @bad_width(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule 'vector_width' must be a power of two in [1, 64], got 12}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 12, vectors = 1, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

func.func @too_many_accumulators(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule keeps 72 accumulator vectors per tile; at most 64 are allowed}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 4, tile_x = 6, tile_y = 3, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

func.func @outer_needs_channels(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule 'channels_outer' needs vectorize = "channels"}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

func.func @width_tile_x(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule 'tile_x' must be 1 with vectorize = "width"}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 8, vectors = 1, tile_x = 4, tile_y = 1, parallel = false, stage_input = true, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

// trim_columns is optional (false when absent, and then not printed).
// CHECK-LABEL: func.func @trimmed
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = true, channels_outer = false, trim_columns = true>
func.func @trimmed(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = true, channels_outer = false, trim_columns = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

// CHECK-LABEL: func.func @untrimmed
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = true, channels_outer = false>,
func.func @untrimmed(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 6, tile_y = 1, parallel = true, stage_input = true, channels_outer = false, trim_columns = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @trim_needs_channels(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+2 {{schedule 'trim_columns' needs vectorize = "channels"}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false, trim_columns = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}

// -----

// A depthwise convolution reduces over one input channel per group: nothing to trim.
func.func @trim_depthwise(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32> {
  // expected-error @+1 {{schedule 'trim_columns' needs more than one input channel per group (4 input channel(s) in 4 group(s))}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 4 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 4, vectors = 1, tile_x = 2, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, trim_columns = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32>
  return %y : tensor<1x8x12x4xf32>
}

// -----

// unroll_taps is optional too: a depthwise convolution's taps unrolled (and the flag
// printed only when true), in either vectorization.
// CHECK-LABEL: func.func @unrolled_taps
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "channels", vector_width = 4, vectors = 1, tile_x = 4, tile_y = 2, parallel = true, stage_input = false, channels_outer = false, unroll_taps = true>
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "width", vector_width = 4, vectors = 2, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false, unroll_taps = true>
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "width", vector_width = 4, vectors = 2, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false>,
func.func @unrolled_taps(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 4 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 4, vectors = 1, tile_x = 4, tile_y = 2, parallel = true, stage_input = false, channels_outer = false, unroll_taps = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32>
  %z = kconv.conv2d %y, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 4 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 4, vectors = 2, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false, trim_columns = false, unroll_taps = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32>
  %w = kconv.conv2d %z, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 4 : i64, groups = 4 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 4, vectors = 2, tile_x = 1, tile_y = 1, parallel = false, stage_input = true, channels_outer = false, unroll_taps = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x8x12x4xf32>
  return %w : tensor<1x8x12x4xf32>
}

// -----

// A dense reduction runs over input channels too: unrolling its taps would copy the
// channel loop once per tap.
func.func @unroll_taps_dense(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x2x8xf32>) -> tensor<1x8x12x8xf32> {
  // expected-error @+1 {{schedule 'unroll_taps' needs one input channel per group (4 input channel(s) in 2 group(s))}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 4, vectors = 1, tile_x = 2, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, unroll_taps = true>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x2x8xf32>) -> tensor<1x8x12x8xf32>
  return %y : tensor<1x8x12x8xf32>
}

// -----

// A tile larger than the output: codegen splits the output by the tile.
func.func @block_exceeds_filters(%x: tensor<1x8x12x3xf32>, %k: tensor<3x3x3x8xf32>) -> tensor<1x8x12x8xf32> {
  // expected-error @+1 {{schedule's channel block (vector_width x vectors = 16) exceeds the 8 filters}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 8, vectors = 2, tile_x = 2, tile_y = 1, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x8x12x8xf32>
  return %y : tensor<1x8x12x8xf32>
}

// -----

func.func @columns_exceed_width(%x: tensor<1x3x8x12xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<1x2x8x12xf32> {
  // expected-error @+1 {{schedule's column block (vector_width x vectors = 16) exceeds the output width (12)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "width", vector_width = 16, vectors = 1, tile_x = 1, tile_y = 1, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x3x8x12xf32>, tensor<3x3x3x2xf32>) -> tensor<1x2x8x12xf32>
  return %y : tensor<1x2x8x12xf32>
}

// -----

func.func @tile_exceeds_width(%x: tensor<1x8x12x3xf32>, %k: tensor<3x3x3x8xf32>) -> tensor<1x4x6x8xf32> {
  // expected-error @+1 {{schedule 'tile_x' (7) exceeds the output width (6)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 8, vectors = 1, tile_x = 7, tile_y = 1, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 2, 2>, use_bias = false} : (tensor<1x8x12x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x4x6x8xf32>
  return %y : tensor<1x4x6x8xf32>
}

// -----

func.func @tile_exceeds_height(%x: tensor<1x8x12x3xf32>, %k: tensor<3x3x3x8xf32>) -> tensor<1x6x10x8xf32> {
  // expected-error @+1 {{schedule 'tile_y' (7) exceeds the output height (6)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 8, vectors = 1, tile_x = 1, tile_y = 7, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x6x10x8xf32>
  return %y : tensor<1x6x10x8xf32>
}

// -----

// The largest tile that fits is accepted (the whole 6 x 10 output, 8 filters).
// CHECK-LABEL: func.func @tile_fits
// CHECK: tile_x = 10, tile_y = 6
func.func @tile_fits(%x: tensor<1x8x12x3xf32>, %k: tensor<3x3x3x8xf32>) -> tensor<1x6x10x8xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 8 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 8, vectors = 1, tile_x = 10, tile_y = 6, parallel = true, stage_input = false, channels_outer = false>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x3xf32>, tensor<3x3x3x8xf32>) -> tensor<1x6x10x8xf32>
  return %y : tensor<1x6x10x8xf32>
}
