// MaxPooling2D / AveragePooling2D (and their 1-D forms), TF's 'same' padding.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Conv2D.h"
#include "Layers.h"

#include <limits>

namespace kconv::codegen {

using namespace Halide;

namespace {
Func definePool2D(const Pool2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  bool padded = hasPadding(layer.padding);
  float outside = layer.max ? -std::numeric_limits<float>::infinity() : 0.f;
  if (padded) // TF 'same': padding never wins a max, and is not counted in a mean
    src = BoundaryConditions::constant_exterior(
        src, outside, {Range(), Range(0, (int)image.width), Range(0, (int)image.height)});
  RDom r(0, (int)layer.window[1], 0, (int)layer.window[0], layer.name + "_r");
  Expr x0 = x * (int)layer.strides[1] - (int)layer.padding[2];
  Expr y0 = y * (int)layer.strides[0] - (int)layer.padding[0];
  Expr value = src(c, x0 + r.x, y0 + r.y, n);
  Func pooled(layer.name);
  if (layer.max) {
    pooled(c, x, y, n) = maximum(value);
  } else {
    Expr rows = min(y0 + (int)layer.window[0], (int)image.height) - max(y0, 0);
    Expr cols = min(x0 + (int)layer.window[1], (int)image.width) - max(x0, 0);
    pooled(c, x, y, n) = sum(value) / cast<float>(rows * cols);
  }
  return pooled;
}
} // namespace

LayerFuncs defineStep(const Pool2DLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = definePool2D(layer, in.value(layer.input), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
