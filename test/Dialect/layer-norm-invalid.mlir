// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.layer_norm's verifier: non-batch axes in increasing order, epsilon >= 0,
// mean_square only with rms_scaling, gamma/beta shaped as the input along the axes.

func.func @batch_axis(%x: tensor<1x4x4x3xf32>, %v: tensor<1xf32>) {
  // expected-error @+1 {{'axes' 0 is not a non-batch axis of input (1, 4, 4, 3)}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64: 0>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<1x4x4x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'axes' 4 is not a non-batch axis of input (1, 4, 4, 3)}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64: 4>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @no_axes(%x: tensor<1x4x4x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'axes' must name at least one axis}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @unsorted_axes(%x: tensor<1x4x5x3xf32>, %v: tensor<5x4xf32>) {
  // expected-error @+1 {{'axes' must be strictly increasing}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64: 2, 1>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x5x3xf32>, tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<1x4x5x3xf32>
  return
}

// -----

func.func @negative_epsilon(%x: tensor<2x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'epsilon' must be a finite number >= 0}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64: 1>, center = true, epsilon = -1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mean_square_alone(%x: tensor<2x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'mean_square' needs 'rms_scaling'}}
  %y = kconv.layer_norm %x, %v, %v {axes = array<i64: 1>, center = false, epsilon = 1.0e-3 : f64, mean_square = true, rms_scaling = false, scale = true} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gamma_size(%x: tensor<1x4x4x3xf32>, %g: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{gamma has shape (4), expected (3) (the input along 'axes')}}
  %y = kconv.layer_norm %x, %g, %b {axes = array<i64: 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @beta_size(%x: tensor<1x4x4x3xf32>, %g: tensor<3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{beta has shape (2), expected (3) (the input along 'axes')}}
  %y = kconv.layer_norm %x, %g, %b {axes = array<i64: 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<2xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @gamma_rank(%x: tensor<1x4x5x3xf32>, %g: tensor<15xf32>, %b: tensor<5x3xf32>) {
  // expected-error @+1 {{gamma has shape (15), expected (5, 3) (the input along 'axes')}}
  %y = kconv.layer_norm %x, %g, %b {axes = array<i64: 2, 3>, center = true, epsilon = 1.0e-3 : f64, mean_square = false, rms_scaling = false, scale = true} : (tensor<1x4x5x3xf32>, tensor<15xf32>, tensor<5x3xf32>) -> tensor<1x4x5x3xf32>
  return
}
