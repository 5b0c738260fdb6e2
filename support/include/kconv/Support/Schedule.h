// How one Conv2D is computed (its Halide schedule as plain data), when such a schedule
// is legal for a layer, and its text form. The one definition used by the dialect's
// verifier, the tuner's search space, the tuning database and the emitter.
#ifndef KCONV_SUPPORT_SCHEDULE_H
#define KCONV_SUPPORT_SCHEDULE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kconv {

/// How one Conv2D is computed. The output is tiled `tileX` wide in x and
/// `vectors * vectorWidth` deep in output channels; a tile's accumulators stay in
/// registers while the reduction (input channels x kernel taps) runs.
struct Conv2DSchedule {
  enum class Vectorize { Channels, Width };
  Vectorize vectorize = Vectorize::Channels; // which output dimension fills SIMD lanes
  int vectorWidth = 8;  // lanes (from the Halide target)
  int vectors = 1;      // SIMD vectors per tile in the vectorized dimension
  int tileX = 1;        // output columns per tile (unrolled), when vectorizing channels
  int tileY = 1;        // output rows per tile (unrolled)
  bool parallel = true; // distribute rows x batch over threads
  bool stageInput = false; // copy the zero-padded input per band of rows
  bool channelsOuter = false; // output-channel blocks outermost (weights stay cached)
  bool trimColumns = false;   // skip the kernel columns that fall on zero padding
  bool unrollTaps = false;    // unroll a taps-only reduction (one input channel per group)
  /// 0: direct. 2 or 4: Winograd F(m x m, 3 x 3), a 3x3 stride-1 convolution computed
  /// on tiles of m x m outputs as (m+2)^2 products over the input channels, one per
  /// transformed tap (a 1x3 kernel: F(1 x m, 1 x 3), m+2 products); `vectors` x `tileX`
  /// is then the register tile of those products (channel vectors x Winograd tiles)
  /// and `tileY` is 1.
  int winograd = 0;

  /// The text form, the `#kconv.schedule<...>` attribute's syntax as MLIR prints it
  /// (trim_columns and unroll_taps only when true, winograd when not 0): what the tuning
  /// database stores.
  std::string str() const;
  bool operator==(const Conv2DSchedule &o) const {
    return vectorize == o.vectorize && vectorWidth == o.vectorWidth && vectors == o.vectors &&
           tileX == o.tileX && tileY == o.tileY && parallel == o.parallel &&
           stageInput == o.stageInput && channelsOuter == o.channelsOuter &&
           trimColumns == o.trimColumns && unrollTaps == o.unrollTaps &&
           winograd == o.winograd;
  }
  bool operator!=(const Conv2DSchedule &o) const { return !(*this == o); }
};

/// What a schedule's legality depends on in its layer. A negative extent is unknown
/// (dynamic): the checks that need it pass.
struct ConvShape {
  int64_t inChannels = -1;
  int64_t groups = 1;
  int64_t outHeight = -1, outWidth = -1, outChannels = -1;
  int64_t kernelHeight = -1, kernelWidth = -1;
  int64_t strideHeight = -1, strideWidth = -1, dilationHeight = -1, dilationWidth = -1;
};

/// The checks of a schedule alone, on its raw fields (as parsed: a value may be out of
/// range): a message when they fail. The `#kconv.schedule` attribute's verifier.
std::optional<std::string> scheduleFieldsError(std::string_view vectorize, int64_t vectorWidth,
                                               int64_t vectors, int64_t tileX, int64_t tileY,
                                               bool channelsOuter, bool trimColumns);

/// The checks of the `winograd` field against the others (0, 2 or 4; with Winograd,
/// channel vectors, one row per tile and none of the direct form's flags).
std::optional<std::string> winogradFieldsError(int64_t winograd, std::string_view vectorize,
                                               int64_t tileY, bool stageInput,
                                               bool channelsOuter, bool trimColumns,
                                               bool unrollTaps);

/// Why `schedule` is not legal on its own (nullopt: it is).
std::optional<std::string> scheduleError(const Conv2DSchedule &schedule);

/// Why `schedule` is not legal for a layer of `shape` (nullopt: it is): its own checks,
/// then those that need the layer (the flags that need one input channel per group or
/// more, every tile within the output, which codegen splits by the tile; Winograd needs
/// a 3x3 or 1x3 stride-1 undilated kernel, one group of several input channels, and filters
/// in whole channel blocks).
std::optional<std::string> scheduleError(const Conv2DSchedule &schedule, const ConvShape &shape);

/// Parses the text form (`str()`; the fields in any order, trim_columns and unroll_taps
/// optional). Nullopt when the text is not a schedule; then `problem`, if given, holds
/// the legality message when the text was well formed but its values are not legal.
std::optional<Conv2DSchedule> parseSchedule(std::string_view text, std::string *problem = nullptr);

/// How one Conv2D is computed on a GPU (codegen/lib/GpuSchedule.cpp): each thread
/// accumulates a register tile of `tileC` output channels x `tileX` columns x `tileY`
/// rows over the whole reduction; a block holds `threadsC` x `threadsX` threads, along
/// the channels and the columns; the rows and images are the blocks' third dimension.
struct GpuConvSchedule {
  int tileC = 1, tileX = 1, tileY = 1;
  int threadsC = 32, threadsX = 1;

  /// The text form: `#kconv.gpu_schedule<tile_c = 1, tile_x = 2, tile_y = 2,
  /// threads_c = 32, threads_x = 1>`, what schedule files hold.
  std::string str() const;
  bool operator==(const GpuConvSchedule &o) const {
    return tileC == o.tileC && tileX == o.tileX && tileY == o.tileY &&
           threadsC == o.threadsC && threadsX == o.threadsX;
  }
  bool operator!=(const GpuConvSchedule &o) const { return !(*this == o); }
};

/// At most this many accumulators per thread: with the input and weight values in
/// flight they stay within the 64 registers Halide's CUDA runtime lets a kernel use.
constexpr int kGpuMaxAccumulators = 32;

/// Why `schedule` is not legal for a layer of `shape` (nullopt: it is): every field at
/// least 1, the tile within kGpuMaxAccumulators and within the output (codegen shifts
/// the last tile inwards), the threads powers of two, at most 1024 in a block.
std::optional<std::string> gpuScheduleError(const GpuConvSchedule &schedule,
                                            const ConvShape &shape = {});

/// Parses the text form (`str()`, the fields in any order, all present). Nullopt when
/// the text is not one; then `problem`, if given, holds the legality message when the
/// text was well formed but its values are not legal.
std::optional<GpuConvSchedule> parseGpuSchedule(std::string_view text,
                                                std::string *problem = nullptr);

} // namespace kconv

#endif
