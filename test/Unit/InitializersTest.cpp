// Keras initializers, tested statistically: bounds, mean and variance of large draws
// against Keras's formulas (fans of a conv kernel include the receptive field).
#include "kconv/Keras/Initializers.h"

#include "KerasValues.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace {

using kconv::keras::Value;
using namespace kconv::keras::testing;

struct Stats {
  double mean = 0, variance = 0, minimum = 1e300, maximum = -1e300;
};

Stats draw(const std::optional<Value> &spec, const std::vector<int64_t> &shape,
           uint64_t seed = 1) {
  std::vector<float> values;
  kconv::Status status = kconv::keras::initializeTensor(spec, "glorot_uniform", shape, seed, values);
  EXPECT_TRUE(status.isOk()) << status.message();
  Stats s;
  for (float v : values) {
    s.mean += v;
    s.minimum = std::min<double>(s.minimum, v);
    s.maximum = std::max<double>(s.maximum, v);
  }
  s.mean /= double(values.size());
  for (float v : values)
    s.variance += (v - s.mean) * (v - s.mean);
  s.variance /= double(values.size());
  return s;
}

// A conv kernel (KH, KW, Cin, F) = (3, 3, 32, 64): fan_in 288, fan_out 576.
const std::vector<int64_t> kKernel = {3, 3, 32, 64};
constexpr double kFanIn = 288, kFanOut = 576, kFanAvg = 432;

TEST(Initializers, FansIncludeTheReceptiveField) {
  auto [fanIn, fanOut] = kconv::keras::computeFans(kKernel);
  EXPECT_EQ(fanIn, kFanIn);
  EXPECT_EQ(fanOut, kFanOut);
  EXPECT_EQ(kconv::keras::computeFans({7}).first, 7);
}

TEST(Initializers, UniformFamiliesHaveKerasLimits) {
  struct Case {
    std::string name;
    double limit;
  } cases[] = {{"glorot_uniform", std::sqrt(6 / (kFanIn + kFanOut))},
               {"GlorotUniform", std::sqrt(6 / (kFanIn + kFanOut))},
               {"he_uniform", std::sqrt(6 / kFanIn)},
               {"lecun_uniform", std::sqrt(3 / kFanIn)}};
  for (const Case &c : cases) {
    Stats s = draw(text(c.name), kKernel);
    EXPECT_GE(s.minimum, -c.limit) << c.name;
    EXPECT_LE(s.maximum, c.limit) << c.name;
    EXPECT_GT(s.maximum, 0.99 * c.limit) << c.name; // the whole range is used
    EXPECT_NEAR(s.mean, 0, 0.02 * c.limit) << c.name;
    EXPECT_NEAR(s.variance, c.limit * c.limit / 3, 0.03 * c.limit * c.limit / 3) << c.name;
  }
}

TEST(Initializers, TruncatedNormalFamiliesHaveKerasVariance) {
  // Variance scale / n; samples beyond 2 (pre-correction) stddevs are redrawn.
  struct Case {
    std::string name;
    double variance;
  } cases[] = {{"glorot_normal", 1 / kFanAvg}, {"he_normal", 2 / kFanIn}, {"lecun_normal", 1 / kFanIn}};
  for (const Case &c : cases) {
    Stats s = draw(text(c.name), kKernel);
    double bound = 2 * std::sqrt(c.variance) / 0.87962566103423978;
    EXPECT_GE(s.minimum, -bound) << c.name;
    EXPECT_LE(s.maximum, bound) << c.name;
    EXPECT_NEAR(s.variance, c.variance, 0.04 * c.variance) << c.name;
    EXPECT_NEAR(s.mean, 0, 0.02 * std::sqrt(c.variance)) << c.name;
  }
}

