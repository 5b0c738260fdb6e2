// Keras 3 AdaptiveAveragePooling2D / AdaptiveMaxPooling2D (and the 1-D layers on the
// (1, steps) view): output (x, y) reduces the input window
// [floor(y * H / OH), ceil((y + 1) * H / OH)) x [floor(x * W / OW), ceil((x + 1) * W / OW)),
// which is what Keras's two-pool gather computes (its windows are exactly these).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h); the reduction domain has
// the largest window's size, predicated to each output's own window.
// Schedule: the common one of non-convolution steps (scheduleLayer); computed whole.
#include "Conv2D.h"
#include "Layers.h"

#include <algorithm>
#include <limits>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// The largest window along an axis of `in` inputs pooled to `out`: ceil(in / out) or
/// one more, never more than the axis.
int largestWindow(int64_t in, int64_t out) {
  int64_t small = (in + out - 1) / out;
  return (int)std::min<int64_t>(in, small + (in % out != 0 ? 1 : 0));
}
} // namespace

LayerFuncs defineStep(const AdaptivePool2DLayer &layer, const StepInputs &in) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.value(layer.input).image();
  Func src = imageView(in.funcs[0]);
  int H = (int)image.height, W = (int)image.width;
  int OH = (int)layer.outputSize[0], OW = (int)layer.outputSize[1];
  // (The verifier bounds (o + 1) * size below 2^31.)
  Expr y0 = (y * H) / OH, y1 = ((y + 1) * H + OH - 1) / OH;
  Expr x0 = (x * W) / OW, x1 = ((x + 1) * W + OW - 1) / OW;
  RDom r(0, largestWindow(W, OW), 0, largestWindow(H, OH), layer.name + "_r");
  r.where(x0 + r.x < x1 && y0 + r.y < y1);
  // The predicate keeps every read inside the image; the clamp tells bounds inference
  // so (it cannot see through the predicate).
  Expr value = src(c, min(x0 + r.x, W - 1), min(y0 + r.y, H - 1), n);
  Func pooled(layer.name);
  if (layer.max)
    pooled(c, x, y, n) = maximum(value);
  else
    pooled(c, x, y, n) = sum(value) / cast<float>((y1 - y0) * (x1 - x0));
  LayerFuncs f;
  f.result = pooled;
  return f;
}

} // namespace kconv::codegen
