// RUN: kconv-opt %s -split-input-file -verify-diagnostics
// kconv.rnn's verifier: a (batch, timesteps, features) input with known timesteps,
// kernels of gates x units columns, the bias's shape (a GRU reset_after's (2, 3 *
// units)), reset_after only on a GRU, recurrent_activation exactly for gru and lstm,
// element-wise activations, and the result's shape.

func.func @rank(%x: tensor<?x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{needs an input (batch, timesteps, features), got (?, 3)}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @dynamic_steps(%x: tensor<?x?x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{needs a known number of timesteps, got (?, ?, 3)}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x?x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @kernel_columns(%x: tensor<?x5x3xf32>, %w: tensor<3x12xf32>, %r: tensor<4x16xf32>) {
  // expected-error @+1 {{kernel (3, 12) does not have gates x 'units' (4 x 4) columns}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<lstm>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x16xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @kernel_features(%x: tensor<?x5x2xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{kernel (3, 4) expects 3 input features, the input (?, 5, 2) has 2}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x2xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @recurrent_kernel(%x: tensor<?x5x3xf32>, %w: tensor<3x12xf32>, %r: tensor<3x12xf32>) {
  // expected-error @+1 {{recurrent_kernel (3, 12) is not (4, 12)}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<3x12xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @gru_bias(%x: tensor<?x5x3xf32>, %w: tensor<3x12xf32>, %r: tensor<4x12xf32>, %b: tensor<12xf32>) {
  // expected-error @+1 {{bias (12) is not (2, 12)}}
  %y = kconv.rnn %x, %w, %r, %b {cell = #kconv.recurrent_cell<gru>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = true, return_sequences = false, go_backwards = false, reset_after = true} : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>, tensor<12xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @use_bias(%x: tensor<?x5x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{'use_bias' does not match the presence of a bias operand}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = true, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @reset_after_lstm(%x: tensor<?x5x3xf32>, %w: tensor<3x16xf32>, %r: tensor<4x16xf32>) {
  // expected-error @+1 {{'reset_after' is a GRU argument}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<lstm>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = true} : (tensor<?x5x3xf32>, tensor<3x16xf32>, tensor<4x16xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @no_recurrent_activation(%x: tensor<?x5x3xf32>, %w: tensor<3x16xf32>, %r: tensor<4x16xf32>) {
  // expected-error @+1 {{'recurrent_activation' is present exactly for gru and lstm}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<lstm>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x16xf32>, tensor<4x16xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @softmax(%x: tensor<?x5x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{activation 'softmax' is not element-wise}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<softmax>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @result(%x: tensor<?x5x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{result}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x5x4xf32>
  return
}

// -----

func.func @mask_steps(%x: tensor<?x5x3xf32>, %ids: tensor<?x6xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{mask (?, 6) is not (batch, timesteps) of the input (?, 5, 3)}}
  %y = kconv.rnn %x, %w, %r mask %ids {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>, tensor<?x6xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @mask_batch(%x: tensor<2x5x3xf32>, %ids: tensor<3x5xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{mask (3, 5) is not (batch, timesteps) of the input (2, 5, 3)}}
  %y = kconv.rnn %x, %w, %r mask %ids {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<2x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>, tensor<3x5xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @zero_output(%x: tensor<?x5x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>) {
  // expected-error @+1 {{'zero_output_for_mask' needs a mask}}
  %y = kconv.rnn %x, %w, %r {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = true, go_backwards = false, reset_after = false, zero_output_for_mask = true} : (tensor<?x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<?x5x4xf32>
  return
}

// -----

func.func @one_state(%x: tensor<?x5x3xf32>, %w: tensor<3x16xf32>, %r: tensor<4x16xf32>, %h: tensor<?x4xf32>) {
  // expected-error @+1 {{takes 2 initial states, got 1}}
  %y = kconv.rnn %x, %w, %r initial_state %h {cell = #kconv.recurrent_cell<lstm>, units = 4 : i64, activation = #kconv.activation<tanh>, recurrent_activation = #kconv.activation<sigmoid>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<?x5x3xf32>, tensor<3x16xf32>, tensor<4x16xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @state_width(%x: tensor<2x5x3xf32>, %w: tensor<3x4xf32>, %r: tensor<4x4xf32>, %h: tensor<2x3xf32>) {
  // expected-error @+1 {{initial state (2, 3) is not (batch, units) = (2, 4)}}
  %y = kconv.rnn %x, %w, %r initial_state %h {cell = #kconv.recurrent_cell<simple_rnn>, units = 4 : i64, activation = #kconv.activation<tanh>, use_bias = false, return_sequences = false, go_backwards = false, reset_after = false} : (tensor<2x5x3xf32>, tensor<3x4xf32>, tensor<4x4xf32>, tensor<2x3xf32>) -> tensor<2x4xf32>
  return
}
