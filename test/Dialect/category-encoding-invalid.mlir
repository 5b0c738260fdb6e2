// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.category_encoding's verifier: num_tokens in [1, 2^24]; multi-hot and count need
// a sample axis after the batch; count takes rank 2 only (as Keras); the result shape.

func.func @no_tokens(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'num_tokens' is 0; it must be in [1, 2^24] (float32 ids are exact only up to 2^24)}}
  %y = kconv.category_encoding %x {num_tokens = 0 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return
}

// -----

func.func @huge_tokens(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'num_tokens' is 16777217; it must be in [1, 2^24]}}
  %y = kconv.category_encoding %x {num_tokens = 16777217 : i64, mode = #kconv.category_encoding_mode<multi_hot>} : (tensor<2x3xf32>) -> tensor<2x16777217xf32>
  return
}

// -----

func.func @multi_hot_no_sample(%x: tensor<4xf32>) {
  // expected-error @+1 {{output_mode 'multi_hot' needs an input (batch, ..., ids), got (4)}}
  %y = kconv.category_encoding %x {num_tokens = 5 : i64, mode = #kconv.category_encoding_mode<multi_hot>} : (tensor<4xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @count_rank3(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{output_mode 'count' takes inputs of rank 2 (batch, ids), got (2, 3, 4)}}
  %y = kconv.category_encoding %x {num_tokens = 5 : i64, mode = #kconv.category_encoding_mode<count>} : (tensor<2x3x4xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x1xf32>) {
  // expected-error @+1 {{result shape (2, 1, 5) does not match the inferred shape (2, 5)}}
  %y = kconv.category_encoding %x {num_tokens = 5 : i64, mode = #kconv.category_encoding_mode<one_hot>} : (tensor<2x1xf32>) -> tensor<2x1x5xf32>
  return
}

// -----

func.func @bad_mode(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{expected ::kconv::dialect::CategoryEncodingMode to be one of: one_hot, multi_hot, count}}
  // expected-error @+1 {{failed to parse Kconv_CategoryEncodingModeAttr parameter 'value'}}
  %y = kconv.category_encoding %x {num_tokens = 5 : i64, mode = #kconv.category_encoding_mode<tf_idf>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return
}
