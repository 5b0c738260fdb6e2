#include "WeightValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace kconv::dialect {

std::optional<std::vector<float>> constantFloats(Value value) {
  auto constant = value ? value.getDefiningOp<arith::ConstantOp>() : arith::ConstantOp();
  if (!constant)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    if (dense.getElementType().isF32())
      return std::vector<float>(dense.getValues<float>().begin(), dense.getValues<float>().end());
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue()))
    if (std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef())
      return std::vector<float>(data->begin(), data->end());
  return std::nullopt;
}

std::string weightNamePrefix(Operation *op, StringRef fallback) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return loc.getName().str();
  return fallback.str();
}

Value createWeightConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                           StringRef name, ArrayRef<float> values) {
  auto attr = DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
  return builder.create<arith::ConstantOp>(loc, attr).getResult();
}

} // namespace kconv::dialect
