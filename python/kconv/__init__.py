"""kconv from Python: compile a Keras model with kconvc into a shared library and call
it on NumPy arrays.

    import kconv
    model = kconv.compile("model.keras")        # or model.json / model.h5, weights=...
    probabilities = model(images)               # float32 arrays, batch first
    model.inputs[0].shape, model.inputs[0].data_format

Only the standard library, ctypes and NumPy; kconvc does the compiling (found through
the `kconvc` argument, $KCONVC, beside this package when installed, or on PATH).
"""
import ctypes
import os
import shutil
import subprocess
import tempfile

import numpy as np

__all__ = ["KconvError", "Model", "TensorInfo", "compile", "find_kconvc", "load"]


class KconvError(Exception):
    """kconvc refused or failed to compile (the message is kconvc's one-line error), or
    a compiled model refused its inputs (the runtime's message)."""

    def __init__(self, message, returncode=None):
        super().__init__(message)
        self.message = message
        self.returncode = returncode


class TensorInfo:
    """A model input's or output's name, shape (None for the batch dimension) and
    data_format ("channels_last" or "channels_first")."""

    def __init__(self, name, shape, data_format):
        self.name = name
        self.shape = shape
        self.data_format = data_format

    def __repr__(self):
        return f"TensorInfo(name={self.name!r}, shape={self.shape!r}, " \
               f"data_format={self.data_format!r})"


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("rank", ctypes.c_int),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("data_format", ctypes.c_char_p)]


# kconv_model, as runtime/include/kconv/kconv_runtime.h declares it (runtime ABI 1).
class _Model(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p),
                ("num_inputs", ctypes.c_int), ("inputs", ctypes.POINTER(_TensorInfo)),
                ("num_outputs", ctypes.c_int), ("outputs", ctypes.POINTER(_TensorInfo)),
                ("pipeline_argv", ctypes.c_void_p),
                ("kconv_version", ctypes.c_char_p), ("target", ctypes.c_char_p),
                ("runtime_abi", ctypes.POINTER(ctypes.c_int))]


_RUNTIME_ABI = 1
_NAME = "model"  # the C prefix of every library kconv.compile makes


def _text(raw):
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


def find_kconvc(kconvc=None):
    """The kconvc to run: `kconvc`, else $KCONVC, else the one installed with this
    package (PREFIX/bin/kconvc), else `kconvc` on PATH."""
    if kconvc:
        return kconvc
    if os.environ.get("KCONVC"):
        return os.environ["KCONVC"]
    # Installed as PREFIX/lib/python3/dist-packages/kconv.
    here = os.path.dirname(os.path.abspath(__file__))
    beside = os.path.join(here, os.pardir, os.pardir, os.pardir, os.pardir, "bin", "kconvc")
    if os.access(beside, os.X_OK):
        return os.path.normpath(beside)
    found = shutil.which("kconvc")
    if found:
        return found
    raise KconvError("kconvc not found: pass kconvc=PATH, set $KCONVC, or put kconvc on PATH")


