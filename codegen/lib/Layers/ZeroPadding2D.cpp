// ZeroPadding2D left unfolded: a view, zero outside the input.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: none, a view is read through by its readers (the common one, scheduleLayer,
// when it is a model output).
#include "Conv2D.h"
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineZeroPadding2D(const ZeroPadding2DLayer &layer, const TensorInfo &in, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  if (hasPadding(layer.padding))
    src = BoundaryConditions::constant_exterior(
        src, 0.f, {Range(), Range(0, (int)image.width), Range(0, (int)image.height)});
  Func shifted(layer.name);
  shifted(c, x, y, n) = src(c, x - (int)layer.padding[2], y - (int)layer.padding[0], n);
  return shifted;
}
} // namespace

LayerFuncs defineStep(const ZeroPadding2DLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineZeroPadding2D(layer, in.value(layer.input), in.funcs[0]);
  f.view = true;
  return f;
}

} // namespace kconv::codegen
