// Keras SimpleRNN, GRU and LSTM: the op `kconv.rnn`; its verifier and shape inference
// are in dialect/lib/Layers/Recurrent.cpp. Included by KconvLayerOps.td.
#ifndef KCONV_DIALECT_LAYERS_RECURRENT_TD
#define KCONV_DIALECT_LAYERS_RECURRENT_TD

def Kconv_RnnOp : Kconv_LayerOp<"rnn", [AttrSizedOperandSegments]> {
  let summary = "Keras SimpleRNN, GRU and LSTM over (batch, timesteps, features)";
  let description = [{
    A recurrence over the timesteps (in reverse with `go_backwards`) from a zero
    state, with Keras's gates and formulas. `kernel` is `(features, gates * units)`,
    `recurrent_kernel` `(units, gates * units)`, gates in Keras's order: simple_rnn 1,
    gru 3 (z, r, h), lstm 4 (i, f, c, o). `bias`, present exactly with `use_bias`, is
    `(gates * units)`, or for a GRU with `reset_after` `(2, 3 * units)` (the input
    bias, then the recurrent one).

    - simple_rnn: `h = activation(x W + b + h R)`.
    - gru: `z = recurrent_activation(x Wz + bz + h Rz [+ rbz])`, r likewise,
      `hh = activation(x Wh + bh + r * (h Rh + rbh))` with `reset_after`, else
      `activation(x Wh + bh + (r * h) Rh)`; `h = z * h + (1 - z) * hh`.
    - lstm: `i, f, o = recurrent_activation(...)`, `c = f * c + i * activation(x Wc +
      bc + h Rc)`, `h = o * activation(c)`.

    The result is the last `h` `(batch, units)`, or with `return_sequences` every
    step's `(batch, timesteps, units)`, in the order the steps ran, or with
    `flip_sequences` (Bidirectional's backward layer) in the input's order. The activations
    must be element-wise. `recurrent_activation` is present exactly for gru and lstm.

    With `mask` (Keras's mask, `(batch, timesteps)`: an Embedding's ids, a step kept
    where it is not 0) a masked step leaves the state as it was; its output is the
    state's `h` (the previous step's output), or zeros with `zero_output_for_mask`,
    which also zeroes the last output when the last step run was masked.

    `initial_states` (Keras's `initial_state`: `h`, and an LSTM's `c`, each
    `(batch, units)`) start the recurrence instead of zeros. With `return_state` the
    result packs the output and the final states along axis 1: `(batch, rows, units)`,
    the output's rows (every step's `h`, or the last output), then the final `h` and an
    LSTM's final `c`; the importer slices Keras's outputs out of it.

    ```mlir
    %h = kconv.rnn %x, %w, %r, %b {cell = #kconv.recurrent_cell<lstm>, units = 8 : i64,
           activation = #kconv.activation<tanh>,
           recurrent_activation = #kconv.activation<sigmoid>, use_bias = true,
           return_sequences = false, go_backwards = false, reset_after = false}
        : (tensor<?x5x3xf32>, tensor<3x32xf32>, tensor<8x32xf32>, tensor<32xf32>)
        -> tensor<?x8xf32>
    %s = kconv.rnn %x, %w, %r mask %ids {cell = #kconv.recurrent_cell<gru>, units = 4 : i64,
           activation = #kconv.activation<tanh>,
           recurrent_activation = #kconv.activation<sigmoid>, use_bias = false,
           return_sequences = true, go_backwards = false, reset_after = false,
           zero_output_for_mask = true}
        : (tensor<?x5x3xf32>, tensor<3x12xf32>, tensor<4x12xf32>, tensor<?x5xf32>)
        -> tensor<?x5x4xf32>
    ```
  }];
  let arguments = (ins Kconv_AnyTensor:$input, 2DTensorOf<[F32]>:$kernel,
                   2DTensorOf<[F32]>:$recurrent_kernel, Optional<Kconv_AnyTensor>:$bias,
                   Optional<Kconv_AnyTensor>:$mask,
                   Variadic<Kconv_AnyTensor>:$initial_states,
                   Kconv_RecurrentCellAttr:$cell,
                   ConfinedAttr<I64Attr, [IntPositive]>:$units,
                   Kconv_ActivationAttr:$activation,
                   OptionalAttr<Kconv_ActivationAttr>:$recurrent_activation,
                   BoolAttr:$use_bias, BoolAttr:$return_sequences, BoolAttr:$go_backwards,
                   BoolAttr:$reset_after,
                   DefaultValuedAttr<BoolAttr, "false">:$flip_sequences,
                   DefaultValuedAttr<BoolAttr, "false">:$zero_output_for_mask,
                   DefaultValuedAttr<BoolAttr, "false">:$return_state);
  let results = (outs Kconv_AnyTensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel `,` $recurrent_kernel (`,` $bias^)? (`mask` $mask^)?
    (`initial_state` $initial_states^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Gates per unit: 1 (simple_rnn), 3 (gru), 4 (lstm).
    int64_t getGates();
  }];
}

#endif // KCONV_DIALECT_LAYERS_RECURRENT_TD
