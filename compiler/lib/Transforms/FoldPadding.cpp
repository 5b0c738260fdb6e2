// --kconv-fold-padding: ZeroPadding2D folded into the following conv2d.
#include "kconv/Transforms/Passes.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVFOLDPADDING
#include "kconv/Transforms/Passes.h.inc"

namespace {
struct FoldPaddingPass : impl::KconvFoldPaddingBase<FoldPaddingPass> {
  void runOnOperation() override {
    getOperation().walk([](Conv2DOp conv) {
      auto pad = conv.getInput().getDefiningOp<ZeroPad2DOp>();
      if (!pad || pad.getDataFormat() != conv.getDataFormat())
        return;
      // The convolution's own padding is relative to the padded input ('same'
      // included), so resolve it before the input changes.
      FailureOr<SmallVector<int64_t, 4>> own = conv.getResolvedPadding();
      if (failed(own))
        return;
      SmallVector<int64_t, 4> total;
      for (int i = 0; i < 4; ++i)
        total.push_back((*own)[i] + pad.getPadding()[i]);
      conv.setExplicitPadding(total);
      conv.getInputMutable().assign(pad.getInput());
      if (pad->use_empty())
        pad.erase();
    });
  }
};
} // namespace
} // namespace kconv::dialect
