// --kconv-convert-layout: channels_first layers computed channels_last, with
// transposes that cancel between consecutive layers.
#include "kconv/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kconv {
#define GEN_PASS_DEF_KCONVCONVERTLAYOUT
#include "kconv/Transforms/Passes.h.inc"

namespace {
constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};

Value transpose(OpBuilder &builder, Location loc, Value input, ArrayRef<int64_t> perm) {
  auto op = builder.create<TransposeOp>(loc, UnrankedTensorType::get(builder.getF32Type()),
                                        input, builder.getDenseI64ArrayAttr(perm));
  bool failed = false;
  op.getResult().setType(
      RankedTensorType::get(*tryInferShape(op, failed), builder.getF32Type()));
  return op.getResult();
}

/// Rewrites one channels_first layer op in place; true if it was one.
bool convertToChannelsLast(Operation *op) {
  auto format = op->getAttrOfType<DataFormatAttr>("data_format");
  if (!format || format.getValue() != DataFormat::channels_first)
    return false;
  // A fused softmax runs over the layer's last axis (the width, channels_first): it
  // would change meaning in the other layout.
  if (auto activation = op->getAttrOfType<ActivationAttr>("activation"))
    if (activation.getValue() == Activation::softmax ||
        activation.getValue() == Activation::log_softmax)
      return false;
  OpBuilder builder(op);
  Location loc = op->getLoc();
  // The image operands (input, and a conv2d's residual) are read channels_last.
  op->setOperand(0, transpose(builder, loc, op->getOperand(0), kToChannelsLast));
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && conv.getResidual())
    conv.getResidualMutable().assign(
        transpose(builder, loc, conv.getResidual(), kToChannelsLast));
  op->setAttr("data_format", DataFormatAttr::get(op->getContext(), DataFormat::channels_last));
  Value result = op->getResult(0);
  Type original = result.getType();
  bool failed = false;
  result.setType(RankedTensorType::get(*tryInferShape(op, failed), builder.getF32Type()));
  if (auto pool = dyn_cast<GlobalPool2DOp>(op); pool && !pool.getKeepdims())
    return true; // (N, C) either way
  builder.setInsertionPointAfter(op);
  Value back = transpose(builder, loc, result, kToChannelsFirst);
  assert(back.getType() == original && "layout conversion changed the layer's shape");
  (void)original;
  result.replaceAllUsesExcept(back, back.getDefiningOp());
  return true;
}

struct ConvertLayoutPass : impl::KconvConvertLayoutBase<ConvertLayoutPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (isa<Conv2DOp, Conv2DTransposeOp, Pool2DOp, GlobalPool2DOp, ZeroPad2DOp, Crop2DOp,
              UpSample2DOp>(op))
        layers.push_back(op);
    });
    bool changed = false;
    for (Operation *op : layers)
      changed |= convertToChannelsLast(op);
    // Transpose pairs fold away (TransposeOp::fold); dead ones are erased.
    if (changed && failed(applyPatternsAndFoldGreedily(func, RewritePatternSet(&getContext()))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace mlir::kconv
