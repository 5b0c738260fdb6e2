#!/usr/bin/env bash
# Compiles examples/first_conv (Conv2D(1, (2, 2), padding='valid', input_shape=(3, 3, 1)))
# to a native executable, runs it on a 3x3 ramp and prints input and output.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/$build/demo"
mkdir -p "$out"
python=/usr/bin/python3

echo "== kconvc: examples/first_conv/model.json -> $build/demo/first_conv"
"$root/$build/bin/kconvc" "$root/examples/first_conv/model.json" \
  --weights "$root/examples/first_conv/model_weights.h5" --emit=exe -o "$out/first_conv"
"$python" -c "import numpy as np; np.save('$out/x.npy', np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1))"
"$out/first_conv" --input "$out/x.npy" --output "$out/y.npy"
"$python" - "$out/x.npy" "$out/y.npy" <<'PY'
import sys
import numpy as np
x, y = np.load(sys.argv[1]), np.load(sys.argv[2])
print("input  (1, 3, 3, 1), channel 0:\n", x[0, :, :, 0])
print("kernel [[1, 2], [3, 4]], bias 0.5")
print("output", y.shape, "channel 0:\n", y[0, :, :, 0])
PY
