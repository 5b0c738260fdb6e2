#!/usr/bin/python3
"""The sequence benchmark (issue 24): LSTM, MultiHeadAttention and a ViT-Base encoder
block, float32, at 1 and 2 threads, timed side by side in one run:
  - kconv: the executable of `kconvc --emit=exe` of a Keras file written here (the test
    suite's writers, random weights), default schedules (and tuned with --tune-budget),
    checked against the float64 NumPy reference of the test suite first,
  - PyTorch (inference_mode): torch.nn.LSTM (batch_first); Linear projections +
    scaled_dot_product_attention, and nn.MultiheadAttention; nn.TransformerEncoderLayer
    (norm_first, batch_first, gelu),
  - oneDNN's LSTM primitive directly (bench/onednn_lstm.cpp).

Cases: LSTM(256) on 128 steps of 128 features, batch 1 and 32, return_sequences false
(lstm_b1, lstm_b32) and true (lstm_b1_seq, lstm_b32_seq); self-attention with 12 heads
of 64 on 197 tokens of 768 (mha, batch 1); the pre-norm ViT-Base encoder block on the
same tokens (vit_block: LayerNormalization, MultiHeadAttention, Add, LayerNormalization,
Dense(3072, gelu), Dense(768), Add; epsilon 1e-6).

  /usr/bin/python3 bench/run_sequence.py [--kconvc build/bin/kconvc] [--cases a,b]
      [--threads 1,2] [--repeats 30] [--rounds 5] [--max-rounds 10] [--tune-budget S]
      [--quick] [--out bench/results]

Method as run_models.py's (bench/side_by_side.py): every system in its own process, all
systems and the FMA peak in turn in each round, each system's best round; speeds
relative to PyTorch (and oneDNN) measured in the same rounds. Writes sequence.json,
sequence.md and sequence.png under --out."""
import os
import sys


here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import side_by_side as sbs  # noqa: E402  (puts test/lib and scripts/ on the path)

STEPS, FEATURES, UNITS = 128, 128, 256
TOKENS, HEADS, HEAD_DIM, MLP = 197, 12, 64, 3072
MODEL = HEADS * HEAD_DIM
CASES = {
    "lstm_b1": dict(kind="lstm", batch=1, sequences=False),
    "lstm_b32": dict(kind="lstm", batch=32, sequences=False),
    "lstm_b1_seq": dict(kind="lstm", batch=1, sequences=True),
    "lstm_b32_seq": dict(kind="lstm", batch=32, sequences=True),
    "mha": dict(kind="mha", batch=1),
    "vit_block": dict(kind="vit", batch=1),
}
# The PyTorch variants timed per kind of case.
TORCH = {"lstm": ["pytorch"], "mha": ["pytorch_sdpa", "pytorch_mha", "pytorch_onednn"],
         "vit": ["pytorch", "pytorch_onednn"]}
# In order of importance (the plot's reference is a case's first): Debian's torch computes
# nn.Linear and nn.LSTM's products with the system's BLAS (the reference BLAS unless an
# optimized one is installed), so the oneDNN-based systems come first.
BASELINES = ("onednn", "pytorch_onednn", "pytorch", "pytorch_sdpa", "pytorch_mha")


def flops(case):
    """2 per multiply-add of the matrix products (the gates' element-wise work, the
    softmax, the normalizations and gelu not counted)."""
    if case["kind"] == "lstm":
        return 2 * case["batch"] * STEPS * 4 * UNITS * (FEATURES + UNITS)
    attention = 2 * TOKENS * (4 * MODEL * MODEL + 2 * TOKENS * MODEL)
    return case["batch"] * (attention + (2 * 2 * TOKENS * MODEL * MLP if case["kind"] == "vit"
                                         else 0))


def describe(case):
    if case["kind"] == "lstm":
        return (f"LSTM({UNITS}, return_sequences={case['sequences']}), batch {case['batch']}, "
                f"{STEPS} steps x {FEATURES} features")
    what = ("MultiHeadAttention self-attention" if case["kind"] == "mha" else
            f"pre-norm ViT-Base encoder block (MLP {MLP}, gelu)")
    return f"{what}, batch {case['batch']}, {TOKENS} tokens, {HEADS} heads x {HEAD_DIM}"


def keras_case(name, case):
    """The case's Keras model: (its Graph, the output's name, the model's JSON)."""
    import attention_e2e as ae
    import graph_e2e as ge
    import layer_normalization_e2e as lne
    import recurrent_e2e
    ge.BATCH = case["batch"]
    g = sbs.scaled_graph(name)
    if case["kind"] == "lstm":
        x = g.input((STEPS, FEATURES))
        y = recurrent_e2e.rnn(g, x, "LSTM", UNITS, return_sequences=case["sequences"])
    elif case["kind"] == "mha":
        x = g.input((TOKENS, MODEL))
        y = ae.mha(g, x, x, num_heads=HEADS, key_dim=HEAD_DIM)
    else:
        add = lambda a, b: g.add("Add", [a, b], lambda u, v: u + v)
        x = g.input((TOKENS, MODEL))
        h = lne.layer_norm(g, x, epsilon=1e-6)
        r = add(x, ae.mha(g, h, h, num_heads=HEADS, key_dim=HEAD_DIM))
        f = g.dense(g.dense(lne.layer_norm(g, r, epsilon=1e-6), MLP, "gelu"), MODEL)
        y = add(r, f)
    # MultiHeadAttention's call arguments, serialized as Keras 2 does.
    shapes = {n: [None] + list(v.shape[1:]) for n, v in g.values.items()}
    return g, y, ae.rewrite_calls(g.outputs_json([y]), False, shapes)


