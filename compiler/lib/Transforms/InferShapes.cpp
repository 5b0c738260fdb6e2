// --kconv-infer-shapes: every kconv result refined from its operands, in order.
#include "kconv/Transforms/Passes.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVINFERSHAPES
#include "kconv/Transforms/Passes.h.inc"

namespace {
struct InferShapesPass : impl::KconvInferShapesBase<InferShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    WalkResult walk = func.walk([&](Operation *op) {
      bool failed = false;
      std::optional<SmallVector<int64_t>> shape = tryInferShape(op, failed);
      if (failed)
        return WalkResult::interrupt();
      if (!shape)
        return WalkResult::advance();
      // Keep what the IR already knew where inference cannot tell.
      auto current = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (current && current.getRank() == (int64_t)shape->size())
        for (size_t i = 0; i < shape->size(); ++i)
          if (ShapedType::isDynamic((*shape)[i]))
            (*shape)[i] = current.getDimSize(i);
      op->getResult(0).setType(RankedTensorType::get(*shape, Float32Type::get(op->getContext())));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                   ret.getOperandTypes()));
  }
};
} // namespace
} // namespace kconv::dialect