def _error_line(stderr, returncode):
    """kconvc's one-line error (its last 'kconvc: error:' line), else its last line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("kconvc: error:"):
            return line
    if lines:
        return lines[-1]
    return f"kconvc exited with status {returncode}"


class Model:
    """A compiled model: call it with one NumPy array per input (model order, batch
    first, in the model's own data_format); it returns the output array, or a tuple of
    them for a model with several outputs."""

    def __init__(self, library, name=_NAME, directory=None):
        self._directory = directory  # a TemporaryDirectory to keep alive, or None
        self.library_path = library
        try:
            self._lib = ctypes.CDLL(library)  # RTLD_LOCAL: each library its own symbols
            desc = _Model.in_dll(self._lib, name + "_model")
            for suffix in ("_run_arrays", "_last_error", "_set_num_threads"):
                getattr(self._lib, name + suffix)
        except (OSError, ValueError, AttributeError) as e:
            raise KconvError(f"{library}: not a kconv shared library of a model named "
                             f"'{name}' ({e})") from None
        if not desc.runtime_abi or desc.runtime_abi[0] != _RUNTIME_ABI:
            raise KconvError(f"{library}: built for another kconv runtime ABI (this package "
                             f"reads ABI {_RUNTIME_ABI})")
        self.name = _text(desc.name)
        self.kconv_version = _text(desc.kconv_version)
        self.target = _text(desc.target)
        self.inputs = tuple(self._info(desc.inputs[i]) for i in range(desc.num_inputs))
        self.outputs = tuple(self._info(desc.outputs[i]) for i in range(desc.num_outputs))
        self._run = getattr(self._lib, name + "_run_arrays")
        self._run.restype = ctypes.c_int
        self._run.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_void_p),
                              ctypes.POINTER(ctypes.c_void_p)]
        self._last_error = getattr(self._lib, name + "_last_error")
        self._last_error.restype = ctypes.c_char_p
        self._last_error.argtypes = []
        self._set_threads = getattr(self._lib, name + "_set_num_threads")
        self._set_threads.restype = None
        self._set_threads.argtypes = [ctypes.c_int]

    @staticmethod
    def _info(info):
        shape = tuple(None if info.shape[d] < 0 else int(info.shape[d])
                      for d in range(info.rank))
        return TensorInfo(_text(info.name), shape, _text(info.data_format))

    def set_num_threads(self, threads):
        """Threads for the model's parallel loops (0: OMP_NUM_THREADS, else every core)."""
        self._set_threads(int(threads))

    def __call__(self, *arrays):
        if len(arrays) != len(self.inputs):
            raise ValueError(f"model '{self.name}' takes {len(self.inputs)} input(s), "
                             f"got {len(arrays)}")
        inputs = []
        batch = None
        for info, array in zip(self.inputs, arrays):
            array = np.ascontiguousarray(array, dtype=np.float32)
            if array.ndim != len(info.shape) or any(
                    want is not None and want != got for want, got in zip(info.shape, array.shape)):
                shown = tuple("N" if d is None else d for d in info.shape)
                raise ValueError(f"model '{self.name}' input '{info.name}' ({info.data_format}) "
                                 f"expects shape {shown}, got {array.shape}")
            if info.shape and info.shape[0] is None:
                if batch is not None and array.shape[0] != batch:
                    raise ValueError(f"model '{self.name}': input '{info.name}' has batch size "
                                     f"{array.shape[0]}, the first input {batch}")
                batch = array.shape[0]
            inputs.append(array)
        batch = 1 if batch is None else batch
        outputs = [np.empty(tuple(batch if d is None else d for d in info.shape), np.float32)
                   for info in self.outputs]
        in_ptrs = (ctypes.c_void_p * max(1, len(inputs)))(*[a.ctypes.data for a in inputs])
        out_ptrs = (ctypes.c_void_p * max(1, len(outputs)))(*[a.ctypes.data for a in outputs])
        status = self._run(batch, in_ptrs, out_ptrs)
        if status != 0:
            raise KconvError(_text(self._last_error()))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def __repr__(self):
        return f"<kconv.Model '{self.name}' inputs={list(self.inputs)} " \
               f"outputs={list(self.outputs)}>"


def load(library, name=_NAME):
    """A shared library made by `kconvc --emit=shared --name NAME` (default prefix
    'model', as kconv.compile makes them)."""
    return Model(library, name)


def compile(model, weights=None, tune_budget=0, target="host", kconvc=None, extra_args=()):
    """Compiles a Keras model file (model.json, .h5 or .keras; `weights` a .h5 weights
    file) with kconvc into a shared library in a temporary directory, and loads it.
    Raises KconvError with kconvc's message if kconvc refuses the model."""
    tool = find_kconvc(kconvc)
    directory = tempfile.TemporaryDirectory(prefix="kconv-")
    library = os.path.join(directory.name, "lib" + _NAME + ".so")
    command = [tool, os.fspath(model), "--emit=shared", "-o", library, "--name", _NAME,
               "--target=" + target]
    if weights is not None:
        command += ["--weights", os.fspath(weights)]
    if tune_budget:
        command += [f"--tune-budget={tune_budget}"]
    command += list(extra_args)
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace")
    except OSError as e:
        directory.cleanup()
        raise KconvError(f"cannot run kconvc '{tool}': {e.strerror}") from None
    if result.returncode != 0:
        directory.cleanup()
        raise KconvError(_error_line(result.stderr, result.returncode), result.returncode)
    return Model(library, _NAME, directory)
