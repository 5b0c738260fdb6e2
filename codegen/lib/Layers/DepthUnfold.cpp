// DepthUnfold (Conv3D's depth taps as the channels of the image a Conv2D step
// convolves): a gather of the 5-D input, zero outside it.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one (scheduleLayer): computed whole, once, so that the
// convolution reading it sees a plain image; not fusable (each input element is
// read by up to kernel_depth output positions).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineDepthUnfold(const DepthUnfoldLayer &layer, const TensorInfo &in, const Func &input) {
  const std::vector<int64_t> &s = in.shape; // (N, D, H, W, C) or (N, C, D, H, W)
  bool first = layer.channelsFirst;
  int depth = (int)s[first ? 2 : 1], height = (int)s[first ? 3 : 2];
  int groupChannels = (int)(s[first ? 1 : 4] / layer.groups);
  int taps = (int)layer.kernelDepth,
      block = (int)(layer.rowPadding[0] + height + layer.rowPadding[1]);
  Var c("c"), x("x"), y("y"), n("n");
  // Output channel (g * taps + k) * groupChannels + ci reads depth tap k of input
  // channel g * groupChannels + ci; row od * block + r reads input row r - top.
  Expr group = c / (taps * groupChannels), tap = (c / groupChannels) % taps;
  Expr channel = group * groupChannels + c % groupChannels;
  Expr z = (y / block) * (int)layer.strideDepth + tap * (int)layer.dilationDepth -
           (int)layer.depthPadding[0];
  Expr h = y % block - (int)layer.rowPadding[0];
  Expr inside = z >= 0 && z < depth && h >= 0 && h < height;
  Expr zc = clamp(z, 0, depth - 1), hc = clamp(h, 0, height - 1);
  Expr value =
      first ? callKeras(input, {n, channel, zc, hc, x}) : callKeras(input, {n, zc, hc, x, channel});
  Func unfolded(layer.name);
  unfolded(c, x, y, n) = select(inside, value, 0.f);
  return unfolded;
}
} // namespace

LayerFuncs defineStep(const DepthUnfoldLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineDepthUnfold(layer, in.value(layer.input), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
