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
// Schedule (scheduleResize): computed whole (not fusable: it gathers 1, 4 or 16 input
// pixels per output), parallel over rows, vectorized along the channels, or along x
// with the channels unrolled when they are fewer than a vector's lanes.
#include "Layers.h"

#include <cfloat>

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
  Taps ty = axisTaps(y, H, scaleY, "y"), tx = axisTaps(x, W, scaleX, "x");
  Func resized(layer.name), rows;
  using Method = ResizeLayer::Method;
  // Few channels, upscaled along y: each input row resampled along x once, into `rows`.
  bool resampleRows = image.channels < 8 && layer.size[0] >= H && layer.method != Method::Bicubic;
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
  f.schedule = [=](Func store, int vectorWidth, int threads) {
    scheduleResize(store, rows, tables, outShape, H, vectorWidth, threads);
  };
  return f;
}

} // namespace kconv::codegen
