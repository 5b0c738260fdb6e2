// --kconv-fuse-epilogue: residual Add and activation fused into conv2d (and the
// activation into dense).
#include "kconv/Transforms/Passes.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVFUSEEPILOGUE
#include "kconv/Transforms/Passes.h.inc"

namespace {
/// The linear, not yet fused producer `value` comes from, if its only user is the
/// op being fused.
Operation *fusableProducer(Value value, bool allowDense) {
  Operation *producer = value.getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return nullptr;
  if (auto conv = dyn_cast<Conv2DOp>(producer))
    return conv.getActivation() == Activation::linear ? producer : nullptr;
  if (auto dense = dyn_cast<DenseOp>(producer); dense && allowDense)
    return dense.getActivation() == Activation::linear ? producer : nullptr;
  return nullptr;
}

void fuseAdd(MergeOp add) {
  if (add.getKind() != MergeKind::add || add.getInputs().size() != 2)
    return;
  for (int i = 0; i < 2; ++i) {
    auto conv = dyn_cast_or_null<Conv2DOp>(fusableProducer(add.getInputs()[i], false));
    Value other = add.getInputs()[1 - i];
    if (!conv || conv.getResidual() || other.getType() != conv.getOutput().getType() ||
        other == conv.getOutput())
      continue;
    // `other` is defined before the Add: so is everything the moved conv reads.
    conv->moveBefore(add);
    conv.getResidualMutable().assign(other);
    add.getOutput().replaceAllUsesWith(conv.getOutput());
    add.erase();
    return;
  }
}

void fuseActivation(ActivationOp act) {
  if (!act.isPlainActivation())
    return;
  Operation *producer = fusableProducer(act.getInput(), true);
  if (!producer || producer->getResult(0).getType() != act.getOutput().getType())
    return;
  auto attr = ActivationAttr::get(act.getContext(), act.getActivation());
  if (auto conv = dyn_cast<Conv2DOp>(producer))
    conv.setActivationAttr(attr);
  else
    cast<DenseOp>(producer).setActivationAttr(attr);
  act.getOutput().replaceAllUsesWith(producer->getResult(0));
  act.erase();
}

struct FuseEpiloguePass : impl::KconvFuseEpilogueBase<FuseEpiloguePass> {
  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (isa<MergeOp, ActivationOp>(op))
        candidates.push_back(op);
    });
    // In program order, so conv -> Add -> ReLU fuses the Add first, then the ReLU.
    for (Operation *op : candidates) {
      if (auto add = dyn_cast<MergeOp>(op))
        fuseAdd(add);
      else
        fuseActivation(cast<ActivationOp>(op));
    }
  }
};
} // namespace
} // namespace kconv::dialect
