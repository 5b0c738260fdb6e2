// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// Merge inputs that Keras's broadcasting rule rejects, and results that do not match it.

func.func @channels_differ(%x: tensor<?x4x4x2xf32>, %y: tensor<?x4x4x3xf32>) {
  // expected-error @+1 {{inputs have incompatible shapes: (?, 4, 4, 2) and (?, 4, 4, 3) (2 and 3 at axis 3; only a size of 1 broadcasts)}}
  %m = kconv.merge %x, %y {kind = #kconv.merge_kind<add>} : (tensor<?x4x4x2xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x2xf32>
  return
}

// -----

// Right-aligned: (N, C) meets the width of (N, H, W, C) only when W is 1 or C.
func.func @rank_difference_misaligned(%x: tensor<1x5x6x4xf32>, %c: tensor<1x5xf32>) {
  // expected-error @+1 {{inputs have incompatible shapes: (1, 5, 6, 4) and (1, 5) (4 and 5 at axis 3; only a size of 1 broadcasts)}}
  %m = kconv.merge %x, %c {kind = #kconv.merge_kind<multiply>} : (tensor<1x5x6x4xf32>, tensor<1x5xf32>) -> tensor<1x5x6x4xf32>
  return
}

// -----

// The batch is never broadcast, not even a batch of 1.
func.func @batch_one(%x: tensor<4x3x3x2xf32>, %s: tensor<1x3x3x2xf32>) {
  // expected-error @+1 {{inputs have different batch sizes: (4, 3, 3, 2) and (1, 3, 3, 2)}}
  %m = kconv.merge %x, %s {kind = #kconv.merge_kind<add>} : (tensor<4x3x3x2xf32>, tensor<1x3x3x2xf32>) -> tensor<4x3x3x2xf32>
  return
}

// -----

// A third input is checked against the broadcast of the first two.
func.func @third_input(%h: tensor<?x5x1x4xf32>, %w: tensor<?x1x6x4xf32>, %bad: tensor<?x1x7x1xf32>) {
  // expected-error @+1 {{inputs have incompatible shapes: (?, 5, 6, 4) and (?, 1, 7, 1) (6 and 7 at axis 2; only a size of 1 broadcasts)}}
  %m = kconv.merge %h, %w, %bad {kind = #kconv.merge_kind<maximum>} : (tensor<?x5x1x4xf32>, tensor<?x1x6x4xf32>, tensor<?x1x7x1xf32>) -> tensor<?x5x6x4xf32>
  return
}

// -----

// The result is the broadcast shape, not the first input's.
func.func @result_not_broadcast(%x: tensor<?x1x1x8xf32>, %y: tensor<?x4x4x8xf32>) {
  // expected-error @+1 {{result shape (?, 1, 1, 8) does not match the inferred shape (?, 4, 4, 8)}}
  %m = kconv.merge %x, %y {kind = #kconv.merge_kind<multiply>} : (tensor<?x1x1x8xf32>, tensor<?x4x4x8xf32>) -> tensor<?x1x1x8xf32>
  return
}

// -----

func.func @rank_zero(%x: tensor<f32>, %y: tensor<?x4xf32>) {
  // expected-error @+1 {{inputs must have a batch axis, got a rank-0 input}}
  %m = kconv.merge %x, %y {kind = #kconv.merge_kind<add>} : (tensor<f32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}
