// Keras regularizer penalties and constraint checks against hand-computed values.
#include "kconv/Keras/Regularizers.h"

#include "KerasValues.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace kconv::keras;
using namespace kconv::keras::testing;

TEST(Regularizers, StringFormsUseKerasDefaults) {
  Regularizer r;
  ASSERT_TRUE(parseRegularizer(text("l1_l2"), r).isOk());
  EXPECT_EQ(r.l1, 0.01);
  EXPECT_EQ(r.l2, 0.01);
  ASSERT_TRUE(parseRegularizer(object("L1L2", {{"l2", number(0.5)}}), r).isOk());
  EXPECT_EQ(r.l1, 0.0); // the class defaults to 0
  std::string why;
  EXPECT_DOUBLE_EQ(*regularizerPenalty(r, {2}, {1, -3}, why), 0.5 * 10);
}

TEST(Regularizers, OrthogonalPenaltyMatchesKerasFormula) {
  Regularizer r;
  ASSERT_TRUE(parseRegularizer(object("OrthogonalRegularizer", {{"factor", number(1)}}), r).isOk());
  std::string why;
  // Rows (1, 0) and (1, 1)/sqrt(2): |cos| = 1/sqrt(2); one pair; factor * 0.5 * 2|cos| / 1.
  std::optional<double> p = regularizerPenalty(r, {2, 2}, {1, 0, 1, 1}, why);
  ASSERT_TRUE(p.has_value());
  EXPECT_NEAR(*p, 1 / std::sqrt(2.0), 1e-12);
  EXPECT_FALSE(regularizerPenalty(r, {1, 1, 2, 2}, {1, 0, 1, 1}, why).has_value());
  EXPECT_NE(why.find("2-D"), std::string::npos);
}

TEST(Constraints, NormsOverAxes) {
  // Kernel (2, 1, 1, 2): filter 0 = (3, 4) -> norm 5; filter 1 = (0, 1) -> norm 1.
  std::vector<int64_t> shape = {2, 1, 1, 2};
  std::vector<float> w = {3, 0, 4, 1};
  std::string detail;
  Constraint c;
  ASSERT_TRUE(parseConstraint(object("MaxNorm", {{"max_value", number(5)}, {"axis", ints({0, 1, 2})}}), c).isOk());
  EXPECT_EQ(constraintHolds(c, shape, w, detail), std::optional<bool>(true));
  EXPECT_EQ(detail, "norms in [1, 5]");
  ASSERT_TRUE(parseConstraint(object("UnitNorm", {{"axis", ints({-4})}}), c).isOk());
  EXPECT_EQ(constraintHolds(c, shape, w, detail), std::optional<bool>(false));
  ASSERT_TRUE(parseConstraint(object("MinMaxNorm", {{"min_value", number(1)}, {"max_value", number(5)},
                                                   {"axis", ints({0})}}), c).isOk());
  EXPECT_EQ(constraintHolds(c, shape, w, detail), std::optional<bool>(true));
  ASSERT_TRUE(parseConstraint(object("UnitNorm", {{"axis", ints({7})}}), c).isOk());
  EXPECT_FALSE(constraintHolds(c, shape, w, detail).has_value());
  EXPECT_NE(detail.find("out of range"), std::string::npos);
  ASSERT_TRUE(parseConstraint(text("non_neg"), c).isOk());
  EXPECT_EQ(constraintHolds(c, {2}, {0.5f, -0.25f}, detail), std::optional<bool>(false));
  EXPECT_EQ(detail, "smallest value -0.25");
}

TEST(Constraints, RejectsBadArguments) {
  Constraint c;
  EXPECT_NE(parseConstraint(object("MinMaxNorm", {{"min_value", number(3)}, {"max_value", number(2)}}), c)
                .message()
                .find("'min_value' exceeds 'max_value'"),
            std::string::npos);
  EXPECT_EQ(parseConstraint(text("positive"), c).message(),
            "unknown constraint 'positive' (expected max_norm, min_max_norm, non_neg or unit_norm)");
}

} // namespace
