// Keras regularizers and constraints on weights: parsed and validated from their
// serialized form, evaluated on loaded weights for `kconvc --summary`. They never
// change inference.
#ifndef KCONV_KERAS_REGULARIZERS_H
#define KCONV_KERAS_REGULARIZERS_H

#include "kconv/Keras/KerasModel.h"
#include "kconv/Support/Status.h"

#include <optional>
#include <string>
#include <vector>

namespace kconv::keras {

struct Regularizer {
  enum class Kind { L1L2, Orthogonal, Custom };
  Kind kind = Kind::L1L2;
  double l1 = 0, l2 = 0;    // L1, L2, L1L2
  double factor = 0.01;     // OrthogonalRegularizer
  std::string mode = "rows"; // OrthogonalRegularizer: "rows" | "columns"
  std::string name;         // as written, for reports ("L2", "l1_l2", "Custom>Mine")
  std::string describe() const;
};

struct Constraint {
  enum class Kind { MaxNorm, MinMaxNorm, NonNeg, UnitNorm, Custom };
  Kind kind = Kind::NonNeg;
  double minValue = 0, maxValue = 2, rate = 1;
  std::vector<int64_t> axes = {0};
  std::string name;
  std::string describe() const;
};

/// Parses a serialized regularizer (a name such as "l2" or an object). A custom one
/// (registered outside Keras, e.g. "Custom>MyReg") parses as Kind::Custom; an
/// unknown built-in-looking name or a bad argument is an error.
Status parseRegularizer(const Value &value, Regularizer &out);
Status parseConstraint(const Value &value, Constraint &out);

/// Keras's penalty of `weight`, or nullopt where Keras defines none (custom, or an
/// orthogonal regularizer on a weight that is not 2-D); `why` says which.
std::optional<double> regularizerPenalty(const Regularizer &r, const std::vector<int64_t> &shape,
                                         const std::vector<float> &values, std::string &why);

/// Whether `weight` satisfies the constraint (what Keras would project it to);
/// `detail` reports the extreme norm or value found.
std::optional<bool> constraintHolds(const Constraint &c, const std::vector<int64_t> &shape,
                                    const std::vector<float> &values, std::string &detail);

} // namespace kconv::keras

#endif
