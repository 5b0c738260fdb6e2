"""The kconv Python package end to end: models compiled by kconvc --emit=shared, called
on NumPy arrays, against the kconvc-built executables (bit for bit) and float64
references. $KCONVC names the kconvc to test; run from lit (test/python/kconv.test)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import kconv

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)
DIGITS = os.path.join(SRC, "examples", "digits")
sys.path.insert(0, os.path.join(SRC, "test", "lib"))
import graph_e2e  # noqa: E402

KCONVC = os.environ.get("KCONVC")
pytestmark = pytest.mark.skipif(not KCONVC, reason="set KCONVC to the kconvc to test")


def run_exe(exe, inputs, count, workdir):
    """The kconvc-built executable's outputs for `inputs`."""
    command = [exe]
    for i, x in enumerate(inputs):
        np.save(os.path.join(workdir, f"in{i}.npy"), x)
        command += ["--input", os.path.join(workdir, f"in{i}.npy")]
    for i in range(count):
        command += ["--output", os.path.join(workdir, f"out{i}.npy")]
    subprocess.run(command, check=True)
    return [np.load(os.path.join(workdir, f"out{i}.npy")) for i in range(count)]


def test_digits_matches_the_executable_bit_for_bit(tmp_path):
    model_args = [os.path.join(DIGITS, "model.json"),
                  "--weights", os.path.join(DIGITS, "weights.h5")]
    exe = str(tmp_path / "digits")
    subprocess.run([KCONVC] + model_args + ["--emit=exe", "-o", exe], check=True)
    model = kconv.compile(os.path.join(DIGITS, "model.json"),
                          weights=os.path.join(DIGITS, "weights.h5"))
    assert len(model.inputs) == 1 and len(model.outputs) == 1
    assert model.inputs[0].shape == (None, 8, 8, 1)
    assert model.inputs[0].data_format == "channels_last"
    assert model.outputs[0].shape == (None, 10)
    version = subprocess.run([KCONVC, "--version"], stdout=subprocess.PIPE, text=True,
                             check=True).stdout.split()[1]
    assert model.kconv_version == version
    assert model.target.startswith("x86-64-linux")

    x = np.load(os.path.join(DIGITS, "x_test.npy"))
    probabilities = model(x)
    [expected] = run_exe(exe, [x], 1, str(tmp_path))
    assert probabilities.dtype == np.float32 and probabilities.shape == (len(x), 10)
    assert probabilities.tobytes() == expected.tobytes()
    labels = np.load(os.path.join(DIGITS, "labels_test.npy"))
    assert int((probabilities.argmax(axis=1) == labels).sum()) == 357  # PyTorch's: 357/360

    # The batch is the array's: the first 7 images alone give their rows of the whole.
    np.testing.assert_allclose(model(x[:7]), probabilities[:7], rtol=0, atol=1e-6)
    # Any real dtype is converted to float32, as Keras's predict does.
    assert model(x.astype(np.float64)).tobytes() == probabilities.tobytes()
    # Each output row is computed the same way on any number of threads.
    model.set_num_threads(2)
    assert model(x).tobytes() == probabilities.tobytes()


def test_several_inputs_and_outputs_and_channels_first(tmp_path):
    rng = np.random.default_rng(5)
    # A Keras 3 .keras archive (weights inside), a Keras 2 JSON + .h5 weights.
    for name, keras3 in (("branches", True), ("channels_first_net", False)):
        g, outputs, d, args = graph_e2e.build(name, keras3, str(tmp_path), rng)
        weights = args[args.index("--weights") + 1] if "--weights" in args else None
        model = kconv.compile(args[0], weights=weights)
        assert [i.name for i in model.inputs] == [n for n, _ in g.inputs]
        assert [o.name for o in model.outputs] == outputs
        xs = [x for _, x in g.inputs]
        ys = model(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        assert len(ys) == len(outputs)
        exe = os.path.join(d, "m")
        subprocess.run([KCONVC] + args + ["--emit=exe", "-o", exe], check=True)
        for y, out, from_exe in zip(ys, outputs, run_exe(exe, xs, len(outputs), d)):
            ref = g.values[out]
            assert y.shape == ref.shape
            assert np.abs(y - ref).max() <= 2e-5 * max(1.0, np.abs(ref).max())
            assert y.tobytes() == from_exe.tobytes()
        if name == "channels_first_net":
            assert model.inputs[0].data_format == "channels_first"
            assert model.inputs[0].shape == (None, 3, 11, 10)


def test_two_models_in_one_process():
    digits = kconv.compile(os.path.join(DIGITS, "model.json"),
                           weights=os.path.join(DIGITS, "weights.h5"))
    first = kconv.compile(os.path.join(SRC, "examples", "first_conv", "model.json"),
                          weights=os.path.join(SRC, "examples", "first_conv", "model_weights.h5"))
    x = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3, 1)
    # examples/first_conv's known output (test/e2e/link-obj-lib.test)
    np.testing.assert_array_equal(first(x).ravel(),
                                  [27.5, 37.5, 57.5, 67.5, 117.5, 127.5, 147.5, 157.5])
    images = np.load(os.path.join(DIGITS, "x_test.npy"))[:3]
    assert digits(images).shape == (3, 10)
    np.testing.assert_array_equal(first(x).ravel()[:4], [27.5, 37.5, 57.5, 67.5])