TEST(Initializers, VarianceScalingModesAndDistributions) {
  Stats fanOut = draw(object("VarianceScaling", {{"scale", number(3)}, {"mode", text("fan_out")},
                                                {"distribution", text("untruncated_normal")}}),
                      kKernel);
  EXPECT_NEAR(fanOut.variance, 3 / kFanOut, 0.04 * 3 / kFanOut);
  EXPECT_LT(fanOut.minimum, -2.2 * std::sqrt(3 / kFanOut)); // not truncated
  Stats uniform = draw(object("VarianceScaling", {{"scale", number(0.5)}, {"mode", text("fan_avg")},
                                                 {"distribution", text("uniform")}}),
                       kKernel);
  EXPECT_LE(uniform.maximum, std::sqrt(3 * 0.5 / kFanAvg));
  EXPECT_NEAR(uniform.variance, 0.5 / kFanAvg, 0.03 * 0.5 / kFanAvg);
}

TEST(Initializers, SimpleDistributionsUseTheirArguments) {
  Stats normal = draw(object("RandomNormal", {{"mean", number(1.5)}, {"stddev", number(0.2)}}), kKernel);
  EXPECT_NEAR(normal.mean, 1.5, 0.005);
  EXPECT_NEAR(normal.variance, 0.04, 0.0015);
  Stats uniform = draw(object("RandomUniform", {{"minval", number(-2)}, {"maxval", number(1)}}), kKernel);
  EXPECT_GE(uniform.minimum, -2);
  EXPECT_LE(uniform.maximum, 1);
  EXPECT_NEAR(uniform.mean, -0.5, 0.02);
  Stats truncated = draw(object("TruncatedNormal", {{"stddev", number(0.1)}}), kKernel);
  EXPECT_GE(truncated.minimum, -0.2);
  EXPECT_LE(truncated.maximum, 0.2);
  // Keras defaults: RandomNormal(0, 0.05).
  Stats defaults = draw(text("random_normal"), kKernel);
  EXPECT_NEAR(defaults.variance, 0.0025, 0.0001);
  Stats constant = draw(object("Constant", {{"value", number(0.25)}}), {4});
  EXPECT_EQ(constant.minimum, 0.25);
  EXPECT_EQ(constant.maximum, 0.25);
  EXPECT_EQ(draw(text("ones"), {3}).minimum, 1);
  EXPECT_EQ(draw(std::nullopt, {3}, 1).variance > 0, true); // default glorot_uniform here
}

TEST(Initializers, OrthogonalColumnsAreOrthonormal) {
  std::vector<float> w;
  std::vector<int64_t> shape = {3, 3, 4, 8}; // 36 x 8
  ASSERT_TRUE(kconv::keras::initializeTensor(object("Orthogonal", {{"gain", number(2)}}), "",
                                             shape, 5, w).isOk());
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) {
      double dot = 0;
      for (int r = 0; r < 36; ++r)
        dot += double(w[r * 8 + a]) * w[r * 8 + b];
      EXPECT_NEAR(dot, a == b ? 4.0 : 0.0, 1e-4) << a << "," << b;
    }
}

TEST(Initializers, SeedsAreReproducibleAndDistinct) {
  std::vector<float> a, b, c;
  kconv::keras::initializeTensor(text("he_normal"), "", {3, 3, 2, 4}, 42, a);
  kconv::keras::initializeTensor(text("he_normal"), "", {3, 3, 2, 4}, 42, b);
  kconv::keras::initializeTensor(text("he_normal"), "", {3, 3, 2, 4}, 43, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Initializers, RejectsUnknownAndInapplicable) {
  std::vector<float> w;
  kconv::Status unknown = kconv::keras::initializeTensor(text("wobbly"), "", {2}, 1, w);
  EXPECT_EQ(unknown.message(), "unknown initializer 'wobbly'");
  kconv::Status identity = kconv::keras::initializeTensor(text("Identity"), "", kKernel, 1, w);
  EXPECT_NE(identity.message().find("only 2-D weights"), std::string::npos);
  kconv::Status mode = kconv::keras::initializeTensor(
      object("VarianceScaling", {{"mode", text("fan_sideways")}}), "", kKernel, 1, w);
  EXPECT_NE(mode.message().find("fan_sideways"), std::string::npos);
}

} // namespace
