// --kconv-resolve-padding: explicit per-side padding for every conv2d with a static
// spatial input size.
#include "kconv/Transforms/Passes.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVRESOLVEPADDING
#include "kconv/Transforms/Passes.h.inc"

namespace {
struct ResolvePaddingPass : impl::KconvResolvePaddingBase<ResolvePaddingPass> {
  void runOnOperation() override {
    getOperation().walk([](Conv2DOp conv) {
      if (conv.getExplicitPadding())
        return;
      FailureOr<SmallVector<int64_t, 4>> pads = conv.getResolvedPadding();
      if (succeeded(pads))
        conv.setExplicitPadding(*pads);
    });
  }
};
} // namespace
} // namespace kconv::dialect
