// Conv2DTranspose: each output gathers the input pixels whose taps reach it.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h).
// Schedule: the common one of non-convolution steps (scheduleLayer).
#include "Activation.h"
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineConv2DTranspose(const Conv2DTransposeLayer &layer, const StepInputs &step,
                           const TensorInfo &in, const Func &input, std::vector<Func> &stages) {
  Var c("c"), x("x"), y("y"), n("n");
  ImageInfo image = in.image();
  Func src = imageView(input);
  int cin = (int)image.channels;
  // Keras's (KH, KW, filters, Cin) row-major is Halide's (ci, f, kx, ky).
  ConstantTensor kernel = step.constant(
      layer.kernelValues, {cin, (int)layer.filters, (int)layer.kernel[1], (int)layer.kernel[0]},
      layer.name + "_kernel");
  // Gather: output o receives input i = (o + pad - k * dilation) / stride, when exact.
  RDom r(0, cin, 0, (int)layer.kernel[1], 0, (int)layer.kernel[0], layer.name + "_r");
  Expr nx = x + (int)layer.padBefore[1] - r.y * (int)layer.dilation[1];
  Expr ny = y + (int)layer.padBefore[0] - r.z * (int)layer.dilation[0];
  int sx = (int)layer.strides[1], sy = (int)layer.strides[0];
  Expr ix = nx / sx, iy = ny / sy; // Halide's division rounds down
  Expr hit = nx % sx == 0 && ny % sy == 0 && ix >= 0 && ix < (int)image.width && iy >= 0 &&
             iy < (int)image.height;
  Expr value = src(r.x, clamp(ix, 0, (int)image.width - 1), clamp(iy, 0, (int)image.height - 1), n);
  Func sum(layer.name + "_sum");
  sum(c, x, y, n) =
      layer.biasValues.empty()
          ? Expr(0.f)
          : Expr(step.constant(layer.biasValues, {(int)layer.filters}, layer.name + "_bias")(c));
  sum(c, x, y, n) += select(hit, kernel(r.x, c, r.y, r.z) * value, 0.f);
  stages.push_back(sum);
  Func result(layer.name);
  result(c, x, y, n) = applyActivation(layer.activation, sum(c, x, y, n));
  return result;
}
} // namespace

LayerFuncs defineStep(const Conv2DTransposeLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineConv2DTranspose(layer, in, in.value(layer.input), in.funcs[0], f.stages);
  return f;
}

} // namespace kconv::codegen
