// THE ALGORITHM of Conv2D (no scheduling here): Keras semantics on logical
// (c, x, y, n) Funcs.
#include "Conv2D.h"

#include <cstring>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// The constant weights, embedded into the object file. Keras's (KH, KW, Cin/g, F)
/// row-major order is Halide's (f, ci, kx, ky) with f innermost. With `block` > 0
/// they are pre-packed as (f % block, ci, kx, ky, f / block): the weights one
/// channel block of the schedule reads are contiguous, instead of `block` floats out
/// of every F.
Buffer<float> kernelBuffer(const Conv2DLayer &layer, int64_t cinPerGroup, int block) {
  int f = (int)layer.filters, ci = (int)cinPerGroup, kw = (int)layer.kernel[1],
      kh = (int)layer.kernel[0];
  if (block <= 0) {
    Buffer<float> kernel(f, ci, kw, kh, layer.name + "_kernel");
    std::memcpy(kernel.data(), layer.kernelValues.data(),
                layer.kernelValues.size() * sizeof(float));
    return kernel;
  }
  Buffer<float> packed({block, ci, kw, kh, f / block}, layer.name + "_kernel_packed");
  const float *src = layer.kernelValues.data();
  for (int y = 0; y < kh; ++y)
    for (int x = 0; x < kw; ++x)
      for (int c = 0; c < ci; ++c)
        for (int o = 0; o < f; ++o)
          packed(o % block, c, x, y, o / block) = src[((size_t(y) * kw + x) * ci + c) * f + o];
  return packed;
}

} // namespace

LayerWeights layerWeights(const Conv2DLayer &layer, int64_t cinPerGroup, WeightSink *sink,
                          int packBlock, int winograd) {
  LayerWeights w;
  Var f("f"), ci("ci"), kx("kx"), ky("ky");
  int block = packBlock > 1 && layer.filters % packBlock == 0 ? packBlock : 0;
  if (winograd && !block)
    block = 1;
  ConstantTensor kernel(winograd ? winogradWeights(layer, cinPerGroup, winograd, block)
                                 : kernelBuffer(layer, cinPerGroup, block),
                        sink);
  w.kernel = Func(layer.name + "_kernel_values");
  if (block)
    w.kernel(f, ci, kx, ky) = kernel(f % block, ci, kx, ky, f / block);
  else
    w.kernel(f, ci, kx, ky) = kernel(f, ci, kx, ky);
  if (!layer.biasValues.empty()) {
    ConstantTensor bias =
        constantTensor(layer.biasValues, {(int)layer.filters}, layer.name + "_bias", sink);
    w.bias = Func(layer.name + "_bias_values");
    w.bias(f) = bias(f);
  }
  return w;
}

