// kconv.attention_mask -> an AttentionMaskLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(AttentionMaskOp op, LayerLowering &lowering) {
  auto valueOrNone = [&](Value v) { return v ? lowering.valueFor(v) : -1; };
  codegen::AttentionMaskLayer layer;
  layer.name = lowering.name;
  layer.scores = lowering.valueFor(op.getScores());
  layer.queryMask = valueOrNone(op.getQueryMask());
  layer.valueMask = valueOrNone(op.getValueMask());
  layer.keyMask = valueOrNone(op.getKeyMask());
  layer.attentionMask = valueOrNone(op.getAttentionMask());
  layer.output = lowering.valueFor(op->getResult(0));
  layer.causal = op.getCausal();
  layer.zeroMasked = op.getZeroMasked();
  lowering.plan.nodes.push_back(std::move(layer));
  return success();
}

} // namespace kconv::dialect
