// kconv.embedding -> an EmbeddingLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(EmbeddingOp embedding, LayerLowering &lowering) {
  int in = lowering.valueFor(embedding->getOperand(0));
  int out = lowering.valueFor(embedding->getResult(0));
  ArrayRef<int64_t> table = cast<RankedTensorType>(embedding.getTable().getType()).getShape();
  FailureOr<std::vector<float>> values = lowering.weights(embedding, embedding.getTable(), "table");
  if (failed(values))
    return failure();
  lowering.plan.nodes.push_back(
      codegen::EmbeddingLayer{lowering.name, in, out, table[0], table[1], std::move(*values)});
  return success();
}

} // namespace kconv::dialect
