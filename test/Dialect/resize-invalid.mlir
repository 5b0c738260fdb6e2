// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.resize's verifier: a rank-4 input, two sizes >= 1, sizes within float32's exact
// integers (2^24), and the result shaped (N, height, width, C).

func.func @rank3(%x: tensor<2x10x3xf32>) {
  // expected-error @+1 {{the input must be 4-D (batch included), got rank 3 (2, 10, 3)}}
  %y = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 2, 2>} : (tensor<2x10x3xf32>) -> tensor<2x2x2x3xf32>
  return
}

// -----

func.func @one_size(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{'size' must have 2 values, got 1}}
  %y = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<nearest>, size = array<i64: 2>} : (tensor<2x10x10x3xf32>) -> tensor<2x2x2x3xf32>
  return
}

// -----

func.func @zero_size(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{'size' values must be >= 1, got 0}}
  %y = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<nearest>, size = array<i64: 0, 2>} : (tensor<2x10x10x3xf32>) -> tensor<2x0x2x3xf32>
  return
}

// -----

func.func @huge(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{the width (input or 'size') exceeds kconv's limit of 2^24}}
  %y = kconv.resize %x {data_format = #kconv.data_format<channels_last>, interpolation = #kconv.resize_method<bicubic>, size = array<i64: 2, 16777217>} : (tensor<2x10x10x3xf32>) -> tensor<2x2x16777217x3xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x3x10x10xf32>) {
  // expected-error @+1 {{result shape}}
  %y = kconv.resize %x {data_format = #kconv.data_format<channels_first>, interpolation = #kconv.resize_method<bilinear>, size = array<i64: 4, 5>} : (tensor<2x3x10x10xf32>) -> tensor<2x4x5x3xf32>
  return
}
