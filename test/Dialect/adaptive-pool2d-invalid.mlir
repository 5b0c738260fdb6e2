// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.adaptive_pool2d's verifier: a rank-4 input, two output sizes >= 1, window bounds
// that Halide's int32 indices hold, and the result shaped (N, OH, OW, C).

func.func @rank3(%x: tensor<2x10x3xf32>) {
  // expected-error @+1 {{the input must be 4-D (batch included), got rank 3 (2, 10, 3)}}
  %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, output_size = array<i64: 2, 2>} : (tensor<2x10x3xf32>) -> tensor<2x2x2x3xf32>
  return
}

// -----

func.func @one_size(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{'output_size' must have 2 values, got 1}}
  %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, output_size = array<i64: 2>} : (tensor<2x10x10x3xf32>) -> tensor<2x2x2x3xf32>
  return
}

// -----

func.func @zero_size(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{'output_size' values must be >= 1, got 0}}
  %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, output_size = array<i64: 0, 2>} : (tensor<2x10x10x3xf32>) -> tensor<2x0x2x3xf32>
  return
}

// -----

func.func @int32_bounds(%x: tensor<1x70000x1x1xf32>) {
  // expected-error @+1 {{the input height (70000) times the output size (40000) exceeds kconv's limit of 2^31 - 1}}
  %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, output_size = array<i64: 40000, 1>} : (tensor<1x70000x1x1xf32>) -> tensor<1x40000x1x1xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x10x10x3xf32>) {
  // expected-error @+1 {{result shape (2, 3, 2, 3) does not match the inferred shape (2, 2, 2, 3)}}
  %y = kconv.adaptive_pool2d %x {data_format = #kconv.data_format<channels_last>, kind = #kconv.pool_kind<max>, output_size = array<i64: 2, 2>} : (tensor<2x10x10x3xf32>) -> tensor<2x3x2x3xf32>
  return
}
