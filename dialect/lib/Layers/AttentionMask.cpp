// kconv.attention_mask (Keras's attention masks on attention scores): shape inference
// and checks.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult AttentionMaskOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  if (failed(requireRank(*this, getScores(), 4, "the scores")))
    return failure();
  ArrayRef<int64_t> scores = shapeOf(getScores());
  if (!getQueryMask() && !getValueMask() && !getKeyMask() && !getAttentionMask() &&
      !getCausal())
    return emitError() << "masks nothing: give a mask or causal = true";
  // Each mask's axes, as axes of the scores (batch 0, queries 2, keys 3).
  struct Mask {
    Value value;
    const char *what;
    SmallVector<int64_t, 3> axes;
  };
  Mask masks[] = {{getQueryMask(), "query_mask", {0, 2}},
                  {getValueMask(), "value_mask", {0, 3}},
                  {getKeyMask(), "key_mask", {0, 3}},
                  {getAttentionMask(), "attention_mask", {0, 2, 3}}};
  for (const Mask &m : masks) {
    if (!m.value)
      continue;
    if (failed(requireRank(*this, m.value, m.axes.size(), m.what)))
      return failure();
    ArrayRef<int64_t> mask = shapeOf(m.value);
    for (size_t i = 0; i < m.axes.size(); ++i)
      if (!mergeDim(mask[i], scores[m.axes[i]]))
        return emitError() << m.what << " " << formatShape(mask)
                           << " does not match the scores " << formatShape(scores)
                           << " (batch, heads, queries, keys)";
  }
  shape.assign(scores.begin(), scores.end());
  return success();
}
