// The seam between the MLIR compiler and Halide codegen: a whole model as plain C++
// structs (no MLIR, LLVM or Halide types). compiler/lib/Conversion fills it from the
// kconv dialect; codegen/lib turns it into a Halide pipeline.
#ifndef KCONV_CODEGEN_PIPELINEPLAN_H
#define KCONV_CODEGEN_PIPELINEPLAN_H

#include "kconv/Codegen/Schedule.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kconv::codegen {

/// A 4-D tensor flowing through the pipeline, described logically as
/// (batch, height, width, channels) in the data_format it was produced in
/// (`channelsFirst`: its memory order is NCHW); the batch is dynamic unless set.
struct ValueInfo {
  std::optional<int64_t> batch;
  int64_t height = 0, width = 0, channels = 0;
  bool channelsFirst = false;

  /// How a layer with the other data_format sees the same memory: Keras layers
  /// interpret a tensor by their own data_format, whatever produced it.
  ValueInfo reinterpreted() const {
    ValueInfo v = *this;
    v.channelsFirst = !channelsFirst;
    if (channelsFirst) // NCHW read as NHWC: H' = C, W' = H, C' = W
      v.height = channels, v.width = height, v.channels = width;
    else // NHWC read as NCHW: C' = H, H' = W, W' = C
      v.channels = height, v.height = width, v.width = channels;
    return v;
  }
};

/// A model input or output at the pipeline boundary, in the model's own layout.
struct BoundaryTensor {
  std::string name;   // Keras layer name
  int value = -1;     // index into PipelinePlan::values
  bool channelsFirst = false;
};

/// One Keras Conv2D with its weights and resolved padding.
struct Conv2DLayer {
  std::string name;
  int input = -1, output = -1; // value indices
  std::array<int64_t, 2> kernel{1, 1}, strides{1, 1}, dilation{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
  int64_t groups = 1;
  int64_t filters = 1;
  bool channelsFirst = false; // the layer's own data_format (how it reads its input)
  std::string activation = "linear"; // canonical kconv activation name
  std::vector<float> kernelValues;   // (KH, KW, Cin / groups, filters), row-major
  std::vector<float> biasValues;     // empty without bias
  std::optional<Conv2DSchedule> schedule; // forced schedule; default heuristic otherwise
};

struct PipelinePlan {
  std::string name; // C identifier used for emitted symbols
  /// "" (kconv's schedules), or a Halide 14 autoscheduler used as a baseline:
  /// "Adams2019", "Mullapudi2016" or "Li2018", run with `autoschedulerParallelism`.
  std::string autoscheduler;
  int autoschedulerParallelism = 1;
  /// Weights as run-time parameters instead of embedded constants (the tuner's JIT).
  bool weightsAsParams = false;
  std::vector<ValueInfo> values;
  std::vector<BoundaryTensor> inputs, outputs;
  std::vector<Conv2DLayer> layers; // in execution order
};

} // namespace kconv::codegen

#endif
