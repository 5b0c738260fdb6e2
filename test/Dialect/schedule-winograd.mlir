// RUN: kconv-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Winograd schedules (#kconv.schedule's winograd field): printed when not 0, and the
// attribute's and kconv.conv2d's verifiers (kconv::scheduleError).

// CHECK-LABEL: func.func @f2
// CHECK: kconv.conv2d
// CHECK-SAME: schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>
func.func @f2(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

// CHECK-LABEL: func.func @f4_valid
// CHECK: kconv.conv2d
// CHECK-SAME: winograd = 4>
func.func @f4_valid(%x: tensor<1x10x14x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 1, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x10x14x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

// A direct schedule prints no winograd field.
// CHECK-LABEL: func.func @direct
// CHECK: kconv.conv2d
// CHECK-SAME: channels_outer = false>, strides
func.func @direct(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 0>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_m(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{schedule 'winograd' must be 0 (direct), 2 or 4 (output tiles of F(m x m, 3 x 3)), got 3}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 3>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_rows(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{schedule 'winograd' needs tile_y = 1}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 2, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_flag(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{schedule 'winograd' takes none of stage_input, channels_outer, trim_columns and unroll_taps}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = true, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_kernel(%x: tensor<1x8x12x4xf32>, %k: tensor<5x5x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs a 3x3 or 1x3 kernel, strides 1 and dilation 1 (kernel 5x5, strides 1x1, dilation 1x1)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 5, 5>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<5x5x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_strides(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x4x6x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs a 3x3 or 1x3 kernel, strides 1 and dilation 1 (kernel 3x3, strides 2x2, dilation 1x1)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 1, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 2, 2>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x4x6x32xf32>
  return %y : tensor<1x4x6x32xf32>
}

// -----

func.func @bad_dilation(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs a 3x3 or 1x3 kernel, strides 1 and dilation 1 (kernel 3x3, strides 1x1, dilation 2x1)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 2, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_groups(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x2x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs one group of several input channels (4 input channel(s) in 2 group(s))}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x2x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_depthwise(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x1x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs one group of several input channels (4 input channel(s) in 4 group(s))}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 4 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x1x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_single_channel(%x: tensor<1x8x12x1xf32>, %k: tensor<3x3x1x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'winograd' needs one group of several input channels (1 input channel(s) in 1 group(s))}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x1xf32>, tensor<3x3x1x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @bad_blocks(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x48xf32>) -> tensor<1x8x12x48xf32> {
  // expected-error @+1 {{schedule 'winograd' needs the filters (48) in whole channel blocks (vector_width x vectors = 32)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 48 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 3, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x48xf32>) -> tensor<1x8x12x48xf32>
  return %y : tensor<1x8x12x48xf32>
}

// -----

func.func @bad_tiles(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+1 {{schedule 'tile_x' (7) exceeds the 6 Winograd tiles of a row (output width 12)}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<relu>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    schedule = #kconv.schedule<vectorize = "channels", vector_width = 16, vectors = 2, tile_x = 7, tile_y = 1, parallel = true, stage_input = false, channels_outer = false, winograd = 2>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}
