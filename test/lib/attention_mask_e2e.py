#!/usr/bin/python3
"""MultiHeadAttention's masks in whole models, Keras 2 JSON + .h5 and a Keras 3
.keras archive (examples/transformer_layers.py's layers), compiled, run and compared
with examples/transformer_reference.py's float64 reference (1e-4 relative):

  0: the Keras mask of an Embedding's mask_zero on query and value (Keras ANDs
     query_mask[:, :, None] and value_mask[:, None, :]; padded queries' rows are all
     masked: equal scores, a uniform softmax, as Keras's float32 -1e9 gives);
  1: the attention_mask call argument, a model input of floats (Keras casts it to
     bool: any non-zero value attends; one sample's row is all zeros);
  2: both and use_causal_mask, combined into one mask as Keras combines them, in a
     layer with a dropout: the Keras 3 file says 3.10, whose Softmax then zeroes the
     masked probabilities (a query attending nothing gets 0, the output bias); the
     Keras 2 file keeps tf-keras's uniform softmax there;
  3-5: Attention and AdditiveAttention (Keras reads [query_mask, value_mask]: the
     value's mask masks the keys, -1e9 added in float32, combined with the causal
     mask; the query's zeroes the output rows of masked queries): dot with use_scale,
     query and value masked, fewer value steps than queries; AdditiveAttention with
     its scale, a key without a mask, causal (a left-padded value leaves the first
     queries nothing to attend: the uniform softmax); concat, the value's mask only;
  6: (Keras 3 only) GroupedQueryAttention, 4 query heads sharing 2 key/value heads,
     the query's and value's masks and the causal mask combined as MultiHeadAttention's.

  attention_mask_e2e.py --kconvc KCONVC --workdir DIR [--keras3]"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
examples = os.path.join(here, "..", "..", "examples")
sys.path.insert(0, examples)
import check_example  # noqa: E402
import transformer_layers as tl  # noqa: E402
import transformer_reference as tr  # noqa: E402

STEPS, VALUE_STEPS, DIM, HEADS, VOCAB = 7, 5, 8, 2, 12


def attention_layer(w, name, score_mode="dot", additive=False):
    """Attention (use_scale: a scalar `scale`; concat: `concat_score_weight`) or
    AdditiveAttention (use_scale: one `scale` per feature)."""
    config = {"name": name, "trainable": True, "use_scale": True, "dropout": 0.0}
    if additive:
        return tl.kw.Layer("AdditiveAttention", config, [("scale", w.normal((DIM,), 0.5))])
    config["score_mode"] = score_mode
    weights = [("scale", np.array(0.6 if score_mode == "dot" else -0.4, np.float32))]
    if score_mode == "concat":
        weights.append(("concat_score_weight", np.array(1.2, np.float32)))
    return tl.kw.Layer("Attention", config, weights)


GQA_GROUPS = {"query": "_query_dense", "key": "_key_dense", "value": "_value_dense",
              "attention_output": "_output_dense"}


def grouped_query_attention(w, name, dim, query_heads, kv_heads, head_dim):
    """Keras 3's GroupedQueryAttention: its projections' weights in `_query_dense`, ...,
    key and value of kv_heads heads."""
    config = {"name": name, "trainable": True, "head_dim": head_dim,
              "num_query_heads": query_heads, "num_key_value_heads": kv_heads,
              "dropout": 0.0, "use_bias": True, "kernel_initializer": tl.GLOROT,
              "bias_initializer": tl.ZEROS, **tl.NO_PENALTIES}
    weights = [("query/kernel", w.kernel((dim, query_heads, head_dim), dim)),
               ("query/bias", w.normal((query_heads, head_dim), 0.1))]
    for part in ("key", "value"):
        weights += [(part + "/kernel", w.kernel((dim, kv_heads, head_dim), dim)),
                    (part + "/bias", w.normal((kv_heads, head_dim), 0.1))]
    weights += [("attention_output/kernel",
                 w.kernel((query_heads, head_dim, dim), query_heads * head_dim)),
                ("attention_output/bias", w.normal((dim,), 0.1))]
    return tl.kw.Layer("GroupedQueryAttention", config, weights, keras3_groups=GQA_GROUPS)


def build(w, keras3=False):
    ids = tl.kw.Input("ids", (STEPS,), dtype="int32")
    mask = tl.kw.Input("mask", (STEPS, STEPS))
    value_ids = tl.kw.Input("value_ids", (VALUE_STEPS,), dtype="int32")
    e = tl.embedding(w, "tokens", VOCAB, DIM, mask_zero=True)(ids.output)[0]
    plain = tl.embedding(w, "plain", VOCAB, DIM)(ids.output)[0]
    values = tl.embedding(w, "values", VOCAB, DIM, mask_zero=True)(value_ids.output)[0]
    keys = tl.embedding(w, "keys", VOCAB, DIM)(value_ids.output)[0]
    outputs = [
        tl.multi_head_attention(w, "keras_mask", DIM, HEADS, 4)(e, value=e)[0],
        tl.multi_head_attention(w, "attention_mask", DIM, HEADS, 4)(
            plain, value=plain, attention_mask=mask.output)[0],
        tl.multi_head_attention(w, "all_masks", DIM, HEADS, 4, dropout=0.1)(
            e, value=e, attention_mask=mask.output, use_causal_mask=True)[0],
        attention_layer(w, "dot")([e, values])[0],
        attention_layer(w, "additive", additive=True)([e, values, keys],
                                                      use_causal_mask=True)[0],
        attention_layer(w, "concat", "concat")([plain, values])[0]]
    if keras3:
        outputs.append(grouped_query_attention(w, "gqa", DIM, 4, 2, 3)(
            e, value=values, use_causal_mask=True)[0])
    return tl.kw.Functional("masks", [ids, mask, value_ids], outputs)


def inputs(rng):
    ids = rng.integers(1, VOCAB, (3, STEPS)).astype(np.int32)
    ids[0, 5:] = 0          # right padding
    ids[1, :2] = 0          # left padding
    mask = (rng.uniform(size=(3, STEPS, STEPS)) > 0.4).astype(np.float32)
    mask[0, 3] = 0.0        # a query attending nothing
    mask[1, :, 4] = 0.5     # non-zero: attends
    mask[2, :, 1] = -2.0
    value_ids = rng.integers(1, VOCAB, (3, VALUE_STEPS)).astype(np.int32)
    value_ids[0, :2] = 0    # left padding: causal queries 0 and 1 attend nothing
    value_ids[2, 3:] = 0
    return ids, mask, value_ids


def attention(query, value, key, w, layer, kind, query_kept, value_kept, causal=False):
    """Keras's Attention/AdditiveAttention: scores, keys masked by the value's mask
    (and the causal mask) with -1e9 subtracted in float32, softmax, the value weighed,
    rows of masked queries zeroed."""
    scale = w(layer, "scale")
    if kind == "dot":
        scores = np.einsum("bqd,bkd->bqk", query, key) * scale
    elif kind == "concat":
        scores = w(layer, "concat_score_weight") * np.tanh(
            scale * (query[:, :, None, :] + key[:, None, :, :])).sum(-1)
    else:
        scores = (scale * np.tanh(query[:, :, None, :] + key[:, None, :, :])).sum(-1)
    keep = np.ones(scores.shape, bool)
    if value_kept is not None:
        keep &= value_kept[:, None, :]
    if causal:
        keep &= np.tril(np.ones(scores.shape[1:], bool))[None]
    scores = np.where(keep, scores, (scores - 1e9).astype(np.float32))
    out = np.einsum("bqk,bkd->bqd", tr.softmax(scores), value)
    return out if query_kept is None else out * query_kept[:, :, None]


def gqa_reference(query, value, w, layer, kept):
    """GroupedQueryAttention: MultiHeadAttention's formula with each key/value head
    repeated for the query heads it serves; `kept` (batch, T, S) as the MHA reference."""
    def project(x, part):
        return np.einsum("btd,dhk->bthk", x, w(layer, part + "/kernel")) + w(layer, part + "/bias")

    q, k, v = project(query, "query"), project(value, "key"), project(value, "value")
    repeats = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, repeats, axis=2), np.repeat(v, repeats, axis=2)
    scores = np.einsum("bthk,bshk->bhts", q / math.sqrt(q.shape[-1]), k)
    added = scores + np.where(kept, 0.0, -1e9)[:, None]
    scores = np.where(kept[:, None], scores, added.astype(np.float32))
    context = np.einsum("bhts,bshk->bthk", tr.softmax(scores), v)
    return (np.einsum("bthk,hkd->btd", context, w(layer, "attention_output/kernel"))
            + w(layer, "attention_output/bias"))


def reference(path, ids, mask, value_ids, keras3):
    w = tr.KerasWeights(path)
    kept = ids != 0
    keras = kept[:, :, None] & kept[:, None, :]
    given = mask != 0
    causal = np.tril(np.ones((STEPS, STEPS), bool))[None]
    e, plain = (w(n, "embeddings")[ids] for n in ("tokens", "plain"))
    values, keys = (w(n, "embeddings")[value_ids] for n in ("values", "keys"))
    value_kept = value_ids != 0
    return [tr.multi_head_attention(e, e, w, "keras_mask", keras),
            tr.multi_head_attention(plain, plain, w, "attention_mask", given),
            tr.multi_head_attention(e, e, w, "all_masks", keras & given & causal,
                                    zero_masked=keras3),
            attention(e, values, values, w, "dot", "dot", kept, value_kept),
            attention(e, values, keys, w, "additive", "additive", kept, value_kept,
                      causal=True),
            attention(plain, values, values, w, "concat", "concat", None, value_kept)] + (
        [gqa_reference(e, values, w, "gqa", kept[:, :, None] & value_kept[:, None, :] &
                       np.tril(np.ones((STEPS, VALUE_STEPS), bool))[None])]
        if keras3 else [])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--keras3", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    tl.save(args.workdir, build(tl.Weights(seed=7), args.keras3), keras3_version="3.10.0")
    ids, mask, value_ids = inputs(np.random.default_rng(8))
    paths = [os.path.join(args.workdir, n) for n in ("ids.npy", "mask.npy", "value_ids.npy")]
    for path, array in zip(paths, (ids, mask, value_ids)):
        np.save(path, array)
    model = (["model.keras"] if args.keras3 else ["model.json", "--weights", "weights.h5"])
    exe = os.path.join(args.workdir, "masks_k3" if args.keras3 else "masks_k2")
    subprocess.run([args.kconvc] + [a if a.startswith("--") else os.path.join(args.workdir, a)
                                    for a in model] + ["--emit=exe", "-o", exe], check=True)
    expected = reference(os.path.join(args.workdir, "weights.h5"), ids, mask.astype(np.float64),
                         value_ids, args.keras3)
    return 1 if check_example.run_and_compare(exe, paths, expected, args.workdir) else 0


if __name__ == "__main__":
    sys.exit(main())
