// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.depth_unfold's verifier: a 5-D input, two paddings of two values >= 0, groups
// dividing the channels, a depth kernel that fits the padded depth, positive sizes,
// and the result shaped (N, Dout * (top + H + bottom), W, kernel_depth * C).

func.func @rank(%x: tensor<2x4x6x3xf32>) {
  // expected-error @+1 {{the input must be 5-D (batch included), got rank 4 (2, 4, 6, 3)}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 1 : i64, row_padding = array<i64: 0, 0>, stride_depth = 1 : i64} : (tensor<2x4x6x3xf32>) -> tensor<2x4x6x3xf32>
  return
}

// -----

func.func @padding_values(%x: tensor<2x4x6x6x3xf32>) {
  // expected-error @+1 {{'depth_padding' and 'row_padding' must have 2 values each}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 1 : i64, row_padding = array<i64: 0, 0>, stride_depth = 1 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x24x6x3xf32>
  return
}

// -----

func.func @negative_padding(%x: tensor<2x4x6x6x3xf32>) {
  // expected-error @+1 {{'depth_padding' and 'row_padding' values must be >= 0}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 1 : i64, row_padding = array<i64: -1, 0>, stride_depth = 1 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x20x6x3xf32>
  return
}

// -----

func.func @groups(%x: tensor<2x4x6x6x3xf32>) {
  // expected-error @+1 {{'groups' (2) must divide the input channels (3)}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 2 : i64, kernel_depth = 1 : i64, row_padding = array<i64: 0, 0>, stride_depth = 1 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x24x6x3xf32>
  return
}

// -----

func.func @kernel_too_deep(%x: tensor<2x4x6x6x3xf32>) {
  // expected-error @+1 {{the dilated kernel depth (5) is larger than the padded input depth (4)}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 2 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 0, 0>, stride_depth = 1 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x6x6x9xf32>
  return
}

// -----

func.func @zero_stride(%x: tensor<2x4x6x6x3xf32>) {
  // expected-error @+1 {{attribute 'stride_depth' failed to satisfy constraint}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 1 : i64, row_padding = array<i64: 0, 0>, stride_depth = 0 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x24x6x3xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x4x6x6x3xf32>) {
  // 2 output depths of 6 + 1 + 1 rows, 3 taps of 3 channels: (2, 16, 6, 9).
  // expected-error @+1 {{result shape (2, 16, 6, 3) does not match the inferred shape (2, 16, 6, 9)}}
  %y = kconv.depth_unfold %x {data_format = #kconv.data_format<channels_last>, depth_padding = array<i64: 0, 0>, dilation_depth = 1 : i64, groups = 1 : i64, kernel_depth = 3 : i64, row_padding = array<i64: 1, 1>, stride_depth = 1 : i64} : (tensor<2x4x6x6x3xf32>) -> tensor<2x16x6x3xf32>
  return
}
