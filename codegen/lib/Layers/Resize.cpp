// Keras Resizing: tf.image.resize (Keras 2 and Keras 3's TensorFlow backend), half-pixel
// centers and no antialiasing. Along an axis of input size `in` and output size `out`,
// scale = in / out in float32 and the source coordinate of output o is
// s = (o + 0.5) * scale - 0.5, computed with strict float32 rounding as TensorFlow does:
//   nearest:  input min(floor((o + 0.5) * scale), in - 1);
//   bilinear: lerp between max(floor(s), 0) and min(ceil(s), in - 1) by s - floor(s),
//             along x, then along y (TF's order);
//   bicubic:  Keys' cubic convolution, a = -0.5 (TF's resize_bicubic with half-pixel
//             centers; its legacy -0.75 is for half_pixel_centers=False only), at the
//             fraction of s rounded to 1/1024 (TF's coefficient table); taps outside the
//             image get weight 0 and the four weights are renormalized to sum 1.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h); each axis's taps (indices
// and weights) are tables over the output coordinate, computed once. Bilinear and
// nearest upscaling (along y) of fewer than 8 channels first resample every input row
// along x (a row read by several output rows is resampled once), then along y.
// When both axes' taps repeat with a short period (2x, 1/2x, 2/3x, ...: checked output
// by output) and the channels are few, the taps are expressions of the phase
// instead of tables, so that rows resample with vector loads instead of gathers.
// Schedule (scheduleResize): computed whole (not fusable: it gathers 1, 4 or 16 input
// pixels per output), parallel over rows, vectorized along the channels, or along x
// with the channels unrolled when they are fewer than a vector's lanes; the periodic
// form in bands of output rows (schedulePeriodic).
#include "Layers.h"
#include "kconv/Support/ParallelTasks.h"

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <optional>

