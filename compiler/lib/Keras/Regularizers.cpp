#include "kconv/Keras/Regularizers.h"

#include "KerasError.h"
#include "kconv/Keras/KerasLoader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace kconv::keras {
namespace {

struct Serialized {
  std::string name;       // canonical snake_case
  std::string written;    // as written
  bool custom = false;
  std::map<std::string, Value> config;
};

/// Splits a serialized Keras object into name and config; marks objects registered
/// outside Keras ("registered_name": "Package>Name", or a non-Keras module) custom.
Serialized split(const Value &value, const char *what) {
  Serialized s;
  if (value.kind == Value::Kind::String) {
    s.written = value.string;
  } else if (value.kind == Value::Kind::Dict) {
    for (const auto &[key, item] : value.dict) {
      if (key == "class_name" && item.kind == Value::Kind::String)
        s.written = item.string;
      else if (key == "config" && item.kind == Value::Kind::Dict)
        for (const auto &[k, v] : item.dict)
          s.config[k] = v;
      else if (key == "registered_name" && item.kind == Value::Kind::String &&
               item.string.find('>') != std::string::npos)
        s.custom = true;
      else if (key == "module" && item.kind == Value::Kind::String &&
               item.string.rfind("keras", 0) != 0)
        s.custom = true;
    }
  }
  if (s.written.empty())
    throw KerasError(std::string(what) + " is neither a name nor a serialized object");
  s.name = kerasSnakeCase(s.written);
  return s;
}

double number(const Serialized &s, const char *key, double fallback, bool positive = false) {
  auto it = s.config.find(key);
  if (it == s.config.end() || it->second.kind == Value::Kind::Null)
    return fallback;
  double v = it->second.kind == Value::Kind::Int     ? double(it->second.integer)
             : it->second.kind == Value::Kind::Float ? it->second.number
                                                     : NAN;
  if (!(v >= 0) || (positive && v == 0))
    throw KerasError(s.written + ": '" + key + "' must be a " +
                     (positive ? "positive" : "non-negative") + " number");
  return v;
}

std::vector<int64_t> axes(const Serialized &s) {
  auto it = s.config.find("axis");
  if (it == s.config.end() || it->second.kind == Value::Kind::Null)
    return {0};
  if (it->second.kind == Value::Kind::Int)
    return {it->second.integer};
  std::vector<int64_t> result;
  if (it->second.kind == Value::Kind::List)
    for (const Value &v : it->second.list) {
      if (v.kind != Value::Kind::Int)
        throw KerasError(s.written + ": 'axis' must be an int or a list of ints");
      result.push_back(v.integer);
    }
  if (result.empty())
    throw KerasError(s.written + ": 'axis' must be an int or a list of ints");
  return result;
}

std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

/// Euclidean norms over `axes` (negative axes count from the end), one per slice.
std::vector<double> norms(const std::vector<int64_t> &shape, const std::vector<float> &values,
                          std::vector<int64_t> axesIn) {
  int rank = int(shape.size());
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axesIn) {
    int64_t axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank)
      throw KerasError("axis " + std::to_string(a) + " is out of range for a rank-" +
                       std::to_string(rank) + " weight");
    reduced[axis] = true;
  }
  std::vector<int64_t> strides(rank, 1);
  for (int d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  std::map<int64_t, double> sums; // kept-coordinates key -> sum of squares
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t key = 0;
    for (int d = 0; d < rank; ++d)
      if (!reduced[d])
        key = key * shape[d] + (int64_t(i) / strides[d]) % shape[d];
    sums[key] += double(values[i]) * values[i];
  }
  std::vector<double> result;
  for (const auto &[key, sum] : sums)
    result.push_back(std::sqrt(sum));
  return result;
}

} // namespace

std::string Regularizer::describe() const {
  switch (kind) {
  case Kind::L1L2:
    if (l2 == 0)
      return name + "(l1=" + formatNumber(l1) + ")";
    if (l1 == 0)
      return name + "(l2=" + formatNumber(l2) + ")";
    return name + "(l1=" + formatNumber(l1) + ", l2=" + formatNumber(l2) + ")";
  case Kind::Orthogonal:
    return name + "(factor=" + formatNumber(factor) + ", mode=" + mode + ")";
  case Kind::Custom:
    return name + " (custom)";
  }
  return name;
}

std::string Constraint::describe() const {
  std::string axisText = "[";
  for (size_t i = 0; i < axes.size(); ++i)
    axisText += (i ? ", " : "") + std::to_string(axes[i]);
  axisText += "]";
  switch (kind) {
  case Kind::MaxNorm:
    return name + "(max_value=" + formatNumber(maxValue) + ", axis=" + axisText + ")";
  case Kind::MinMaxNorm:
    return name + "(min_value=" + formatNumber(minValue) + ", max_value=" +
           formatNumber(maxValue) + ", rate=" + formatNumber(rate) + ", axis=" + axisText + ")";
  case Kind::UnitNorm:
    return name + "(axis=" + axisText + ")";
  case Kind::NonNeg:
    return name;
  case Kind::Custom:
    return name + " (custom)";
  }
  return name;
}

