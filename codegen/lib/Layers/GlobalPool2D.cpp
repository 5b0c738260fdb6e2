// GlobalAveragePooling2D / GlobalMaxPooling2D (and 1-D), with keepdims.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineGlobalPool2D(const GlobalPool2DLayer &layer, const TensorInfo &in, const TensorInfo &out,
                        const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  RDom r(0, (int)image.width, 0, (int)image.height, layer.name + "_r");
  Func reduced(layer.name + "_reduce");
  if (layer.max)
    reduced(c, n) = maximum(src(c, r.x, r.y, n));
  else
    reduced(c, n) = sum(src(c, r.x, r.y, n)) / float(image.width * image.height);
  Func result(layer.name);
  if (out.rank() == 2)
    result(c, n) = reduced(c, n);
  else // keepdims: (n, 1, 1, c)
    result(c, x, y, n) = reduced(c, n);
  return result;
}
} // namespace

LayerFuncs defineStep(const GlobalPool2DLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineGlobalPool2D(layer, in.value(layer.input), in.value(layer.output), in.funcs[0]);
  return f;
}

} // namespace kconv::codegen
