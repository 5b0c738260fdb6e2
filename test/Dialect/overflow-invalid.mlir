// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// Shape arithmetic beyond int64 is an error naming the arguments, never a wrapped
// (negative or small) size in the IR.

func.func @upsample_size(%x: tensor<1x4x4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the input height (4) times 'size' 4611686018427387903 overflows 64-bit integers}}
  %y = kconv.upsample2d %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.interpolation<nearest>, size = array<i64: 4611686018427387903, 4611686018427387903>} : (tensor<1x4x4x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @upsample_width_channels_first(%x: tensor<1x3x4x4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the input width (4) times 'size' 9223372036854775807 overflows 64-bit integers}}
  %y = kconv.upsample2d %x {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.interpolation<nearest>, size = array<i64: 2, 9223372036854775807>} : (tensor<1x3x4x4xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @zero_pad(%x: tensor<1x4x4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the input height (4) plus 'padding' 4611686018427387904 + 4611686018427387904 overflows 64-bit integers}}
  %y = kconv.zero_pad2d %x {data_format = #kconv.data_format<channels_last>, padding = array<i64: 4611686018427387904, 4611686018427387904, 1, 1>} : (tensor<1x4x4x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @zero_pad_near_max(%x: tensor<1x4x4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the input width (4) plus 'padding' 1 + 9223372036854775804 overflows 64-bit integers}}
  %y = kconv.zero_pad2d %x {data_format = #kconv.data_format<channels_last>, padding = array<i64: 1, 1, 1, 9223372036854775804>} : (tensor<1x4x4x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @crop_beyond_int64(%x: tensor<1x4x4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{cropping 4611686018427387904 + 4611686018427387904 leaves nothing of the input (1, 4, 4, 3)}}
  %y = kconv.crop2d %x {cropping = array<i64: 4611686018427387904, 4611686018427387904, 0, 0>, data_format = #kconv.data_format<channels_last>} : (tensor<1x4x4x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @conv_dilation(%x: tensor<1x8x8x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x?x?x1xf32> {
  // expected-error @+1 {{the dilated kernel height ((kernel_size 3 - 1) x dilation_rate 9223372036854775807 + 1) overflows 64-bit integers}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 9223372036854775807, 1>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x?x?x1xf32>
  return %y : tensor<1x?x?x1xf32>
}

// -----

func.func @conv_dilation_valid(%x: tensor<1x8x8x1xf32>, %k: tensor<2x2x1x1xf32>) -> tensor<1x?x?x1xf32> {
  // expected-error @+1 {{the dilated kernel width ((kernel_size 2 - 1) x dilation_rate 9223372036854775807 + 1) overflows 64-bit integers}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 9223372036854775807>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 2, 2>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x?x?x1xf32>
  return %y : tensor<1x?x?x1xf32>
}

// -----

func.func @conv_explicit_padding(%x: tensor<1x8x8x1xf32>, %k: tensor<3x3x1x1xf32>) -> tensor<1x?x?x1xf32> {
  // expected-error @+1 {{the input width (8) plus 'explicit_padding' 4611686018427387904 + 4611686018427387904 overflows 64-bit integers}}
  %y = kconv.conv2d %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, explicit_padding = array<i64: 0, 0, 4611686018427387904, 4611686018427387904>, filters = 1 : i64, groups = 1 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x8x8x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x?x?x1xf32>
  return %y : tensor<1x?x?x1xf32>
}

// -----

func.func @pool_same(%x: tensor<1x4x4x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the input height (4) plus the 'same' padding of 'pool_size' 9223372036854775807 overflows 64-bit integers}}
  %y = kconv.pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<same>, pool_size = array<i64: 9223372036854775807, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// A stride of INT64_MAX fits: ceil(4 / stride) = 1 output, no padding.
func.func @pool_huge_stride(%x: tensor<1x4x4x3xf32>) -> tensor<1x1x1x3xf32> {
  %y = kconv.pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, padding = #kconv.padding<same>, pool_size = array<i64: 2, 2>, strides = array<i64: 9223372036854775807, 9223372036854775807>} : (tensor<1x4x4x3xf32>) -> tensor<1x1x1x3xf32>
  return %y : tensor<1x1x1x3xf32>
}

// -----

func.func @transpose_strides(%x: tensor<1x4x4x3xf32>, %k: tensor<3x3x2x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the output height (input 4, kernel_size 3, strides 4611686018427387904, dilation_rate 1) overflows 64-bit integers}}
  %y = kconv.conv2d_transpose %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 1>, filters = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<valid>, strides = array<i64: 4611686018427387904, 1>, use_bias = false} : (tensor<1x4x4x3xf32>, tensor<3x3x2x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @transpose_dilation(%x: tensor<1x4x4x3xf32>, %k: tensor<3x3x2x3xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the output width (input 4, kernel_size 3, strides 1, dilation_rate 9223372036854775807) overflows 64-bit integers}}
  %y = kconv.conv2d_transpose %x, %k {activation = #kconv.activation<linear>, data_format = #kconv.data_format<channels_last>, dilation_rate = array<i64: 1, 9223372036854775807>, filters = 2 : i64, kernel_size = array<i64: 3, 3>, padding = #kconv.padding<same>, strides = array<i64: 1, 1>, use_bias = false} : (tensor<1x4x4x3xf32>, tensor<3x3x2x3xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @concatenate(%x: tensor<1x4611686018427387904xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the concatenated size along 'axis' 1 overflows 64-bit integers}}
  %y = kconv.concatenate %x, %x {axis = 1 : i64} : (tensor<1x4611686018427387904xf32>, tensor<1x4611686018427387904xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @reshape_target(%x: tensor<1x16xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the number of values of 'shape' (4294967296, 4294967296) overflows 64-bit integers}}
  %y = kconv.reshape %x {shape = array<i64: 4294967296, 4294967296>} : (tensor<1x16xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @reshape_input(%x: tensor<1x4294967296x4294967296xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{the number of values per sample of the input (1, 4294967296, 4294967296) overflows 64-bit integers}}
  %y = kconv.reshape %x {shape = array<i64: 16>} : (tensor<1x4294967296x4294967296xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
