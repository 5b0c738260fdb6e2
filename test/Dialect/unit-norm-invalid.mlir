// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.unit_norm's verifier: at least one axis, each a non-batch axis of the input,
// strictly increasing; a finite clamp >= 0; the result shaped as the input.

func.func @no_axes(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axes' must name at least one axis}}
  %y = kconv.unit_norm %x {axes = array<i64>, min_square_sum = 1.0e-12 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axes' 0 is not a non-batch axis of input (2, 3)}}
  %y = kconv.unit_norm %x {axes = array<i64: 0>, min_square_sum = 1.0e-12 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @axis_past_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'axes' 2 is not a non-batch axis of input (2, 3)}}
  %y = kconv.unit_norm %x {axes = array<i64: 2>, min_square_sum = 1.0e-12 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @unsorted(%x: tensor<1x4x4x3xf32>) {
  // expected-error @+1 {{'axes' must be strictly increasing}}
  %y = kconv.unit_norm %x {axes = array<i64: 2, 1>, min_square_sum = 1.0e-12 : f64} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @negative_clamp(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'min_square_sum' must be a finite number >= 0}}
  %y = kconv.unit_norm %x {axes = array<i64: 1>, min_square_sum = -1.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape (2, 4) does not match the inferred shape (2, 3)}}
  %y = kconv.unit_norm %x {axes = array<i64: 1>, min_square_sum = 1.0e-12 : f64} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}
