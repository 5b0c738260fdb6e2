// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.group_norm's verifier: a non-batch axis in range, groups dividing its
// channels, epsilon >= 0, one gamma/beta value per channel.

func.func @batch_axis(%x: tensor<1x4x4x8xf32>, %v: tensor<1xf32>) {
  // expected-error @+1 {{attribute 'axis' failed to satisfy constraint}}
  %y = kconv.group_norm %x, %v, %v {axis = 0 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 1 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<1x4x4x8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{'axis' 4 is out of range for input (1, 4, 4, 8)}}
  %y = kconv.group_norm %x, %v, %v {axis = 4 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @zero_groups(%x: tensor<1x4x4x8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'groups' failed to satisfy constraint}}
  %y = kconv.group_norm %x, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 0 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @groups_not_dividing(%x: tensor<1x4x4x8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{'groups' (3) must divide the 8 channels of axis 3}}
  %y = kconv.group_norm %x, %v, %v {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 3 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @negative_epsilon(%x: tensor<2x8xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{'epsilon' must be a finite number >= 0}}
  %y = kconv.group_norm %x, %v, %v {axis = 1 : i64, center = true, epsilon = -1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @gamma_size(%x: tensor<1x4x4x8xf32>, %g: tensor<4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{gamma has 4 values, expected 8}}
  %y = kconv.group_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @beta_size(%x: tensor<1x4x4x8xf32>, %g: tensor<8xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{beta has 2 values, expected 8}}
  %y = kconv.group_norm %x, %g, %b {axis = 3 : i64, center = true, epsilon = 1.0e-3 : f64, groups = 2 : i64, scale = true} : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<2xf32>) -> tensor<1x4x4x8xf32>
  return
}
