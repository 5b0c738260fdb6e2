// Schedules as data: what the emitter does with each layer, printable and testable.
#ifndef KCONV_CODEGEN_SCHEDULE_H
#define KCONV_CODEGEN_SCHEDULE_H

#include <string>

namespace kconv::codegen {

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

  std::string str() const;
  bool operator==(const Conv2DSchedule &o) const {
    return vectorize == o.vectorize && vectorWidth == o.vectorWidth && vectors == o.vectors &&
           tileX == o.tileX && tileY == o.tileY && parallel == o.parallel &&
           stageInput == o.stageInput && channelsOuter == o.channelsOuter &&
           trimColumns == o.trimColumns && unrollTaps == o.unrollTaps;
  }
  bool operator!=(const Conv2DSchedule &o) const { return !(*this == o); }
};

} // namespace kconv::codegen

#endif
