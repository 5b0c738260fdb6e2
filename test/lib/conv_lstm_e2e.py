#!/usr/bin/python3
"""Keras's ConvLSTM1D, ConvLSTM2D and ConvLSTM3D in whole models (graph_e2e's Graph, writers and
runner), Keras 2 JSON + .h5, Keras 2 full .h5 and Keras 3 .keras: padding valid and
same, strides, dilation, channels_first, return_sequences, go_backwards, use_bias off,
other activations, stacked layers, return_state and initial_state. The float64 NumPy
reference below is written from Keras's ConvLSTMCell (keras/src/layers/rnn/
conv_lstm.py; tf_keras/layers/rnn/base_conv_lstm.py): per step the input convolution
(the layer's strides, padding, dilation, bias) plus the recurrent one of h (stride 1,
'same'), gates i, f, c, o; convolutions by conv_reference.conv2d and
conv3d_e2e.conv3d_reference.

  conv_lstm_e2e.py --kconvc KCONVC --workdir DIR [--keras3 | --h5] [--models M]"""
import sys

import numpy as np

import conv3d_e2e as c3
import conv_reference as cr
import graph_e2e as ge
import recurrent_e2e


def activation(name, keras3):
    """Keras's activation `name` as the file's Keras version computes it."""
    if name == "hard_sigmoid" and not keras3:
        name = "hard_sigmoid_keras2"
    return cr.ACTIVATIONS[name]


def conv_lstm(x, rank, kernel, recurrent, bias, strides, padding, dilation, data_format,
              act, recurrent_act, return_sequences, go_backwards, h0=None, c0=None,
              states=False, kept=None, zero_output=False):
    """x: (N, T, spatial..., C), channels_first (N, T, C, spatial...); kernel (spatial
    kernel..., C, 4 F), recurrent (spatial kernel..., F, 4 F), bias (4 F) or None. The
    output (and with `states` the final h and c) in the layer's layout. kept: Keras's
    mask (N, T) or (N, T, output positions...) (channels_last), applied as
    backend.rnn's tf.where does: a masked position keeps its states and outputs the
    previous output (zeros before the first step, or with zero_output)."""
    first = data_format == "channels_first"
    x = np.asarray(x, np.float64)
    if first:
        x = np.moveaxis(x, 2, -1)
        h0, c0 = (None if s is None else np.moveaxis(s, 1, -1) for s in (h0, c0))
    if rank == 1:  # a 1-D step is one row of a 2-D one
        x = x[:, :, None]
        kernel, recurrent = kernel[None], recurrent[None]
        strides, dilation = (1,) + tuple(strides), (1,) + tuple(dilation)
        h0, c0 = (None if s is None else s[:, None] for s in (h0, c0))
    filters = recurrent.shape[-2]
    ones = (1,) * max(rank, 2)

    def conv(v, k, b, s, pad, dil):
        if rank == 3:
            return c3.conv3d_reference(v, k, b, s, pad, "channels_last", dil, 1, "linear")
        return cr.conv2d(v, k, b, s, pad, "channels_last", dil)

    h, c, outputs = h0, c0, []
    steps = x.shape[1]
    out = None
    for t in (range(steps - 1, -1, -1) if go_backwards else range(steps)):
        z = conv(x[:, t], kernel, bias, strides, padding, dilation)
        if h is None:
            h = np.zeros(z.shape[:-1] + (filters,))
            c = np.zeros_like(h)
        if out is None:
            out = np.zeros(z.shape[:-1] + (filters,))
        z = z + conv(h, recurrent, None, ones, "same", ones)
        i, f, g, o = np.split(z, 4, axis=-1)
        new_c = recurrent_act(f) * c + recurrent_act(i) * act(g)
        new_h = recurrent_act(o) * act(new_c)
        if kept is None:
            h, c, out = new_h, new_c, new_h
        else:
            k = kept[:, t]
            if k.ndim == 1:  # per step: every position
                k = k.reshape((-1,) + (1,) * (h.ndim - 1))
            else:  # per position: over the filters (a 1-D step is one row)
                k = (k[:, None] if rank == 1 else k)[..., None]
            h, c = np.where(k, new_h, h), np.where(k, new_c, c)
            out = np.where(k, new_h, 0.0 if zero_output else out)
        outputs.append(out)
    results = [np.stack(outputs, axis=1) if return_sequences else out, h, c]
    if rank == 1:
        results = [np.squeeze(r, axis=r.ndim - 3) for r in results]
    if first:
        results = [np.moveaxis(r, -1, r.ndim - rank - 1) for r in results]
    return tuple(results) if states else results[0]


