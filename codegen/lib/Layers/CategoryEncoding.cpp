// CategoryEncoding: ids to one-hot rows, or per sample to multi-hot or count rows. THE
// ALGORITHM on Funcs in Halide order (see LayerFuncs.h): the output's innermost
// dimension is the token, the others the input's (one-hot), or the input's without its
// innermost, a sample's ids, which an RDom reduces (multi-hot: the maximum of the
// matches, count: their sum). An id that is not in [0, tokens) after Keras's
// truncation (NaN included) fails the pipeline through Halide's `require`, as Keras's
// range assertion does. Schedule: the common one of non-convolution steps
// (scheduleLayer); the step is not fusable (always computed whole).
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const CategoryEncodingLayer &layer, const StepInputs &in) {
  using Mode = CategoryEncodingLayer::Mode;
  const TensorInfo &info = in.value(layer.input);
  int outRank = layer.replaceLast ? info.rank() : info.rank() + 1;
  TensorVars v(outRank);
  std::vector<Var> outer = v.halide();
  Var token = outer.front();
  outer.erase(outer.begin()); // the output's other dimensions, Halide order
  std::vector<Expr> at(outer.begin(), outer.end());
  std::optional<RDom> ids;
  if (layer.mode != Mode::OneHot) {
    ids = RDom(0, (int)info.shape.back(), layer.name + "_r");
    at.insert(at.begin(), (*ids).x);
  } else if (layer.replaceLast) {
    at.insert(at.begin(), Expr(0));
  }
  Expr x = in.funcs[0](at);
  std::string message = "CategoryEncoding layer '" + layer.name + "': an id is outside [0, " +
                        std::to_string(layer.tokens) + "):";
  Expr id = require(x > -1.0f && x < float(layer.tokens), cast<int>(x), message, x);
  Expr hit = select(id == token, 1.0f, 0.0f);
  LayerFuncs f;
  f.result = Func(layer.name);
  f.result(v.halide()) = layer.mode == Mode::OneHot    ? hit
                         : layer.mode == Mode::MultiHot ? maximum(hit)
                                                        : sum(hit);
  f.hostOnly = true; // (the id check reports its error)
  return f;
}

} // namespace kconv::codegen
