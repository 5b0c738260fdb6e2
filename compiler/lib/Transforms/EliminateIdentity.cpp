// --kconv-eliminate-identity: inference-time identities and dead layers removed.
#include "kconv/Transforms/Passes.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVELIMINATEIDENTITY
#include "kconv/Transforms/Passes.h.inc"

namespace {
struct EliminateIdentityPass : impl::KconvEliminateIdentityBase<EliminateIdentityPass> {
  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    for (Operation &op : llvm::make_early_inc_range(body)) {
      auto identity = dyn_cast<IdentityOp>(op);
      auto transpose = dyn_cast<TransposeOp>(op);
      bool isIdentity = identity || (transpose && transpose.isIdentity() &&
                                     transpose.getInput().getType() ==
                                         transpose.getOutput().getType());
      if (!isIdentity)
        continue;
      op.getResult(0).replaceAllUsesWith(op.getOperand(0));
      op.erase();
    }
    // Dead layers (and their weights), last first so producers become dead in turn.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
      bool removable = isa<KconvDialect>(op.getDialect()) || isa<arith::ConstantOp>(op);
      if (removable && op.use_empty())
        op.erase();
    }
  }
};
} // namespace
} // namespace kconv::dialect
