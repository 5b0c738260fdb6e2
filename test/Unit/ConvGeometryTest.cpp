// Keras/TensorFlow output-size and padding rules, checked against their definitions
// over a sweep of sizes.
#include "kconv/Support/ConvGeometry.h"

#include <gtest/gtest.h>

#include <limits>

namespace {

using kconv::AxisPadding;

TEST(ConvGeometry, SameGivesCeilOutputWithExtraPaddingAfter) {
  for (int64_t in = 1; in <= 17; ++in)
    for (int64_t k = 1; k <= 7; ++k)
      for (int64_t s = 1; s <= 4; ++s)
        for (int64_t d = 1; d <= 3; ++d) {
          AxisPadding pad = kconv::computeAxisPadding(true, in, k, s, d).value();
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
  AxisPadding p = kconv::computeAxisPadding(true, 4, 2, 1, 1).value();
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  // 'same', 224 wide, kernel 7, stride 2: 112 outputs, padding 2 before and 3 after.
  p = kconv::computeAxisPadding(true, 224, 7, 2, 1).value();
  EXPECT_EQ(p.before, 2);
  EXPECT_EQ(p.after, 3);
  // Kernel larger than the input under 'same'.
  p = kconv::computeAxisPadding(true, 2, 5, 1, 1).value();
  EXPECT_EQ(p.before + p.after, 4);
}

// Sizes beyond int64 are reported (nullopt), never wrapped into small or negative sizes.
TEST(ConvGeometry, OverflowIsReportedNotWrapped) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // (3 - 1) * 2^62 + 1 and (2 - 1) * INT64_MAX + 1 overflow; (2 - 1) * (INT64_MAX - 1) + 1 fits.
  EXPECT_FALSE(kconv::dilatedKernel(3, int64_t(1) << 62));
  EXPECT_FALSE(kconv::dilatedKernel(2, kMax));
  EXPECT_EQ(kconv::dilatedKernel(2, kMax - 1), kMax);
  EXPECT_EQ(kconv::dilatedKernel(1, kMax), 1);
  // Explicit padding of 2^62 on both sides of a 4-wide input: 2^63 + 4.
  AxisPadding huge{int64_t(1) << 62, int64_t(1) << 62};
  EXPECT_FALSE(kconv::paddedSize(4, huge));
  EXPECT_FALSE(kconv::computeAxisOutput(4, 3, 1, 1, huge));
  EXPECT_EQ(kconv::paddedSize(kMax - 2, {1, 1}), kMax);
  // 'same' with a dilated kernel beyond int64, or a padding whose sum is beyond it.
  EXPECT_FALSE(kconv::computeAxisPadding(true, 4, 3, 1, int64_t(1) << 62));
  EXPECT_FALSE(kconv::computeAxisPadding(true, kMax, kMax, 1, 1));
  EXPECT_FALSE(kconv::computeAxisOutput(4, 3, 1, int64_t(1) << 62, {}));
  // Huge strides and sizes that fit: in + stride - 1 would overflow, ceil(in / stride) not.
  std::optional<AxisPadding> p = kconv::computeAxisPadding(true, kMax, 1, kMax, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->before + p->after, 0);
  EXPECT_EQ(kconv::computeAxisOutput(kMax, 1, kMax, 1, *p), 1);
  p = kconv::computeAxisPadding(true, kMax - 1, 3, 2, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(kconv::computeAxisOutput(kMax - 1, 3, 2, 1, *p), kMax / 2);
  // Valid padding, a kernel of the whole int64 range: fits exactly once.
  EXPECT_EQ(kconv::computeAxisOutput(kMax, kMax, 1, 1, {}), 1);
}

} // namespace