def torch_build(name, variant):
    """The PyTorch call timed for a case (torch's default initialization)."""
    import torch
    nn = torch.nn
    case = CASES[name]
    if case["kind"] == "lstm":
        lstm = nn.LSTM(FEATURES, UNITS, batch_first=True).eval()
        x = torch.randn(case["batch"], STEPS, FEATURES)
        if case["sequences"]:
            return lambda: lstm(x)[0]
        return lambda: lstm(x)[1][0][0]  # h_n: the last step's output
    x = torch.randn(case["batch"], TOKENS, MODEL)
    if variant == "pytorch_mha":
        mha = nn.MultiheadAttention(MODEL, HEADS, batch_first=True).eval()
        return lambda: mha(x, x, x, need_weights=False)[0]
    if case["kind"] == "vit" and variant == "pytorch":
        layer = nn.TransformerEncoderLayer(MODEL, HEADS, MLP, dropout=0.0, activation="gelu",
                                           layer_norm_eps=1e-6, batch_first=True,
                                           norm_first=True).eval()
        return lambda: layer(x)
    # The same computation spelled out; pytorch_onednn: its Linear layers in oneDNN
    # (torch.utils.mkldnn), as Debian's torch computes nn.Linear with the system's BLAS.
    linear = lambda i, o: nn.Linear(i, o).eval()
    if variant == "pytorch_onednn":
        import torch.utils.mkldnn
        linear = lambda i, o: torch.utils.mkldnn.to_mkldnn(nn.Linear(i, o).eval())
    # torch 2's scaled_dot_product_attention; 1.13's private one returns (output, weights).
    sdpa = getattr(nn.functional, "scaled_dot_product_attention", None) or (
        lambda q, k, v: nn.functional._scaled_dot_product_attention(q, k, v)[0])
    qkv, out = linear(MODEL, 3 * MODEL), linear(MODEL, MODEL)

    def attention(h):
        n = h.shape[0]
        q, k, v = qkv(h).view(n, TOKENS, 3, HEADS, HEAD_DIM).permute(2, 0, 3, 1, 4)
        return out(sdpa(q, k, v).transpose(1, 2).reshape(n, TOKENS, MODEL))
    if case["kind"] == "mha":
        return lambda: attention(x)
    norm1, norm2 = nn.LayerNorm(MODEL, eps=1e-6), nn.LayerNorm(MODEL, eps=1e-6)
    fc1, fc2 = linear(MODEL, MLP), linear(MLP, MODEL)

    def block():
        r = x + attention(norm1(x))
        return r + fc2(nn.functional.gelu(fc1(norm2(r))))
    return block


def baselines(name, case, threads, repeats, onednn):
    systems = [sbs.torch_system(__file__, name, v, threads, repeats)
               for v in TORCH[case["kind"]]]
    if case["kind"] == "lstm":
        dnnl = [onednn] + [str(v) for v in (case["batch"], STEPS, FEATURES, UNITS, repeats,
                                            threads)]
        systems.append(("onednn", lambda: sbs.rb.median_ms(sbs.rb.run(dnnl))))
    return systems


def write_report(results, out):
    notes = (
        f"Systems: kconv_default (kconvc's default schedules), kconv_tuned (--tune-budget, "
        f"per thread count; only when timed); PyTorch {results['torch_version']} in "
        f"inference_mode, torch.set_num_threads = thr: pytorch is torch.nn.LSTM "
        f"(batch_first; the last step's h for return_sequences false) or "
        f"nn.TransformerEncoderLayer(norm_first=True, batch_first=True, activation='gelu', "
        f"dropout 0, layer_norm_eps 1e-6); pytorch_sdpa: the Q, K, V projections as one "
        f"Linear, scaled_dot_product_attention, the output Linear; pytorch_mha: "
        f"nn.MultiheadAttention(batch_first=True)(x, x, x, need_weights=False); onednn: "
        f"oneDNN's LSTM primitive (bench/onednn_lstm.cpp: forward inference, the whole "
        f"sequence written, weights in the layouts it chooses, OpenMP threads = thr). "
        f"PyTorch's BLAS: {results.get('torch_blas', '?')}; Debian's build uses the system's "
        f"libblas.so.3, the reference BLAS unless an optimized one is installed, and computes "
        f"nn.Linear, the attention's batched products and nn.LSTM's (perf: sgemm_ of "
        f"libblas.so.3, not oneDNN's RNN) with it: the pytorch, pytorch_sdpa and pytorch_mha "
        f"rows measure that BLAS; pytorch_onednn moves the Linear layers, most of the FLOPs, "
        f"to oneDNN (the attention products stay on the BLAS). "
        f"Every system computes the same shapes from its own random weights.")
    sbs.write_report(results, out, "sequence", "Sequence models, float32", BASELINES, notes)


if __name__ == "__main__":
    # Tuning changes no schedule of these cases' layers today (--tune-budget: 0).
    sys.exit(sbs.main(__file__, __doc__, "sequence", CASES, 0, "onednn_lstm.cpp", keras_case,
                      lambda name, case: (flops(case), describe(case)), torch_build,
                      baselines, write_report))