def add_conv_lstm(g, x, rank, filters, kernel_size, strides=None, padding="valid",
                  dilation=None, data_format="channels_last", activation_name="tanh",
                  recurrent_activation="sigmoid", use_bias=True, return_sequences=False,
                  go_backwards=False, return_state=False, kept=None, zero_output=False):
    """ConvLSTM{rank}D on x (a name, or [x, h0, c0]) with random weights; kept: the
    Keras mask reaching it, zero_output: its zero_output_for_mask (which only Keras 3
    applies: tf-keras's ConvRNN never passes it on)."""
    ones = (1,) * rank
    kernel_size = tuple(kernel_size)
    strides, dilation = tuple(strides or ones), tuple(dilation or ones)
    sequence = g.values[x[0] if isinstance(x, list) else x]
    channels = sequence.shape[2 if data_format == "channels_first" else -1]
    kernel = g.uniform(kernel_size + (channels, 4 * filters), -0.5, 0.5)
    recurrent = g.uniform(kernel_size + (filters, 4 * filters), -0.5, 0.5)
    bias = g.uniform((4 * filters,), -0.5, 0.5) if use_bias else None
    config = {"filters": filters, "kernel_size": list(kernel_size), "strides": list(strides),
              "padding": padding, "data_format": data_format, "dilation_rate": list(dilation),
              "activation": activation_name, "recurrent_activation": recurrent_activation,
              "use_bias": use_bias, "unit_forget_bias": True, **recurrent_e2e.INERT_ARGS,
              "dropout": 0.1, "return_sequences": return_sequences,
              "return_state": return_state, "go_backwards": go_backwards}
    if g.keras3:
        config.update({"seed": None, "zero_output_for_mask": zero_output})
    else:
        config["time_major"] = False
        if zero_output:
            config["zero_output_for_mask"] = True
    weights = [("conv_lstm_cell/kernel", kernel), ("conv_lstm_cell/recurrent_kernel", recurrent)]
    if use_bias:
        weights.append(("conv_lstm_cell/bias", bias))
    k64 = lambda a: None if a is None else a.astype(np.float64)
    act = activation(activation_name, g.keras3)
    recurrent_act = activation(recurrent_activation, g.keras3)
    ref = lambda v, *initial: conv_lstm(
        v, rank, k64(kernel), k64(recurrent), k64(bias), strides, padding, dilation,
        data_format, act, recurrent_act, return_sequences, go_backwards, *initial,
        states=return_state, kept=kept, zero_output=zero_output and g.keras3)
    return g.add(f"ConvLSTM{rank}D", x, ref, config, weights)


def masked_input(g, shape, masked):
    """An input of `shape` (after the batch) whose positions `masked` ((sample, step,
    position...) tuples) are all zeros, then a Masking layer: its name and Keras's mask,
    any(x != 0, axis=-1), one per step and position."""
    x = g.input(shape)
    values = g.inputs[-1][1].copy()
    for index in masked:
        values[index] = 0
    g.values[x], g.inputs[-1] = values.astype(np.float64), (x, values)
    kept = (values != 0).any(-1)
    m = g.add("Masking", x, lambda v: v * kept[..., None], {"mask_value": 0.0})
    return m, kept


def conv_lstm_masked(g):
    # Masking over sequences of images: one mask value per step and position, which a
    # ConvLSTM ('same', stride 1: its positions are the input's) applies per position,
    # keeping the states and outputting the previous output there; a second layer reads
    # the mask the first passes on (return_sequences), backwards, with return_state.
    # ConvLSTM1D with zero_output_for_mask (Keras 3 applies it, tf-keras not) from
    # initial states; ConvLSTM3D. Whole steps masked, single positions, a sample's
    # first step (the previous output is zeros there).
    frames, kept = masked_input(g, (4, 3, 4, 2), [(0, 1), (1, 0, 2, 3), (1, 2, 0), (0, 3, 1)])
    a = add_conv_lstm(g, frames, 2, 3, (3, 3), padding="same", return_sequences=True,
                      kept=kept)
    b = add_conv_lstm(g, a, 2, 2, (2, 3), padding="same", go_backwards=True,
                      return_state=True, kept=kept)
    series, kept1 = masked_input(g, (5, 6, 3), [(0, 4), (1, 0, 5), (1, 1), (0, 2, 0)])
    h0, c0 = g.input((6, 4)), g.input((6, 4))
    s = add_conv_lstm(g, [series, h0, c0], 1, 4, (3,), padding="same", return_sequences=True,
                      zero_output=True, kept=kept1)
    s_last = add_conv_lstm(g, series, 1, 2, (2,), padding="same", kept=kept1)
    volumes, kept3 = masked_input(g, (3, 2, 3, 2, 2), [(0, 2), (1, 0, 1, 2, 1)])
    v = add_conv_lstm(g, volumes, 3, 2, (2, 2, 1), padding="same", return_sequences=True,
                      kept=kept3)
    return [a, b, b + ":1", b + ":2", s, s_last, v]


