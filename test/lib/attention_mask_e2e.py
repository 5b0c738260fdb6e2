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
     Keras 2 file keeps tf-keras's uniform softmax there.

  attention_mask_e2e.py --kconvc KCONVC --workdir DIR [--keras3]"""
import argparse
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

STEPS, DIM, HEADS, VOCAB = 7, 8, 2, 12


def build(w):
    ids = tl.kw.Input("ids", (STEPS,), dtype="int32")
    mask = tl.kw.Input("mask", (STEPS, STEPS))
    e = tl.embedding(w, "tokens", VOCAB, DIM, mask_zero=True)(ids.output)[0]
    plain = tl.embedding(w, "plain", VOCAB, DIM)(ids.output)[0]
    outputs = [
        tl.multi_head_attention(w, "keras_mask", DIM, HEADS, 4)(e, value=e)[0],
        tl.multi_head_attention(w, "attention_mask", DIM, HEADS, 4)(
            plain, value=plain, attention_mask=mask.output)[0],
        tl.multi_head_attention(w, "all_masks", DIM, HEADS, 4, dropout=0.1)(
            e, value=e, attention_mask=mask.output, use_causal_mask=True)[0]]
    return tl.kw.Functional("masks", [ids, mask], outputs)


def inputs(rng):
    ids = rng.integers(1, VOCAB, (3, STEPS)).astype(np.int32)
    ids[0, 5:] = 0          # right padding
    ids[1, :2] = 0          # left padding
    mask = (rng.uniform(size=(3, STEPS, STEPS)) > 0.4).astype(np.float32)
    mask[0, 3] = 0.0        # a query attending nothing
    mask[1, :, 4] = 0.5     # non-zero: attends
    mask[2, :, 1] = -2.0
    return ids, mask


def reference(path, ids, mask, keras3):
    w = tr.KerasWeights(path)
    kept = ids != 0
    keras = kept[:, :, None] & kept[:, None, :]
    given = mask != 0
    causal = np.tril(np.ones((STEPS, STEPS), bool))[None]
    e, plain = (w(n, "embeddings")[ids] for n in ("tokens", "plain"))
    return [tr.multi_head_attention(e, e, w, "keras_mask", keras),
            tr.multi_head_attention(plain, plain, w, "attention_mask", given),
            tr.multi_head_attention(e, e, w, "all_masks", keras & given & causal,
                                    zero_masked=keras3)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kconvc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--keras3", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    tl.save(args.workdir, build(tl.Weights(seed=7)), keras3_version="3.10.0")
    ids, mask = inputs(np.random.default_rng(8))
    paths = [os.path.join(args.workdir, n) for n in ("ids.npy", "mask.npy")]
    np.save(paths[0], ids)
    np.save(paths[1], mask)
    model = (["model.keras"] if args.keras3 else ["model.json", "--weights", "weights.h5"])
    exe = os.path.join(args.workdir, "masks_k3" if args.keras3 else "masks_k2")
    subprocess.run([args.kconvc] + [a if a.startswith("--") else os.path.join(args.workdir, a)
                                    for a in model] + ["--emit=exe", "-o", exe], check=True)
    expected = reference(os.path.join(args.workdir, "weights.h5"), ids, mask.astype(np.float64),
                         args.keras3)
    return 1 if check_example.run_and_compare(exe, paths, expected, args.workdir) else 0


if __name__ == "__main__":
    sys.exit(main())
