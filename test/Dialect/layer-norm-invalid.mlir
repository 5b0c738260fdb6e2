// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.layer_norm's verifier: the last axis only, epsilon >= 0, one gamma/beta value
// per channel, the result shaped as the input.

func.func @not_last_axis(%x: tensor<1x4x4x3xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'axis' 2 must be the last axis of input (1, 4, 4, 3) (only the last axis is supported)}}
  %y = kconv.layer_norm %x, %v, %v {axis = 2 : i64, center = true, epsilon = 1.0e-3 : f64, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @batch_axis(%x: tensor<1x4x4x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{attribute 'axis' failed to satisfy constraint}}
  %y = kconv.layer_norm %x, %v, %v {axis = 0 : i64, center = true, epsilon = 1.0e-3 : f64, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @negative_epsilon(%x: tensor<2x3xf32>, %v: tensor<3xf32>) {
  // expected-error @+1 {{'epsilon' must be a finite number >= 0}}
  %y = kconv.layer_norm %x, %v, %v {axis = 1 : i64, center = true, epsilon = -1.0e-3 : f64, rms_scaling = false, scale = true} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gamma_size(%x: tensor<1x4x4x3xf32>, %g: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{gamma has 4 values, expected 3}}
  %y = kconv.layer_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return
}

// -----

func.func @beta_size(%x: tensor<1x4x4x3xf32>, %g: tensor<3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{beta has 2 values, expected 3}}
  %y = kconv.layer_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, rms_scaling = false, scale = true} : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<2xf32>) -> tensor<1x4x4x3xf32>
  return
}