Conv2DFuncs defineConv2D(const Conv2DLayer &layer, const ImageInfo &in, const ImageInfo &out,
                         Func input, Func residual, const LayerWeights &weights,
                         const Conv2DAlgorithmHints &hints) {
  Conv2DFuncs f;
  const std::string &name = layer.name;
  Var c = f.c, x = f.x, y = f.y, n = f.n;
  f.padded = hasPadding(layer.padding);
  f.inChannels = (int)in.channels;
  f.staged = f.padded && hints.stagedInput && !hints.winograd;
  // Winograd's tiles read zeros past the image even without padding (an output that is
  // not whole tiles): the same select, inlined into the input transform. A `likely`
  // one made Halide copy the band's whole code for its first, middle and last tiles
  // and rows (a 28x28x128 layer compiled in 2.0 s instead of 0.8).
  if (f.staged || hints.winograd) {
    // Zero outside the image, tested per element of the (small) staged copy. Halide's
    // constant_exterior marks the test `likely`, and a likely row test makes Halide split
    // the loop over bands of rows into first, middle and last versions; inside the first
    // and last it partitions nothing further, so trimmed tiles there would keep a branch
    // per border column in the input-channel loop (docs/codegen.md). Nothing here is
    // `likely`: the copy is a sliver of the work.
    Expr width = (int)in.width, height = (int)in.height;
    f.input = Func(name + "_padded");
    Expr inside = x >= 0 && x < width && y >= 0 && y < height;
    f.input(c, x, y, n) =
        select(inside, input(c, clamp(x, 0, width - 1), clamp(y, 0, height - 1), n), 0.f);
  } else if (f.padded) {
    f.input = BoundaryConditions::constant_exterior(
        input, 0.f, {Range(), Range(0, (int)in.width), Range(0, (int)in.height)});
  } else {
    f.input = input;
  }

  int64_t cinPerGroup = in.channels / layer.groups;
  int64_t filtersPerGroup = layer.filters / layer.groups;
  Func kernel = weights.kernel;
  f.depthwise = cinPerGroup == 1;

  if (hints.winograd) {
    defineWinogradConv(f, layer, in, kernel, weights.bias, hints.winograd);
  } else {
    Expr baseX = x * (int)layer.strides[1] - (int)layer.padding[2];
    Expr baseY = y * (int)layer.strides[0] - (int)layer.padding[0];
    f.conv = Func(name + "_conv");
    if (weights.bias.defined())
      f.conv(c, x, y, n) = weights.bias(c);
    else
      f.conv(c, x, y, n) = 0.f;
    if (f.depthwise) {
      // One input channel per group: (group = c / filtersPerGroup).
      f.r = RDom(0, (int)layer.kernel[1], 0, (int)layer.kernel[0], name + "_r");
      Expr ix = baseX + f.r.x * (int)layer.dilation[1];
      Expr iy = baseY + f.r.y * (int)layer.dilation[0];
      Expr ci = filtersPerGroup == 1 ? Expr(c) : c / (int)filtersPerGroup;
      f.conv(c, x, y, n) += kernel(c, 0, f.r.x, f.r.y) * f.input(ci, ix, iy, n);
    } else {
      f.r = RDom(0, (int)cinPerGroup, 0, (int)layer.kernel[1], 0, (int)layer.kernel[0],
                 name + "_r");
      Expr ix = baseX + f.r.y * (int)layer.dilation[1];
      Expr iy = baseY + f.r.z * (int)layer.dilation[0];
      Expr ci = layer.groups == 1 ? Expr(f.r.x)
                                  : (c / (int)filtersPerGroup) * (int)cinPerGroup + f.r.x;
      // Kernel rows that fall on zero padding are skipped, not multiplied by zero: Halide
      // trims the kernel-row loop of border output rows to the valid rows (9% of the
      // multiply-adds of a 14x14 3x3 layer).
      // Columns are unrolled together in a tile, so a column condition would be a branch
      // per column in the inner loop. Marked `likely`, it makes Halide partition the tile
      // loop into border and interior tiles; with the kernel columns unrolled too, each
      // condition is then a constant and the columns on padding drop out of the border
      // tiles (docs/codegen.md has the measurements).
      if (f.padded) {
        Expr rows = iy >= 0 && iy < (int)in.height;
        f.r.where(hints.trimColumns ? rows && likely(ix >= 0) && likely(ix < (int)in.width)
                                    : rows);
      }
      f.conv(c, x, y, n) += kernel(c, f.r.x, f.r.y, f.r.z) * f.input(ci, ix, iy, n);
    }
  }

  // The fused epilogue: a following Add's other input, before the activation.
  Func pre = f.conv;
  if (residual.defined()) {
    pre = Func(name + "_plus_residual");
    pre(c, x, y, n) = f.conv(c, x, y, n) + residual(c, x, y, n);
  }
  f.result = Func(name);
  if (!isAxisActivation(layer.activation)) {
    f.result(c, x, y, n) = applyActivation(layer.activation, pre(c, x, y, n));
    return f;
  }
  // softmax / log_softmax over the channels (Keras's axis=-1 of NHWC).
  f.softmax = true;
  RDom axis(0, (int)out.channels, name + "_axis");
  Func maxima(name + "_max"), sums(name + "_sum");
  // The reduced Funcs drop the reduced variable: (x, y, n).
  maxima(x, y, n) = maximum(pre(axis, x, y, n));
  Expr shifted = pre(c, x, y, n) - maxima(x, y, n);
  sums(x, y, n) = sum(exp(pre(axis, x, y, n) - maxima(x, y, n)));
  if (layer.activation == "softmax")
    f.result(c, x, y, n) = exp(shifted) / sums(x, y, n);
  else
    f.result(c, x, y, n) = shifted - log(sums(x, y, n));
  return f;
}

} // namespace kconv::codegen
