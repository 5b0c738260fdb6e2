// kconv.category_encoding -> a CategoryEncodingLayer.
#include "../LayerLowering.h"

namespace kconv::dialect {

LogicalResult lowerLayer(CategoryEncodingOp encoding, LayerLowering &lowering) {
  using Mode = codegen::CategoryEncodingLayer::Mode;
  int in = lowering.valueFor(encoding->getOperand(0));
  int out = lowering.valueFor(encoding->getResult(0));
  ArrayRef<int64_t> inShape = cast<RankedTensorType>(encoding.getInput().getType()).getShape();
  ArrayRef<int64_t> outShape = cast<RankedTensorType>(encoding.getType()).getShape();
  Mode mode = encoding.getMode() == CategoryEncodingMode::one_hot     ? Mode::OneHot
              : encoding.getMode() == CategoryEncodingMode::multi_hot ? Mode::MultiHot
                                                                       : Mode::Count;
  // One-hot keeps the input's rank where a last axis of 1 becomes the token axis.
  bool replaceLast = mode != Mode::OneHot || outShape.size() == inShape.size();
  lowering.plan.nodes.push_back(codegen::CategoryEncodingLayer{
      lowering.name, in, out, encoding.getNumTokens(), mode, replaceLast});
  return success();
}

} // namespace kconv::dialect
