// kconv.transpose (Permute, and the layout pass's NCHW <-> NHWC conversions at the
// model's boundary) -> a TransposeLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(TransposeOp transpose, LayerLowering &lowering) {
  int in = lowering.valueFor(transpose->getOperand(0));
  int out = lowering.valueFor(transpose->getResult(0));
  ArrayRef<int64_t> perm = transpose.getPermutation();
  lowering.plan.nodes.push_back(
      codegen::TransposeLayer{lowering.name, in, out, {perm.begin(), perm.end()}});
  return success();
}

} // namespace kconv::dialect
