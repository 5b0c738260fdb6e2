// The InferShapeOpInterface plumbing shared by the verifiers, the importer and
// --kconv-infer-shapes.
#include "kconv/Dialect/KconvOps.h"

using namespace mlir;

#include "kconv/Dialect/KconvInterfaces.cpp.inc"

namespace kconv::dialect {

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += i ? ", " : "";
    text += ShapedType::isDynamic(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return text + ")";
}

std::optional<SmallVector<int64_t>> tryInferShape(Operation *op, bool &failed) {
  failed = false;
  auto infer = dyn_cast<InferShapeOpInterface>(op);
  if (!infer)
    return std::nullopt;
  for (Value operand : op->getOperands())
    if (!isa<RankedTensorType>(operand.getType()))
      return std::nullopt;
  SmallVector<int64_t> shape;
  if (mlir::failed(infer.inferResultShape(shape))) {
    failed = true;
    return std::nullopt;
  }
  // The shape functions use checked arithmetic; a negative size here would be a bug in
  // one of them, and must never reach a tensor type.
  for (int64_t d : shape)
    if (d < 0 && !ShapedType::isDynamic(d)) {
      op->emitError() << "inferred the invalid shape " << formatShape(shape);
      failed = true;
      return std::nullopt;
    }
  return shape;
}

LogicalResult verifyInferredShape(Operation *op) {
  bool inferFailed = false;
  std::optional<SmallVector<int64_t>> inferred = tryInferShape(op, inferFailed);
  if (inferFailed)
    return failure();
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!inferred || !result)
    return success();
  ArrayRef<int64_t> actual = result.getShape();
  bool compatible = actual.size() == inferred->size();
  for (size_t i = 0; compatible && i < actual.size(); ++i)
    compatible = ShapedType::isDynamic(actual[i]) || ShapedType::isDynamic((*inferred)[i]) ||
                 actual[i] == (*inferred)[i];
  if (!compatible)
    return op->emitOpError() << "result shape " << formatShape(actual)
                             << " does not match the inferred shape " << formatShape(*inferred);
  return success();
}

} // namespace kconv::dialect
