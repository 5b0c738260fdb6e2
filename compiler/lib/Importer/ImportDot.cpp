// Keras Dot: the batched dot product of two inputs along one axis of each, as Keras's
// batch_dot computes it: x with its contracted axis moved last and its other axes
// flattened (batch, M, K), y with its contracted axis moved first (batch, K, N), one
// kconv.batch_matmul, then x's remaining axes followed by y's ((batch, 1) when none
// remain). `normalize` L2-normalizes each input along its axis first (kconv.unit_norm).
#include "Importer.h"

namespace kconv::dialect {

LogicalResult Importer::importDot(const keras::Layer &layer, const keras::DotConfig &dot) {
  if (failed(expectInputs(layer, 2)))
    return failure();
  Value operands[2] = {input(layer, 0), input(layer, 1)};
  int64_t axes[2];
  for (int i = 0; i < 2; ++i) {
    ArrayRef<int64_t> shape = shapeOf(operands[i]);
    int64_t rank = shape.size();
    if (rank < 2 || llvm::any_of(shape.drop_front(), ShapedType::isDynamic))
      return error(layer) << "input " << i << " " << formatShape(shape)
                          << " is not (batch, ...) of rank 2 or more with known sizes";
    // Keras takes a negative axis modulo the input's rank.
    axes[i] = dot.axes[i] < 0 ? dot.axes[i] + rank : dot.axes[i];
    if (axes[i] < 1 || axes[i] >= rank)
      return error(layer) << "'axes' " << dot.axes[i] << " is not a non-batch axis of input "
                          << i << " " << formatShape(shape);
  }
  ArrayRef<int64_t> xs = shapeOf(operands[0]), ys = shapeOf(operands[1]);
  if (xs[axes[0]] != ys[axes[1]])
    return error(layer) << "the inputs' axes " << axes[0] << " and " << axes[1] << " differ: "
                        << formatShape(xs) << " and " << formatShape(ys);
  if (dot.normalize) {
    // tf.linalg.l2_normalize's 1e-12 (Keras 2); Keras 3's ops.normalize clamps the
    // norm at epsilon 1e-7, the squared norm at 1e-14.
    double floor = model.kerasVersion.rfind("2.", 0) == 0 ? 1e-12 : 1e-14;
    for (int i = 0; i < 2; ++i) {
      FailureOr<Value> unit = createLayerOp<UnitNormOp>(
          layer, operands[i], builder.getDenseI64ArrayAttr({axes[i]}),
          builder.getF64FloatAttr(floor));
      if (failed(unit))
        return failure();
      operands[i] = *unit;
    }
  }
  int64_t batch = xs[0], depth = xs[axes[0]];
  // Moves axis `from` of v to position `to` (the others keep their order).
  auto moveAxis = [&](Value v, int64_t from, int64_t to) -> FailureOr<Value> {
    int64_t rank = shapeOf(v).size();
    if (from == to)
      return v;
    SmallVector<int64_t> perm;
    for (int64_t d = 0; d < rank; ++d)
      if (d != from)
        perm.push_back(d);
    perm.insert(perm.begin() + to, from);
    return createLayerOp<TransposeOp>(layer, v, builder.getDenseI64ArrayAttr(perm));
  };
  SmallVector<int64_t> kept; // the result's axes after the batch
  int64_t rows = 1, columns = 1;
  for (int64_t d = 1; d < int64_t(xs.size()); ++d)
    if (d != axes[0]) {
      kept.push_back(xs[d]);
      rows *= xs[d];
    }
  for (int64_t d = 1; d < int64_t(ys.size()); ++d)
    if (d != axes[1]) {
      kept.push_back(ys[d]);
      columns *= ys[d];
    }
  FailureOr<Value> x = moveAxis(operands[0], axes[0], xs.size() - 1);
  FailureOr<Value> y = moveAxis(operands[1], axes[1], 1);
  if (failed(x) || failed(y))
    return failure();
  Value lhs = reshapeTo(layer, *x, {batch, rows, depth}, "/lhs");
  Value rhs = reshapeTo(layer, *y, {batch, depth, columns}, "/rhs");
  FailureOr<Value> product =
      createLayerOp<BatchMatMulOp>(layer, lhs, rhs, builder.getBoolAttr(false),
                                   builder.getBoolAttr(false), builder.getBoolAttr(false));
  if (failed(product))
    return failure();
  if (kept.empty())
    kept.push_back(1);
  return failure(
      failed(createLayerOp<ReshapeOp>(layer, *product, builder.getDenseI64ArrayAttr(kept))));
}

} // namespace kconv::dialect
