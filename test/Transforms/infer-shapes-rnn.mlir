// RUN: kconv-opt %s --kconv-infer-shapes | FileCheck %s
// kconv.rnn's result: (batch, units), or (batch, timesteps, units) with
// return_sequences, with a static or `?` batch.

// CHECK-LABEL: func.func @rnn
// CHECK-SAME: -> (tensor<?x5x4xf32>, tensor<2x4xf32>)
// CHECK: kconv.rnn {{.*}} -> tensor<?x5x4xf32>
// CHECK: kconv.rnn {{.*}} -> tensor<2x4xf32>
func.func @rnn(%x: tensor<?x5x3xf32>, %s: tensor<2x7x3xf32>, %w: tensor<3x12xf32>, %r: tensor<4x12xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %a = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = true, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>) -> tensor<*xf32>
  %b = kconv.rnn %s, %w, %r {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = true, reset_after = false} : (tensor<2x7x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>) -> tensor<*xf32>
  return %a, %b : tensor<*xf32>, tensor<*xf32>
}

// With return_state: (batch, output rows + states, units): a GRU's sequence of 7 steps
// and its h; an LSTM's last output, h and c.
// CHECK-LABEL: func.func @states
// CHECK-SAME: -> (tensor<2x8x4xf32>, tensor<2x3x4xf32>)
func.func @states(%s: tensor<2x7x3xf32>, %w: tensor<3x12xf32>, %r: tensor<4x12xf32>, %w4: tensor<3x16xf32>, %r4: tensor<4x16xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %a = kconv.rnn %s, %w, %r {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = true, go_backwards = false, reset_after = false, return_state = true} : (tensor<2x7x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>) -> tensor<*xf32>
  %b = kconv.rnn %s, %w4, %r4 {cell = #kconv.recurrent_cell<lstm>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false, return_state = true} : (tensor<2x7x3xf32>, tensor<3x16xf32>, tensor<4x16xf32>) -> tensor<*xf32>
  return %a, %b : tensor<*xf32>, tensor<*xf32>
}

// kconv.sequence_mask: (batch, steps).
// CHECK-LABEL: func.func @sequence_mask
// CHECK-SAME: -> tensor<2x7xf32>
func.func @sequence_mask(%s: tensor<2x7x3xf32>) -> tensor<*xf32> {
  %m = kconv.sequence_mask %s {mask_value = 0.0 : f64} : (tensor<2x7x3xf32>) -> tensor<*xf32>
  return %m : tensor<*xf32>
}
