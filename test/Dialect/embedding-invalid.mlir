// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.embedding's verifier: a 2-D float32 table of at most 2^24 rows; the result is
// the input's shape plus the table's columns.

func.func @table_rank(%x: tensor<2x3xf32>, %t: tensor<5xf32>) {
  // expected-error @+1 {{operand #1 must be 2D tensor of 32-bit float values}}
  %y = kconv.embedding %x, %t {mask_zero = false} : (tensor<2x3xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @huge_table(%x: tensor<2x3xf32>, %t: tensor<16777217x1xf32>) {
  // expected-error @+1 {{the table has 16777217 rows; float32 indices are exact only up to 2^24 = 16777216}}
  %y = kconv.embedding %x, %t {mask_zero = false} : (tensor<2x3xf32>, tensor<16777217x1xf32>) -> tensor<2x3x1xf32>
  return
}

// -----

func.func @wrong_result(%x: tensor<2x3xf32>, %t: tensor<7x4xf32>) {
  // expected-error @+1 {{result shape (2, 3, 5) does not match the inferred shape (2, 3, 4)}}
  %y = kconv.embedding %x, %t {mask_zero = false} : (tensor<2x3xf32>, tensor<7x4xf32>) -> tensor<2x3x5xf32>
  return
}

// -----

func.func @mask_steps(%x: tensor<2x12x8xf32>, %ids: tensor<2x11xf32>) {
  // expected-error @+1 {{the mask (2, 11) does not match the steps of the input (2, 12, 8)}}
  %y = kconv.masked_average_pool1d %x, %ids {data_format = #kconv.data_format<channels_last>, keepdims = false} : (tensor<2x12x8xf32>, tensor<2x11xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @mask_rank(%x: tensor<2x12x8xf32>, %ids: tensor<2x12x1xf32>) {
  // expected-error @+1 {{the mask must be 2-D (batch included), got rank 3 (2, 12, 1)}}
  %y = kconv.masked_average_pool1d %x, %ids {data_format = #kconv.data_format<channels_last>, keepdims = false} : (tensor<2x12x8xf32>, tensor<2x12x1xf32>) -> tensor<2x8xf32>
  return
}