Status parseRegularizer(const Value &value, Regularizer &out) {
  try {
    Serialized s = split(value, "regularizer");
    Regularizer r;
    r.name = s.written;
    bool isString = value.kind == Value::Kind::String;
    if (s.name == "l1") {
      r.l1 = number(s, "l1", 0.01);
    } else if (s.name == "l2") {
      r.l2 = number(s, "l2", 0.01);
    } else if (s.name == "l1_l2" || s.name == "l1l2") {
      // keras.regularizers.get("l1_l2") is L1L2(0.01, 0.01); the class defaults to 0.
      r.l1 = number(s, "l1", isString ? 0.01 : 0.0);
      r.l2 = number(s, "l2", isString ? 0.01 : 0.0);
    } else if (s.name == "orthogonal_regularizer" || s.name == "orthogonal") {
      r.kind = Regularizer::Kind::Orthogonal;
      r.factor = number(s, "factor", 0.01);
      auto mode = s.config.find("mode");
      if (mode != s.config.end() && mode->second.kind == Value::Kind::String)
        r.mode = mode->second.string;
      if (r.mode != "rows" && r.mode != "columns")
        throw KerasError(s.written + ": 'mode' must be 'rows' or 'columns', got '" + r.mode + "'");
    } else if (s.custom) {
      r.kind = Regularizer::Kind::Custom;
    } else {
      throw KerasError("unknown regularizer '" + s.written +
                       "' (expected l1, l2, l1_l2 or orthogonal_regularizer)");
    }
    out = r;
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

Status parseConstraint(const Value &value, Constraint &out) {
  try {
    Serialized s = split(value, "constraint");
    Constraint c;
    c.name = s.written;
    if (s.name == "max_norm" || s.name == "maxnorm") {
      c.kind = Constraint::Kind::MaxNorm;
      c.maxValue = number(s, "max_value", 2, /*positive=*/true);
      c.axes = axes(s);
    } else if (s.name == "min_max_norm") {
      c.kind = Constraint::Kind::MinMaxNorm;
      c.minValue = number(s, "min_value", 0);
      c.maxValue = number(s, "max_value", 1, /*positive=*/true);
      c.rate = number(s, "rate", 1);
      if (c.minValue > c.maxValue)
        throw KerasError(s.written + ": 'min_value' exceeds 'max_value'");
      c.axes = axes(s);
    } else if (s.name == "non_neg" || s.name == "nonneg") {
      c.kind = Constraint::Kind::NonNeg;
    } else if (s.name == "unit_norm" || s.name == "unitnorm") {
      c.kind = Constraint::Kind::UnitNorm;
      c.axes = axes(s);
    } else if (s.custom) {
      c.kind = Constraint::Kind::Custom;
    } else {
      throw KerasError("unknown constraint '" + s.written +
                       "' (expected max_norm, min_max_norm, non_neg or unit_norm)");
    }
    out = c;
    return Status::ok();
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

std::optional<double> regularizerPenalty(const Regularizer &r, const std::vector<int64_t> &shape,
                                         const std::vector<float> &values, std::string &why) {
  if (r.kind == Regularizer::Kind::Custom) {
    why = "custom: not evaluated";
    return std::nullopt;
  }
  if (r.kind == Regularizer::Kind::L1L2) {
    double l1 = 0, l2 = 0;
    for (float v : values) {
      l1 += std::abs(double(v));
      l2 += double(v) * v;
    }
    return r.l1 * l1 + r.l2 * l2;
  }
  if (shape.size() != 2) {
    why = "Keras defines it for 2-D weights only: not evaluated";
    return std::nullopt;
  }
  // Keras: normalize rows (or columns), then factor * mean |off-diagonal| of the
  // Gram matrix over the size * (size - 1) / 2 pairs, halved.
  int64_t rows = shape[0], cols = shape[1];
  bool byRows = r.mode == "rows";
  int64_t size = byRows ? rows : cols, length = byRows ? cols : rows;
  if (size < 2)
    return 0.0;
  auto at = [&](int64_t i, int64_t k) {
    return double(byRows ? values[i * cols + k] : values[k * cols + i]);
  };
  std::vector<double> norm(size, 0);
  for (int64_t i = 0; i < size; ++i) {
    for (int64_t k = 0; k < length; ++k)
      norm[i] += at(i, k) * at(i, k);
    norm[i] = std::max(std::sqrt(norm[i]), 1e-12);
  }
  double sum = 0;
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = 0; j < size; ++j) {
      if (i == j)
        continue;
      double dot = 0;
      for (int64_t k = 0; k < length; ++k)
        dot += at(i, k) * at(j, k);
      sum += std::abs(dot / (norm[i] * norm[j]));
    }
  return r.factor * 0.5 * sum / (double(size) * (size - 1) / 2.0);
}

std::optional<bool> constraintHolds(const Constraint &c, const std::vector<int64_t> &shape,
                                    const std::vector<float> &values, std::string &detail) {
  try {
    switch (c.kind) {
    case Constraint::Kind::Custom:
      detail = "custom: not evaluated";
      return std::nullopt;
    case Constraint::Kind::NonNeg: {
      double lowest = values.empty() ? 0.0 : double(values[0]);
      for (float v : values)
        lowest = std::min(lowest, double(v));
      detail = "smallest value " + formatNumber(lowest);
      return lowest >= 0;
    }
    default:
      break;
    }
    std::vector<double> n = norms(shape, values, c.axes);
    if (n.empty())
      return true;
    double lowest = *std::min_element(n.begin(), n.end());
    double highest = *std::max_element(n.begin(), n.end());
    constexpr double kTolerance = 1e-5; // float32 weights written by Keras's projection
    detail = "norms in [" + formatNumber(lowest) + ", " + formatNumber(highest) + "]";
    if (c.kind == Constraint::Kind::MaxNorm)
      return highest <= c.maxValue * (1 + kTolerance);
    if (c.kind == Constraint::Kind::UnitNorm)
      return std::abs(lowest - 1) <= kTolerance && std::abs(highest - 1) <= kTolerance;
    return lowest >= c.minValue * (1 - kTolerance) && highest <= c.maxValue * (1 + kTolerance);
  } catch (const KerasError &e) {
    detail = e.what();
    return std::nullopt;
  }
}

} // namespace kconv::keras
