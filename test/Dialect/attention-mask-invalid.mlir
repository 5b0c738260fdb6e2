// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.attention_mask's verifier: scores (batch, heads, queries, keys); each mask's
// axes match the scores' (query_mask the queries, value_mask and key_mask the keys,
// attention_mask both); it masks something.

func.func @scores_rank(%s: tensor<2x5x7xf32>, %q: tensor<2x5xf32>) {
  // expected-error @+1 {{the scores must be 4-D (batch included), got rank 3 (2, 5, 7)}}
  %y = kconv.attention_mask %s query(%q) {causal = false, zero_masked = false} : (tensor<2x5x7xf32>, tensor<2x5xf32>) -> tensor<2x5x7xf32>
  return
}

// -----

func.func @query_steps(%s: tensor<2x3x5x7xf32>, %q: tensor<2x7xf32>) {
  // expected-error @+1 {{query_mask (2, 7) does not match the scores (2, 3, 5, 7) (batch, heads, queries, keys)}}
  %y = kconv.attention_mask %s query(%q) {causal = false, zero_masked = false} : (tensor<2x3x5x7xf32>, tensor<2x7xf32>) -> tensor<2x3x5x7xf32>
  return
}

// -----

func.func @value_batch(%s: tensor<2x3x5x7xf32>, %v: tensor<4x7xf32>) {
  // expected-error @+1 {{value_mask (4, 7) does not match the scores (2, 3, 5, 7) (batch, heads, queries, keys)}}
  %y = kconv.attention_mask %s value(%v) {causal = false, zero_masked = false} : (tensor<2x3x5x7xf32>, tensor<4x7xf32>) -> tensor<2x3x5x7xf32>
  return
}

// -----

func.func @attention_rank(%s: tensor<2x3x5x7xf32>, %m: tensor<2x7xf32>) {
  // expected-error @+1 {{attention_mask must be 3-D (batch included), got rank 2 (2, 7)}}
  %y = kconv.attention_mask %s attention(%m) {causal = false, zero_masked = false} : (tensor<2x3x5x7xf32>, tensor<2x7xf32>) -> tensor<2x3x5x7xf32>
  return
}

// -----

func.func @attention_keys(%s: tensor<?x3x5x7xf32>, %m: tensor<?x5x6xf32>) {
  // expected-error @+1 {{attention_mask (?, 5, 6) does not match the scores (?, 3, 5, 7) (batch, heads, queries, keys)}}
  %y = kconv.attention_mask %s attention(%m) {causal = false, zero_masked = false} : (tensor<?x3x5x7xf32>, tensor<?x5x6xf32>) -> tensor<?x3x5x7xf32>
  return
}

// -----

func.func @nothing(%s: tensor<2x3x5x7xf32>) {
  // expected-error @+1 {{masks nothing: give a mask or causal = true}}
  %y = kconv.attention_mask %s {causal = false, zero_masked = false} : (tensor<2x3x5x7xf32>) -> tensor<2x3x5x7xf32>
  return
}

// -----

func.func @wrong_result(%s: tensor<2x3x5x7xf32>) {
  // expected-error @+1 {{result shape (2, 3, 5, 6) does not match the inferred shape (2, 3, 5, 7)}}
  %y = kconv.attention_mask %s {causal = true, zero_masked = false} : (tensor<2x3x5x7xf32>) -> tensor<2x3x5x6xf32>
  return
}