def conv_lstm_matrix(g):
    frames = g.input((4, 6, 5, 3))            # (T, rows, cols, C)
    frames_cf = g.input((3, 2, 5, 6))         # (T, C, rows, cols)
    series = g.input((5, 7, 3))               # (T, length, C)
    series_cf = g.input((5, 3, 8))            # (T, C, length)
    # Defaults (tanh, sigmoid), 'same', every step; a second layer stacked on it,
    # backwards, 'valid' and strided (2, 1), the last step.
    a = add_conv_lstm(g, frames, 2, 4, (3, 3), padding="same", return_sequences=True)
    b = add_conv_lstm(g, a, 2, 3, (3, 2), strides=(2, 1), go_backwards=True)
    # Dilated (2, 1) 'same' without bias, relu and hard_sigmoid (the file's version's).
    d = add_conv_lstm(g, frames, 2, 2, (3, 3), padding="same", dilation=(2, 1),
                      use_bias=False, activation_name="relu",
                      recurrent_activation="hard_sigmoid", return_sequences=True)
    # channels_first, strided 2 'same' (odd sizes), every step, backwards.
    cf = add_conv_lstm(g, frames_cf, 2, 3, (2, 2), strides=(2, 2), padding="same",
                       data_format="channels_first", return_sequences=True,
                       go_backwards=True)
    # ConvLSTM1D: 'same' every step (softsign); channels_first 'valid' strided, last step.
    s = add_conv_lstm(g, series, 1, 4, (3,), padding="same", activation_name="softsign",
                      return_sequences=True)
    s_cf = add_conv_lstm(g, series_cf, 1, 2, (2,), strides=(2,),
                         data_format="channels_first", go_backwards=True)
    return [a, b, d, cf, s, s_cf]


def conv_lstm_3d(g):
    # ConvLSTM3D: 'same' with a kernel of every axis, every step; channels_first,
    # strided (2, 1, 2) 'valid' (each step's depths padded to the stride), backwards;
    # dilated depth without bias.
    volumes = g.input((3, 4, 5, 4, 2))         # (T, depth, rows, cols, C)
    volumes_cf = g.input((2, 2, 5, 4, 5))      # (T, C, depth, rows, cols)
    a = add_conv_lstm(g, volumes, 3, 3, (3, 3, 2), padding="same", return_sequences=True)
    b = add_conv_lstm(g, volumes_cf, 3, 2, (2, 2, 3), strides=(2, 1, 2),
                      data_format="channels_first", go_backwards=True)
    d = add_conv_lstm(g, volumes, 3, 2, (2, 1, 1), dilation=(2, 1, 1), use_bias=False,
                      return_sequences=True)
    return [a, b, d]


def conv_lstm_states(g):
    # return_state's final h and c start a second layer (Keras 2: inbound tensors 1 and
    # 2; Keras 3: the call's initial_state), channels_last and channels_first; the
    # states are model outputs too.
    frames, frames_cf = g.input((3, 5, 4, 2)), g.input((3, 2, 4, 5))
    enc = add_conv_lstm(g, frames, 2, 3, (3, 3), padding="same", return_state=True)
    dec = add_conv_lstm(g, [frames, enc + ":1", enc + ":2"], 2, 3, (3, 3), padding="same",
                        return_sequences=True, go_backwards=True)
    enc_cf = add_conv_lstm(g, frames_cf, 2, 2, (2, 2), padding="same",
                           data_format="channels_first", return_sequences=True,
                           return_state=True)
    dec_cf = add_conv_lstm(g, [frames_cf, enc_cf + ":1", enc_cf + ":2"], 2, 2, (2, 2),
                           padding="same", data_format="channels_first")
    return [enc, enc + ":1", enc + ":2", dec, enc_cf, enc_cf + ":2", dec_cf]


ge.MODELS["conv_lstm"] = conv_lstm_matrix
ge.MODELS["conv_lstm_states"] = conv_lstm_states
ge.MODELS["conv_lstm_3d"] = conv_lstm_3d
ge.MODELS["conv_lstm_masked"] = conv_lstm_masked

if __name__ == "__main__":
    if "--models" not in sys.argv:
        sys.argv += ["--models", "conv_lstm,conv_lstm_states,conv_lstm_3d"]
    sys.exit(ge.main())
