// Cropping2D: a view of the input, shifted.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: none, a view is read through by its readers (the common one, scheduleLayer,
// when it is a model output).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineCropping2D(const Cropping2DLayer &layer, const Func &input) {
  Var c("c"), x("x"), y("y"), n("n");
  Func src = imageView(input);
  Func shifted(layer.name);
  shifted(c, x, y, n) = src(c, x + (int)layer.cropping[2], y + (int)layer.cropping[0], n);
  return shifted;
}
} // namespace

LayerFuncs defineStep(const Cropping2DLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineCropping2D(layer, in.funcs[0]);
  f.view = true;
  return f;
}

} // namespace kconv::codegen
