// Keras's attention masks on attention scores: an entry kept by every mask given
// (non-zero) and, if causal, with key <= query, is the score; every other entry is
// the score + -1e9, added in float32 as Keras's Softmax adds (1 - mask) * -1e9, or 0
// (zeroMasked: probabilities, as Keras 3.10+'s Softmax zeroes them).
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h). Schedule: the common one
// of non-convolution steps (scheduleLayer); not fusable (several inputs): computed
// whole, between the scores' batch_matmul and the softmax.
#include "Layers.h"

namespace kconv::codegen {

using namespace Halide;

LayerFuncs defineStep(const AttentionMaskLayer &layer, const StepInputs &in) {
  // Scores (batch, heads, queries, keys): Halide (s, t, h, n).
  Var s("s"), t("t"), h("h"), n("n");
  size_t next = 1; // in.funcs: the scores, then the masks given, in the layer's order
  Expr keep = Internal::const_true();
  if (layer.queryMask >= 0)
    keep = keep && in.funcs[next++](t, n) != 0.f;
  if (layer.valueMask >= 0)
    keep = keep && in.funcs[next++](s, n) != 0.f;
  if (layer.keyMask >= 0)
    keep = keep && in.funcs[next++](s, n) != 0.f;
  if (layer.attentionMask >= 0)
    keep = keep && in.funcs[next++](s, t, n) != 0.f;
  if (layer.causal)
    keep = keep && s <= t;
  Expr score = in.funcs[0](s, t, h, n);
  LayerFuncs f;
  f.result = Func(layer.name);
  f.result(s, t, h, n) = select(keep, score, layer.zeroMasked ? Expr(0.f) : score + -1e9f);
  return f;
}

} // namespace kconv::codegen
