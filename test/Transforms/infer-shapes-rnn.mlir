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
