// UpSampling2D: nearest, or bilinear as TF's resize (half-pixel centers).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineUpSample2D(const UpSample2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  Func up(layer.name);
  int sh = (int)layer.size[0], sw = (int)layer.size[1];
  if (!layer.bilinear) {
    up(c, x, y, n) = src(c, x / sw, y / sh, n);
    return up;
  }
  // TF resize, half-pixel centers: source = (dst + 0.5) / scale - 0.5.
  auto axis = [](Expr dst, int scale, int size, Expr &lower, Expr &upper, Expr &frac) {
    Expr source = (cast<float>(dst) + 0.5f) / float(scale) - 0.5f;
    Expr floorSource = floor(source);
    lower = max(cast<int>(floorSource), 0);
    upper = min(cast<int>(ceil(source)), size - 1);
    frac = source - floorSource;
  };
  Expr y0, y1, fy, x0, x1, fx;
  axis(y, sh, (int)image.height, y0, y1, fy);
  axis(x, sw, (int)image.width, x0, x1, fx);
  Expr top = src(c, x0, y0, n) + (src(c, x1, y0, n) - src(c, x0, y0, n)) * fx;
  Expr bottom = src(c, x0, y1, n) + (src(c, x1, y1, n) - src(c, x0, y1, n)) * fx;
  up(c, x, y, n) = top + (bottom - top) * fy;
  return up;
}
} // namespace

LayerFuncs defineStep(const UpSample2DLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineUpSample2D(layer, in.value(layer.input), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
