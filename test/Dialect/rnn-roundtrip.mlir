// RUN: kconv-opt %s | kconv-opt | FileCheck %s
// kconv.rnn prints and parses back for each cell: an LSTM over every step with its
// bias, a GRU with reset_after's (2, 3 * units) bias, backwards, and a SimpleRNN
// without bias or recurrent_activation.

// CHECK-LABEL: func.func @rnn
func.func @rnn(%x: tensor<?x5x3xf32>, %w4: tensor<3x32xf32>, %r4: tensor<8x32xf32>, %b4: tensor<32xf32>,
               %w3: tensor<3x12xf32>, %r3: tensor<4x12xf32>, %b3: tensor<2x12xf32>,
               %w1: tensor<3x6xf32>, %r1: tensor<6x6xf32>) -> (tensor<?x5x8xf32>, tensor<?x4xf32>, tensor<?x6xf32>) {
  // CHECK: kconv.rnn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = #kconv.activation<tanh>, cell = #kconv.recurrent_cell<lstm>, go_backwards = false, recurrent_activation = #kconv.activation<sigmoid>, reset_after = false, return_sequences = true, units = 8 : i64, use_bias = true} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<32xf32>) -> tensor<?x5x8xf32>
  %l = kconv.rnn %x, %w4, %r4, %b4 {cell = #kconv.recurrent_cell<lstm>, units = 8 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = true, return_sequences = true, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<32xf32>) -> tensor<?x5x8xf32>
  // CHECK: kconv.rnn {{.*}}cell = #kconv.recurrent_cell<gru>, go_backwards = true, recurrent_activation = #kconv.activation<hard_sigmoid>, reset_after = true, return_sequences = false, units = 4 : i64{{.*}} -> tensor<?x4xf32>
  %g = kconv.rnn %x, %w3, %r3, %b3 {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<relu>, recurrent_activation = #kconv.activation<hard_sigmoid>, use_bias = true, return_sequences = false, go_backwards = true, reset_after = true} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>, tensor<2x12xf32>) -> tensor<?x4xf32>
  // CHECK: kconv.rnn %{{.*}}, %{{.*}}, %{{.*}} {activation = #kconv.activation<softsign>, cell = #kconv.recurrent_cell<simple_rnn>, go_backwards = false, reset_after = false, return_sequences = false, units = 6 : i64, use_bias = false} : (tensor<?x5x3xf32>, tensor<3x6xf32>, tensor<6x6xf32>) -> tensor<?x6xf32>
  %s = kconv.rnn %x, %w1, %r1 {cell = #kconv.recurrent_cell<simple_rnn>, units = 6 : i64, activation = #kconv.activation<softsign>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x6xf32>, tensor<6x6xf32>) -> tensor<?x6xf32>
  return %l, %g, %s : tensor<?x5x8xf32>, tensor<?x4xf32>, tensor<?x6xf32>
}

// A GRU reading Keras's mask (an Embedding's ids), with zero_output_for_mask.
// CHECK-LABEL: func.func @masked
// CHECK: kconv.rnn %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {{{.*}}zero_output_for_mask = true} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>, tensor<?x5xf32>) -> tensor<?x5x4xf32>
// CHECK: kconv.rnn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} {{{.*}}} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<32xf32>, tensor<?x5xf32>) -> tensor<?x8xf32>
func.func @masked(%x: tensor<?x5x3xf32>, %ids: tensor<?x5xf32>, %w3: tensor<3x12xf32>, %r3: tensor<4x12xf32>,
                  %w4: tensor<3x32xf32>, %r4: tensor<8x32xf32>, %b4: tensor<32xf32>) -> (tensor<?x5x4xf32>, tensor<?x8xf32>) {
  %g = kconv.rnn %x, %w3, %r3 mask %ids {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = true, go_backwards = false, reset_after = false, zero_output_for_mask = true} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>, tensor<?x5xf32>) -> tensor<?x5x4xf32>
  %l = kconv.rnn %x, %w4, %r4, %b4 mask %ids {cell = #kconv.recurrent_cell<lstm>, units = 8 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = true, return_sequences = false, go_backwards = true, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<32xf32>, tensor<?x5xf32>) -> tensor<?x8xf32>
  return %g, %l : tensor<?x5x4xf32>, tensor<?x8xf32>
}

// An LSTM from initial states (h, c) returning its states: the result packs the
// output's rows, then the final h and c.
// CHECK-LABEL: func.func @states
// CHECK: kconv.rnn %{{.*}}, %{{.*}}, %{{.*}} initial_state %{{.*}}, %{{.*}} {{{.*}}return_state = true{{.*}}} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x3x8xf32>
func.func @states(%x: tensor<?x5x3xf32>, %w4: tensor<3x32xf32>, %r4: tensor<8x32xf32>, %h: tensor<?x8xf32>, %c: tensor<?x8xf32>) -> tensor<?x3x8xf32> {
  %l = kconv.rnn %x, %w4, %r4 initial_state %h, %c {cell = #kconv.recurrent_cell<lstm>, units = 8 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false, return_state = true} : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x3x8xf32>
  return %l : tensor<?x3x8xf32>
}
