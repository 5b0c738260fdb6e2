// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.additive_scores's verifier: query and key of one rank >= 3 with equal batch
// axes and feature sizes, weights one per feature, the result (batch, Tq, Tv).

func.func @features_differ(%q: tensor<?x5x4xf32>, %k: tensor<?x7x3xf32>) {
  // expected-error @+1 {{query (?, 5, 4) and key (?, 7, 3) have different feature sizes}}
  %s = kconv.additive_scores %q, %k {causal_mask = false, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<?x5x4xf32>, tensor<?x7x3xf32>) -> tensor<?x5x7xf32>
  return
}

// -----

func.func @weights_size(%q: tensor<?x5x4xf32>, %k: tensor<?x7x4xf32>, %w: tensor<3xf32>) {
  // expected-error @+1 {{weights has 3 values, expected 4}}
  %s = kconv.additive_scores %q, %k, %w {causal_mask = false, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>, tensor<3xf32>) -> tensor<?x5x7xf32>
  return
}

// -----

func.func @rank2(%q: tensor<5x4xf32>, %k: tensor<7x4xf32>) {
  // expected-error @+1 {{query and key must have the same rank, at least 3 (batch included), got (5, 4) and (7, 4)}}
  %s = kconv.additive_scores %q, %k {causal_mask = false, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<5x4xf32>, tensor<7x4xf32>) -> tensor<5x7xf32>
  return
}

// -----

func.func @wrong_result(%q: tensor<?x5x4xf32>, %k: tensor<?x7x4xf32>) {
  // expected-error @+1 {{result shape (?, 7, 5) does not match the inferred shape (?, 5, 7)}}
  %s = kconv.additive_scores %q, %k {causal_mask = false, inner_scale = 1.0 : f64, outer_scale = 1.0 : f64} : (tensor<?x5x4xf32>, tensor<?x7x4xf32>) -> tensor<?x7x5xf32>
  return
}
