// kconv.transpose (Keras Permute, the layout pass's conversions): shape inference and
// folding.
#include "OpChecks.h"

using namespace mlir;
using namespace kconv::dialect;
using namespace kconv::dialect::detail;

LogicalResult TransposeOp::inferResultShape(SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> in = shapeOf(getInput()), perm = getPermutation();
  if (perm.size() != in.size())
    return emitError() << "'permutation' has " << perm.size() << " entries for an input of rank "
                       << in.size();
  SmallVector<bool> seen(in.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitError() << "'permutation' is not a permutation of the input dimensions";
    seen[p] = true;
  }
  if (perm[0] != 0)
    return emitError() << "'permutation' must keep the batch dimension first";
  shape.clear();
  for (int64_t p : perm)
    shape.push_back(in[p]);
  return success();
}

namespace {
bool isIdentityPermutation(ArrayRef<int64_t> perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != (int64_t)i)
      return false;
  return true;
}
} // namespace

bool TransposeOp::isIdentity() { return isIdentityPermutation(getPermutation()); }

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (isIdentity())
    return getInput();
  // transpose(transpose(x, inner), outer) = transpose(x, inner o outer).
  auto inner = getInput().getDefiningOp<TransposeOp>();
  if (!inner)
    return {};
  SmallVector<int64_t> composed;
  for (int64_t p : perm)
    composed.push_back(inner.getPermutation()[p]);
  if (isIdentityPermutation(composed) && inner.getInput().getType() == getType())
    return inner.getInput();
  getInputMutable().assign(inner.getInput());
  setPermutation(composed);
  return getResult();
}
