// Internal: the Halide algorithm of one Conv2D (Layers/Conv2D.cpp), kept apart from its
// schedule (Conv2DSchedule.h), and the layer properties both read.
#ifndef KCONV_CODEGEN_LAYERS_CONV2D_H
#define KCONV_CODEGEN_LAYERS_CONV2D_H

#include "../LayerFuncs.h"
#include "Activation.h"
#include "kconv/Codegen/PipelinePlan.h"

#include <Halide.h>

namespace kconv::codegen {

/// Funcs are in logical (c, x, y, n) order: channels innermost, as in NHWC memory.
struct Conv2DFuncs {
  Halide::Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
  Halide::Func input;  // the layer's input, zero outside the image when padding is used
  Halide::Func conv;   // bias + sum of products (pure definition + one update)
  Halide::Func result; // activation(conv)
  Halide::RDom r;      // (input channel in group, kx, ky), or (kx, ky) for depthwise
  int inChannels = 0;  // channels of `input`
  bool depthwise = false;
  bool padded = false;  // `input` applies a zero boundary condition
  bool staged = false;  // `input` is a copy the schedule computes (Conv2DAlgorithmHints)
  bool softmax = false; // result reduces over a whole axis of conv
  // Winograd's form (Conv2DWinograd.cpp), when `winograd` is 2 or 4: conv is then a pure
  // function of `outputRows` and the reduction (r: input channels) is in `products`.
  int winograd = 0;
  int winogradRows = 0; // output rows of a tile: winograd, or 1 for a 1x3 kernel
  Halide::Var tileX{"tile_x"}, tileY{"tile_y"}, freqX{"freq_x"}, freqY{"freq_y"},
      tapRow{"tap_row"};
  Halide::Func inputRows;   // (c, freqX, row, tileX, tileY, n): B^T along each input row
  Halide::Func transformed; // (c, freqX, freqY, tileX, tileY, n): B^T d B
  Halide::Func products;    // (f, freqX, freqY, tileX, tileY, n): sum over c of U . V
  Halide::Func outputRows;  // (f, col, freqY, tileX, tileY, n): A^T along each row of M
};

/// Whether a layer pads its input (top, bottom, left, right padding).
inline bool hasPadding(const std::array<int64_t, 4> &padding) {
  for (int64_t p : padding)
    if (p != 0)
      return true;
  return false;
}

/// A reduction of more than 25 multiply-adds per output (dense layers, not depthwise or
/// single-input-channel ones, whose few taps' weights stay in registers).
inline bool hasDenseReduction(const Conv2DLayer &layer) {
  return layer.kernelValues.size() / layer.filters > 25;
}

/// Input channels each filter reads (1: depthwise, or a single input channel; the
/// algorithm's reduction is then the kernel taps alone, with no columns to trim).
inline int64_t inputChannelsPerGroup(const Conv2DLayer &layer) {
  return int64_t(layer.kernelValues.size()) / (layer.filters * layer.kernel[0] * layer.kernel[1]);
}

/// Weights of 1 MB or more (half of a 2 MB L2, all of a 512 KB one twice over):
/// streamed from L3 again for every band of rows unless channel blocks are the
/// outermost loop.
inline bool hasLargeWeights(const Conv2DLayer &layer) {
  return layer.kernelValues.size() * sizeof(float) >= (1u << 20);
}

/// The share of (output column, kernel column) pairs whose input column lies in the
/// zero padding: multiply-adds a schedule without `trimColumns` spends on zeros (14
/// columns, 3x3, 'same': 2 of 42 pairs, 4.8%).
inline double paddedColumnShare(const Conv2DLayer &layer, int64_t inWidth, int64_t outWidth) {
  int64_t kernelWidth = layer.kernel[1], padded = 0;
  for (int64_t x = 0; x < outWidth; ++x)
    for (int64_t k = 0; k < kernelWidth; ++k) {
      int64_t ix = x * layer.strides[1] - layer.padding[2] + k * layer.dilation[1];
      padded += ix < 0 || ix >= inWidth;
    }
  return outWidth > 0 ? double(padded) / double(outWidth * kernelWidth) : 0.0;
}

/// Where a layer's weights come from: constants embedded in the code (what kconvc
/// ships), or parameters bound at run time (the tuner: compiling megabytes of
/// constants costs seconds per candidate).
struct LayerWeights {
  Halide::Func kernel; // (f, ci, kx, ky)
  Halide::Func bias;   // (f), undefined without bias
};
/// `packBlock` > 1: weights pre-packed for channel blocks of that many filters; they go
/// where `sink` says. With `winograd` = m (2 or 4), `kernel` is the transformed
/// (f, ci, freqX, freqY) of F(m x m, 3 x 3) instead, packed in blocks of `packBlock`
/// (which divides the filters).
LayerWeights layerWeights(const Conv2DLayer &layer, int64_t cinPerGroup, WeightSink *sink,
                          int packBlock = 0, int winograd = 0);

/// Output rows of a Winograd tile F(m, 3) of `layer`: m, or 1 for a kernel of one row
/// (a Conv1D's 1x3, transformed along the columns only).
inline int winogradTileRows(const Conv2DLayer &layer, int m) {
  return layer.kernel[0] == 1 ? 1 : m;
}

/// The transformed weights G g G^T of F(m x m, 3 x 3) (of F(1 x m, 1 x 3) for a 1x3
/// kernel), computed in double precision: (f % block, ci, freqX, freqY, f / block).
Halide::Buffer<float> winogradWeights(const Conv2DLayer &layer, int64_t inChannels, int m,
                                      int block);


/// What the schedule tells the algorithm: the same numbers either way, a different
/// form for Halide's loop partitioning.
struct Conv2DAlgorithmHints {
  /// A dense convolution skips the kernel columns on zero padding (the schedule must
  /// unroll the tile's columns and the kernel columns, see Conv2DSchedule::trimColumns).
  bool trimColumns = false;
  /// The padded input is copied (staged) before the convolution reads it.
  bool stagedInput = false;
  /// 2 or 4: Winograd's F(m x m, 3 x 3) (the weights are then transformed ones).
  int winograd = 0;
};

/// Defines `f.conv` (and the stages before it) in Winograd's form F(m x m, 3 x 3) on top
/// of `f.input`, with the transformed `kernel` (layerWeights) and `bias` (may be
/// undefined).
void defineWinogradConv(Conv2DFuncs &f, const Conv2DLayer &layer, const ImageInfo &in,
                        Halide::Func kernel, Halide::Func bias, int m);

/// Defines the layer's Funcs on top of `input` and, when defined, `residual` (both
/// in logical order, sizes from the plan).
Conv2DFuncs defineConv2D(const Conv2DLayer &layer, const ImageInfo &in, const ImageInfo &out,
                         Halide::Func input, Halide::Func residual, const LayerWeights &weights,
                         const Conv2DAlgorithmHints &hints = {});

} // namespace kconv::codegen

#endif