def test_tuning_is_kconvc_tuning(tmp_path):
    db = tmp_path / "tuning.db"
    first = kconv.compile(os.path.join(SRC, "examples", "first_conv", "model.json"),
                          weights=os.path.join(SRC, "examples", "first_conv", "model_weights.h5"),
                          tune_budget=1, extra_args=["--tuning-db", str(db)])
    # Without a budget, kconvc only reads a database; tuning stored the schedule.
    assert db.exists() and db.stat().st_size > 0
    x = np.arange(18, dtype=np.float32).reshape(2, 3, 3, 1)
    np.testing.assert_array_equal(first(x).ravel(),
                                  [27.5, 37.5, 57.5, 67.5, 117.5, 127.5, 147.5, 157.5])


def test_kconvc_errors_are_python_exceptions(tmp_path):
    missing = str(tmp_path / "missing.json")
    with pytest.raises(kconv.KconvError) as error:
        kconv.compile(missing)
    assert error.value.message.startswith("kconvc: error: ")
    assert missing in error.value.message and "\n" not in error.value.message
    assert error.value.returncode == 1
    with pytest.raises(kconv.KconvError, match="--target=bogus"):
        kconv.compile(os.path.join(DIGITS, "model.json"), target="bogus")


def test_bad_inputs_are_refused():
    model = kconv.compile(os.path.join(DIGITS, "model.json"),
                          weights=os.path.join(DIGITS, "weights.h5"))
    with pytest.raises(ValueError, match=r"expects shape \('N', 8, 8, 1\), got \(2, 8, 8\)"):
        model(np.zeros((2, 8, 8), np.float32))
    with pytest.raises(ValueError, match="takes 1 input"):
        model(np.zeros((2, 8, 8, 1), np.float32), np.zeros((2, 8, 8, 1), np.float32))
    # The runtime's own checks reach Python too: an empty batch.
    with pytest.raises(kconv.KconvError, match="batch size 0, expected at least 1"):
        model(np.zeros((0, 8, 8, 1), np.float32))


def test_python_m_kconv_is_kconvc(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(SRC, "python"))
    ours = subprocess.run([sys.executable, "-m", "kconv", "--version"], env=env,
                          stdout=subprocess.PIPE, text=True, check=True).stdout
    theirs = subprocess.run([KCONVC, "--version"], stdout=subprocess.PIPE, text=True,
                            check=True).stdout
    assert ours == theirs and ours.startswith("kconvc ")
    out = str(tmp_path / "libdigits.so")
    subprocess.run([sys.executable, "-m", "kconv", os.path.join(DIGITS, "model.json"),
                    "--weights", os.path.join(DIGITS, "weights.h5"), "--emit=shared",
                    "-o", out], env=env, check=True)
    model = kconv.load(out, "digits")
    assert model.outputs[0].shape == (None, 10)
    failed = subprocess.run([sys.executable, "-m", "kconv", str(tmp_path / "nope.json"),
                             "--emit=shared", "-o", str(tmp_path / "libx.so")], env=env,
                            stderr=subprocess.PIPE, text=True)
    assert failed.returncode == 1
    assert failed.stderr.startswith("kconvc: error: ") and "nope.json" in failed.stderr
    assert not os.path.exists(tmp_path / "libx.so") and not os.path.exists(tmp_path / "libx.h")
    # A file that is not such a library, or a library under another name.
    with pytest.raises(kconv.KconvError, match="not a kconv shared library of a model named"):
        kconv.load(os.path.join(DIGITS, "model.json"))
    with pytest.raises(kconv.KconvError, match="model named 'other'"):
        kconv.load(out, "other")
