// Keras/TensorFlow output-size and padding rules, checked against their definitions
// over a sweep of sizes.
#include "kconv/Dialect/ConvGeometry.h"

#include <gtest/gtest.h>

namespace {

using kconv::AxisPadding;

TEST(ConvGeometry, SameGivesCeilOutputWithExtraPaddingAfter) {
  for (int64_t in = 1; in <= 17; ++in)
    for (int64_t k = 1; k <= 7; ++k)
      for (int64_t s = 1; s <= 4; ++s)
        for (int64_t d = 1; d <= 3; ++d) {
          AxisPadding pad = kconv::computeAxisPadding(true, in, k, s, d);
          std::optional<int64_t> out = kconv::computeAxisOutput(in, k, s, d, pad);
          ASSERT_TRUE(out.has_value());
          EXPECT_EQ(*out, (in + s - 1) / s) << in << " " << k << " " << s << " " << d;
          EXPECT_TRUE(pad.after == pad.before || pad.after == pad.before + 1);
          // The last output's window ends exactly inside the padded input.
          int64_t lastEnd = (*out - 1) * s + (k - 1) * d + 1;
          EXPECT_LE(lastEnd, in + pad.before + pad.after);
          // ... and the padding is minimal: one unit less loses an output.
          int64_t total = pad.before + pad.after;
          if (total > 0) {
            EXPECT_LT(kconv::computeAxisOutput(in, k, s, d, {0, total - 1}).value_or(0), *out);
          }
        }
}

TEST(ConvGeometry, ValidCountsWholeWindows) {
  for (int64_t in = 1; in <= 17; ++in)
    for (int64_t k = 1; k <= 7; ++k)
      for (int64_t s = 1; s <= 4; ++s)
        for (int64_t d = 1; d <= 3; ++d) {
          std::optional<int64_t> out = kconv::computeAxisOutput(in, k, s, d, {});
          int64_t windows = 0;
          for (int64_t start = 0; start + (k - 1) * d < in; start += s)
            ++windows;
          if (windows == 0)
            EXPECT_FALSE(out.has_value());
          else
            EXPECT_EQ(out.value_or(-1), windows) << in << " " << k << " " << s << " " << d;
        }
}

TEST(ConvGeometry, TensorFlowExamples) {
  // 'same', 4 wide, kernel 2: one column of padding, on the right.
  AxisPadding p = kconv::computeAxisPadding(true, 4, 2, 1, 1);
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  // 'same', 224 wide, kernel 7, stride 2: 112 outputs, padding 2 before and 3 after.
  p = kconv::computeAxisPadding(true, 224, 7, 2, 1);
  EXPECT_EQ(p.before, 2);
  EXPECT_EQ(p.after, 3);
  // Kernel larger than the input under 'same'.
  p = kconv::computeAxisPadding(true, 2, 5, 1, 1);
  EXPECT_EQ(p.before + p.after, 4);
}

} // namespace
