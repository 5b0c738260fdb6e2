#include "kconv/Keras/Initializers.h"

#include "KerasError.h"
#include "kconv/Keras/KerasLoader.h"

#include <cmath>
#include <map>
#include <random>

namespace kconv::keras {

std::pair<double, double> computeFans(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return {1, 1};
  if (shape.size() == 1)
    return {double(shape[0]), double(shape[0])};
  double receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    receptive *= double(shape[i]);
  return {double(shape[shape.size() - 2]) * receptive, double(shape.back()) * receptive};
}

namespace {

/// The config of a serialized initializer, with its canonical snake_case name.
struct Spec {
  std::string name;
  std::map<std::string, Value> config;

  double number(const std::string &key, double fallback) const {
    auto it = config.find(key);
    if (it == config.end() || it->second.kind == Value::Kind::Null)
      return fallback;
    if (it->second.kind == Value::Kind::Int)
      return double(it->second.integer);
    if (it->second.kind == Value::Kind::Float)
      return it->second.number;
    throw KerasError("initializer '" + name + "': '" + key + "' must be a number");
  }
  std::string text(const std::string &key, const std::string &fallback) const {
    auto it = config.find(key);
    if (it == config.end() || it->second.kind == Value::Kind::Null)
      return fallback;
    if (it->second.kind != Value::Kind::String)
      throw KerasError("initializer '" + name + "': '" + key + "' must be a string");
    return it->second.string;
  }
};

Spec parseSpec(const std::optional<Value> &value, const std::string &defaultName) {
  Spec spec;
  if (!value || value->kind == Value::Kind::Null) {
    spec.name = defaultName;
  } else if (value->kind == Value::Kind::String) {
    spec.name = value->string;
  } else if (value->kind == Value::Kind::Dict) {
    for (const auto &[key, item] : value->dict) {
      if (key == "class_name" && item.kind == Value::Kind::String)
        spec.name = item.string;
      if (key == "config" && item.kind == Value::Kind::Dict)
        for (const auto &[k, v] : item.dict)
          spec.config[k] = v;
    }
  }
  if (spec.name.empty())
    throw KerasError("initializer is neither a name nor a serialized object");
  spec.name = kerasSnakeCase(spec.name);
  static const std::map<std::string, std::string> aliases = {
      {"zero", "zeros"}, {"one", "ones"}, {"normal", "random_normal"},
      {"uniform", "random_uniform"}, {"glorot_uniform", "glorot_uniform"}};
  if (auto it = aliases.find(spec.name); it != aliases.end())
    spec.name = it->second;
  return spec;
}

double truncatedNormal(std::mt19937_64 &rng, double mean, double stddev) {
  std::normal_distribution<double> normal(0.0, 1.0);
  for (;;) { // Keras/TensorFlow redraw samples beyond two standard deviations
    double z = normal(rng);
    if (std::abs(z) <= 2.0)
      return mean + stddev * z;
  }
}

/// VarianceScaling: the variance scale / n with n from `mode`.
void varianceScaling(const std::vector<int64_t> &shape, double scale, const std::string &mode,
                     std::string distribution, std::mt19937_64 &rng, std::vector<float> &out) {
  auto [fanIn, fanOut] = computeFans(shape);
  double n;
  if (mode == "fan_in")
    n = fanIn;
  else if (mode == "fan_out")
    n = fanOut;
  else if (mode == "fan_avg")
    n = (fanIn + fanOut) / 2;
  else
    throw KerasError("variance_scaling: mode must be fan_in, fan_out or fan_avg, got '" + mode +
                     "'");
  if (scale <= 0)
    throw KerasError("variance_scaling: scale must be positive");
  n = std::max(1.0, n);
  if (distribution == "normal") // Keras 2's name for the truncated normal
    distribution = "truncated_normal";
  if (distribution == "truncated_normal") {
    // Constant from TensorFlow: stddev of a unit normal truncated to [-2, 2].
    double stddev = std::sqrt(scale / n) / 0.87962566103423978;
    for (float &v : out)
      v = float(truncatedNormal(rng, 0, stddev));
  } else if (distribution == "untruncated_normal") {
    std::normal_distribution<double> normal(0, std::sqrt(scale / n));
    for (float &v : out)
      v = float(normal(rng));
  } else if (distribution == "uniform") {
    double limit = std::sqrt(3 * scale / n);
    std::uniform_real_distribution<double> uniform(-limit, limit);
    for (float &v : out)
      v = float(uniform(rng));
  } else {
    throw KerasError("variance_scaling: unknown distribution '" + distribution + "'");
  }
}

/// Orthogonal: QR of a normal matrix (rows = all but the last dimension).
void orthogonal(const std::vector<int64_t> &shape, double gain, std::mt19937_64 &rng,
                std::vector<float> &out) {
  if (shape.size() < 2)
    throw KerasError("orthogonal: needs a weight of rank >= 2");
  int64_t cols = shape.back();
  int64_t rows = int64_t(out.size()) / cols;
  int64_t m = std::max(rows, cols), k = std::min(rows, cols);
  std::normal_distribution<double> normal(0, 1);
  // q: k orthonormal columns of length m, by modified Gram-Schmidt (sign-fixed as
  // Keras multiplies Q by sign(diag(R))).
  std::vector<std::vector<double>> q(k, std::vector<double>(m));
  for (int64_t j = 0; j < k; ++j) {
    for (double &v : q[j])
      v = normal(rng);
    for (int64_t i = 0; i < j; ++i) {
      double dot = 0;
      for (int64_t r = 0; r < m; ++r)
        dot += q[i][r] * q[j][r];
      for (int64_t r = 0; r < m; ++r)
        q[j][r] -= dot * q[i][r];
    }
    double norm = 0;
    for (double v : q[j])
      norm += v * v;
    norm = std::sqrt(norm);
    for (double &v : q[j])
      v /= norm;
  }
  // (rows, cols) row-major: columns of Q when rows >= cols, else its transpose.
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = float(gain * (rows >= cols ? q[c][r] : q[r][c]));
}

} // namespace

Status initializeTensor(const std::optional<Value> &value, const std::string &defaultName,
                        const std::vector<int64_t> &shape, uint64_t seed,
                        std::vector<float> &out) {
  try {
    Spec spec = parseSpec(value, defaultName);
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    out.assign(size_t(count), 0.0f);
    std::mt19937_64 rng(seed);
    const std::string &n = spec.name;
    if (n == "zeros") {
    } else if (n == "ones") {
      std::fill(out.begin(), out.end(), 1.0f);
    } else if (n == "constant") {
      std::fill(out.begin(), out.end(), float(spec.number("value", 0)));
    } else if (n == "random_normal") {
      std::normal_distribution<double> normal(spec.number("mean", 0), spec.number("stddev", 0.05));
      for (float &v : out)
        v = float(normal(rng));
    } else if (n == "random_uniform") {
      std::uniform_real_distribution<double> uniform(spec.number("minval", -0.05),
                                                     spec.number("maxval", 0.05));
      for (float &v : out)
        v = float(uniform(rng));
    } else if (n == "truncated_normal") {
      double mean = spec.number("mean", 0), stddev = spec.number("stddev", 0.05);
      for (float &v : out)
        v = float(truncatedNormal(rng, mean, stddev));
    } else if (n == "variance_scaling") {
      varianceScaling(shape, spec.number("scale", 1), spec.text("mode", "fan_in"),
                      spec.text("distribution", "truncated_normal"), rng, out);
    } else if (n == "glorot_uniform" || n == "glorot_normal" || n == "he_uniform" ||
               n == "he_normal" || n == "lecun_uniform" || n == "lecun_normal") {
      bool uniform = n.size() > 8 && n.compare(n.size() - 7, 7, "uniform") == 0;
      double scale = n.rfind("he_", 0) == 0 ? 2.0 : 1.0;
      std::string mode = n.rfind("glorot", 0) == 0 ? "fan_avg" : "fan_in";
      varianceScaling(shape, scale, mode, uniform ? "uniform" : "truncated_normal", rng, out);
    } else if (n == "orthogonal") {
      orthogonal(shape, spec.number("gain", 1), rng, out);
    } else if (n == "identity") {
      if (shape.size() != 2)
        throw KerasError("identity: only 2-D weights can be identity-initialized, this one has "
                         "rank " + std::to_string(shape.size()));
      double gain = spec.number("gain", 1);
      for (int64_t i = 0; i < std::min(shape[0], shape[1]); ++i)
        out[size_t(i * shape[1] + i)] = float(gain);
    } else {
      throw KerasError("unknown initializer '" + n + "'");
    }
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

} // namespace kconv::keras
