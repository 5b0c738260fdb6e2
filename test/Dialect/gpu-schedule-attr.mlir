// RUN: kconv-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// The GPU schedule of a convolution (#kconv.gpu_schedule, kconv::GpuConvSchedule): its
// own checks in the attribute's verifier, the one that needs the layer (every tile
// within the output) in kconv.conv2d's.

// CHECK-LABEL: func.func @tiled
// CHECK: kconv.conv2d
// CHECK-SAME: gpu_schedule = #kconv.gpu_schedule<tile_c = 4, tile_x = 2, tile_y = 1, threads_c = 8, threads_x = 4>
func.func @tiled(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 4, tile_x = 2, tile_y = 1, threads_c = 8, threads_x = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

// The output's channels of a channels_first layer are its dimension 1.
// CHECK-LABEL: func.func @channels_first
// CHECK: kconv.conv2d
// CHECK-SAME: gpu_schedule = #kconv.gpu_schedule<tile_c = 2, tile_x = 12, tile_y = 1, threads_c = 1, threads_x = 32>
func.func @channels_first(%x: tensor<1x4x8x12xf32>, %k: tensor<3x3x4x2xf32>) -> tensor<1x2x8x12xf32> {
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_first>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 2, tile_x = 12, tile_y = 1, threads_c = 1, threads_x = 32>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x8x12xf32>, tensor<3x3x4x2xf32>) -> tensor<1x2x8x12xf32>
  return %y : tensor<1x2x8x12xf32>
}

// -----

func.func @too_many_accumulators(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{GPU schedule tile 8 x 4 x 2 holds more than 32 accumulators per thread}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 8, tile_x = 4, tile_y = 2, threads_c = 8, threads_x = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @threads_not_power_of_two(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{GPU schedule threads 12 x 4 must be powers of two, at most 1024 in a block}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 1, tile_x = 1, tile_y = 1, threads_c = 12, threads_x = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @zero_tile(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32> {
  // expected-error @+2 {{GPU schedule fields must be in [1, 1024]}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 32 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 0, tile_x = 1, tile_y = 1, threads_c = 8, threads_x = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x32xf32>) -> tensor<1x8x12x32xf32>
  return %y : tensor<1x8x12x32xf32>
}

// -----

func.func @tile_outside_output(%x: tensor<1x8x12x4xf32>, %k: tensor<3x3x4x2xf32>) -> tensor<1x8x12x2xf32> {
  // expected-error @+1 {{'kconv.conv2d' op GPU schedule tile_c = 4 exceeds the output's 2}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>,
    gpu_schedule = #kconv.gpu_schedule<tile_c = 4, tile_x = 1, tile_y = 1, threads_c = 8, threads_x = 4>,
    strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x12x4xf32>, tensor<3x3x4x2xf32>) -> tensor<1x8x12x2xf32>
  return %y : tensor<1x8x12x2xf32>
}