namespace kconv::codegen {

using namespace Halide;

namespace {
constexpr float kKeysA = -0.5f;

/// Keys' kernel for |x| <= 1 and for 1 < |x| < 2 (TF's table formulas).
Expr keysInner(Expr x) { return ((kKeysA + 2) * x - (kKeysA + 3)) * x * x + 1.0f; }
Expr keysOuter(Expr x) {
  return ((kKeysA * x - 5 * kKeysA) * x + 8 * kKeysA) * x - 4 * kKeysA;
}

/// The input taps of output coordinate `o` along an axis: indices (clamped into the
/// image) and weights.
struct Taps {
  std::vector<Expr> index, weight;
};

Expr sourceCoordinate(Expr o, float scale, float shift) {
  return strict_float((cast<float>(o) + 0.5f) * scale - shift);
}

Taps nearestTaps(Expr o, int64_t in, float scale) {
  Expr i = cast<int>(floor(sourceCoordinate(o, scale, 0.0f)));
  return {{clamp(i, 0, (int)in - 1)}, {Expr(1.0f)}};
}

Taps bilinearTaps(Expr o, int64_t in, float scale) {
  Expr s = sourceCoordinate(o, scale, 0.5f);
  Expr lower = max(cast<int>(floor(s)), 0);
  Expr upper = min(cast<int>(ceil(s)), (int)in - 1);
  Expr lerp = s - floor(s);
  // value = v0 + (v1 - v0) * lerp, written as weights over the two taps below.
  return {{clamp(lower, 0, (int)in - 1), clamp(upper, 0, (int)in - 1)}, {lerp}};
}

Taps bicubicTaps(Expr o, int64_t in, float scale) {
  Expr s = sourceCoordinate(o, scale, 0.5f);
  Expr base = cast<int>(floor(s));
  Expr t = round(strict_float((s - floor(s)) * 1024.0f)) / 1024.0f;
  Expr raw[4] = {keysOuter(1.0f + t), keysInner(t), keysInner(1.0f - t), keysOuter(2.0f - t)};
  Taps taps;
  Expr sum = 0.0f;
  for (int k = 0; k < 4; ++k) {
    Expr i = base - 1 + k;
    raw[k] = select(i >= 0 && i < (int)in, raw[k], 0.0f);
    sum = sum + raw[k];
    taps.index.push_back(clamp(i, 0, (int)in - 1));
  }
  Expr normalize = abs(sum) >= 1000.0f * FLT_MIN;
  for (int k = 0; k < 4; ++k)
    taps.weight.push_back(select(normalize, raw[k] / sum, raw[k]));
  return taps;
}

/// An axis whose taps repeat every `period` outputs, moving `step` inputs: output
/// period * k + r reads inputs step * k + lower[r] and step * k + upper[r] (clamped into
/// the image) with weight[r] (bilinear; nearest reads lower[r] alone). Found when the
/// float32 formulas above give exactly that for every output (scales in / out that
/// float32 holds: 2x and 4x up, 1/2x, 1/3x, 2/3x down; nearest 3x up), so the result is
/// the tables' (bit for bit on finite inputs; where a phase's weight is 0, Halide folds
/// its lerp to the left tap, so an infinite right tap gives no NaN there).
struct Periodic {
  int period = 0, step = 0;
  std::vector<int> lower, upper;
  std::vector<float> weight;
};

/// The most outputs a period may span (its phases are unrolled).
constexpr int kMaxPeriod = 4;

std::optional<Periodic> periodicTaps(bool nearest, int64_t in, int64_t out, float scale) {
  int64_t g = std::gcd(in, out), period = out / g, step = in / g;
  // Coordinates past 2^24 are not exact in float32 (nor convertible to int near 2^31).
  if (period > kMaxPeriod || out < 2 * period || in > (1 << 24) || out > (1 << 24))
    return std::nullopt;
  // The unclamped taps of output o, in float32 as sourceCoordinate computes them.
  auto taps = [&](int64_t o, int &lower, int &upper, float &weight) {
    volatile float product = (float(o) + 0.5f) * scale;
    float s = nearest ? float(product) : float(product) - 0.5f;
    lower = (int)std::floor(s);
    upper = (int)std::ceil(s);
    weight = s - std::floor(s);
  };
  Periodic p;
  p.period = (int)period;
  p.step = (int)step;
  p.lower.resize(period);
  p.upper.resize(period);
  p.weight.resize(period);
  for (int64_t r = 0; r < period; ++r)
    taps(r, p.lower[r], p.upper[r], p.weight[r]);
  for (int64_t o = period; o < out; ++o) {
    int lower, upper;
    float weight;
    taps(o, lower, upper, weight);
    int64_t r = o % period, shift = (o / period) * step;
    if (lower != p.lower[r] + shift || upper != p.upper[r] + shift ||
        (!nearest && weight != p.weight[r]))
      return std::nullopt;
  }
  return p;
}

/// The periodic taps of output coordinate `o` as expressions of its phase o % period:
/// indices clamped into an image of `in` (the unclamped value marked likely, so that
/// Halide peels the clamped ends off the loop) and, for bilinear, the lerp weight.
Taps phaseTaps(const Periodic &p, Expr o, int64_t in, bool nearest) {
  Expr k = o / p.period, r = o % p.period;
  auto phases = [&](const auto &values) {
    std::vector<Expr> e(values.begin(), values.end());
    return p.period == 1 ? e[0] : mux(r, e);
  };
  auto index = [&](const std::vector<int> &offsets) {
    return clamp(likely(p.step * k + phases(offsets)), 0, (int)in - 1);
  };
  if (nearest)
    return {{index(p.lower)}, {Expr(1.0f)}};
  return {{index(p.lower), index(p.upper)}, {phases(p.weight)}};
}

/// `taps` of output coordinate `o` as tables (Funcs of `o`, added to `tables`), called
/// at `at`.
Taps tabulated(const Taps &taps, Var o, Expr at, const std::string &name,
               std::vector<Func> &tables) {
  Taps called;
  auto table = [&](Expr value, const std::string &part) {
    Func f(name + "_" + part);
    f(o) = value;
    tables.push_back(f);
    return f(at);
  };
  for (size_t k = 0; k < taps.index.size(); ++k)
    called.index.push_back(table(taps.index[k], "index" + std::to_string(k)));
  for (size_t k = 0; k < taps.weight.size(); ++k)
    called.weight.push_back(table(taps.weight[k], "weight" + std::to_string(k)));
  return called;
}

/// THE SCHEDULE: the tables at the root, then `rows` (if defined: the input rows
/// resampled along x) and `store`, parallel over rows and vectorized along the
/// channels; with fewer channels than a vector's lanes, along x with the channels
/// unrolled, or (`store` after `rows`, which only interpolates along y) along a row's
/// channels and columns as one.
void scheduleResize(Func store, Func rows, const std::vector<Func> &tables,
                    const std::vector<int64_t> &outShape, int64_t inHeight, int vectorWidth,
                    int threads) {
  for (Func table : tables)
    table.compute_root();
  int64_t channels = outShape.back();
  // dense: f reads its inputs at its own (c, x), so a row's channels and columns are
  // one vectorized loop.
  auto schedule = [&](Func f, std::vector<int64_t> shape, bool dense) {
    vectorizeAndParallelize(f, f, shape, vectorWidth, threads);
    if (channels >= vectorWidth)
      return;
    Var c = f.args()[0], x = f.args()[1], cx("cx");
    if (dense && channels * shape[2] >= vectorWidth)
      f.bound(c, 0, (int)channels)
          .fuse(c, x, cx)
          .vectorize(cx, vectorWidth, TailStrategy::GuardWithIf);
    else
      vectorizeAlongWidth(f, channels, shape[2], vectorWidth);
  };
  if (rows.defined()) {
    rows.compute_root();
    std::vector<int64_t> rowShape = outShape;
    rowShape[1] = inHeight;
    schedule(rows, rowShape, false);
  }
  schedule(store, outShape, rows.defined());
}

/// THE SCHEDULE of the periodic resampling (few channels, both axes periodic): bands of
/// output rows in parallel, each computing the input rows it reads resampled along x
/// (`rows`) into a buffer that stays in cache, its columns split into periods,
/// vectorized along the periods with the channels and phases unrolled (strided loads
/// and interleaved stores, no gathers); the output vectorized along a row's channels
/// and columns as one.
void schedulePeriodic(Func store, Func rows, int period, const std::vector<int64_t> &outShape,
                      int vectorWidth, int threads) {
  std::vector<Var> args = store.args();
  Var c = args[0], x = args[1], y = args[2], band("band"), cx("cx");
  int64_t height = outShape[1], width = outShape[2], channels = outShape[3];
  if (channels * width >= vectorWidth)
    store.bound(c, 0, (int)channels)
        .fuse(c, x, cx)
        .vectorize(cx, vectorWidth, TailStrategy::GuardWithIf);
  // Bands of at most 32 rows: their resampled input rows (about 32 * step / period + 2
  // of width * channels floats) stay in L2.
  ParallelSplit split =
      parallelSplit(double(height * width * channels), height, 1, threads, kMinTaskElements);
  int rowsPerBand = (int)std::min<int64_t>(split.rowsPerTask, 32);
  store.split(y, band, y, rowsPerBand, TailStrategy::GuardWithIf);
  if (height > rowsPerBand)
    store.parallel(band);
  else if (outShape[0] != 1)
    store.parallel(args[3]); // one band per image: the images in parallel
  // rows(c, x = period * k + phase): k vectorized, the channels and phases unrolled.
  std::vector<Var> rowArgs = rows.args();
  Var rc = rowArgs[0], rx = rowArgs[1], k("k"), phase("phase");
  rows.compute_at(store, band);
  rows.bound(rc, 0, (int)channels).bound(rx, 0, (int)width);
  if (period > 1)
    rows.split(rx, k, phase, period).reorder(rc, phase, k).unroll(phase);
  else
    k = rx;
  rows.unroll(rc);
  if (width / period >= vectorWidth)
    rows.vectorize(k, vectorWidth, TailStrategy::ShiftInwards);
}
} // namespace

LayerFuncs defineStep(const ResizeLayer &layer, const StepInputs &in) {
  Var c("c"), x("x"), y("y"), n("n"), o("o");
  const TensorInfo &input = in.value(layer.input), &output = in.value(layer.output);
  ImageInfo image = input.image();
  Func src = imageView(in.funcs[0]);
  int64_t H = image.height, W = image.width;
  // TensorFlow's scale: in / out in float32.
  float scaleY = float(H) / float(layer.size[0]), scaleX = float(W) / float(layer.size[1]);
  LayerFuncs f;
  std::vector<Func> tables;
  auto axisTaps = [&](Expr at, int64_t extent, float scale, const char *axis) {
    Taps taps = layer.method == ResizeLayer::Method::Nearest    ? nearestTaps(o, extent, scale)
                : layer.method == ResizeLayer::Method::Bilinear ? bilinearTaps(o, extent, scale)
                                                                : bicubicTaps(o, extent, scale);
    return tabulated(taps, o, at, layer.name + "_" + axis, tables);
  };
  using Method = ResizeLayer::Method;
  // Few channels, bilinear or nearest, both axes periodic: the taps as expressions of
  // the phase (dense vector loads instead of gathers), rows resampled in bands.
  bool nearest = layer.method == Method::Nearest;
  std::optional<Periodic> px, py;
  // KCONV_TEST_RESIZE_TABLES=1 keeps the tables (test/e2e/resizing.test compares the two
  // paths' outputs byte for byte).
  bool tablesOnly = std::getenv("KCONV_TEST_RESIZE_TABLES") != nullptr;
  if (image.channels < 8 && layer.method != Method::Bicubic && !tablesOnly) {
    px = periodicTaps(nearest, W, layer.size[1], scaleX);
    py = periodicTaps(nearest, H, layer.size[0], scaleY);
  }
  bool periodic = px && py;
  Taps ty = periodic ? phaseTaps(*py, y, H, nearest) : axisTaps(y, H, scaleY, "y");
  Taps tx = periodic ? phaseTaps(*px, x, W, nearest) : axisTaps(x, W, scaleX, "x");
  Func resized(layer.name), rows;
  // Few channels, upscaled along y (or periodic, in bands): each input row resampled
  // along x once, into `rows`.
  bool resampleRows =
      periodic || (image.channels < 8 && layer.size[0] >= H && layer.method != Method::Bicubic);
  if (layer.method == Method::Nearest) {
    if (resampleRows) {
      rows = Func(layer.name + "_rows");
      rows(c, x, y, n) = src(c, tx.index[0], y, n);
      resized(c, x, y, n) = rows(c, x, ty.index[0], n);
    } else {
      resized(c, x, y, n) = src(c, tx.index[0], ty.index[0], n);
    }
  } else if (layer.method == Method::Bilinear) {
    auto row = [&](Expr yi) {
      Expr left = src(c, tx.index[0], yi, n), right = src(c, tx.index[1], yi, n);
      return left + (right - left) * tx.weight[0];
    };
    Expr top = row(ty.index[0]), bottom = row(ty.index[1]);
    if (resampleRows) {
      rows = Func(layer.name + "_rows");
      rows(c, x, y, n) = row(y);
      top = rows(c, x, ty.index[0], n);
      bottom = rows(c, x, ty.index[1], n);
    }
    resized(c, x, y, n) = top + (bottom - top) * ty.weight[0];
  } else {
    Expr value = 0.0f;
    for (int kx = 0; kx < 4; ++kx) {
      Expr column = 0.0f; // along y first, then x, as TF
      for (int ky = 0; ky < 4; ++ky)
        column = column + src(c, tx.index[kx], ty.index[ky], n) * ty.weight[ky];
      value = value + column * tx.weight[kx];
    }
    resized(c, x, y, n) = value;
  }
  f.result = resized;
  std::vector<int64_t> outShape = output.shape;
  int period = periodic ? px->period : 0;
  f.schedule = [=](Func store, int vectorWidth, int threads) {
    if (period)
      schedulePeriodic(store, rows, period, outShape, vectorWidth, threads);
    else
      scheduleResize(store, rows, tables, outShape, H, vectorWidth, threads);
  };
  return f;
}

} // namespace kconv::codegen
