// The exception the Keras readers throw internally; the public entry points catch it
// and return a Status, so it never leaves compiler/lib/Keras.
#ifndef KCONV_KERAS_KERASERROR_H
#define KCONV_KERAS_KERASERROR_H

#include <stdexcept>
#include <string>

namespace kconv::keras {

class KerasError : public std::runtime_error {
public:
  explicit KerasError(const std::string &message) : std::runtime_error(message) {}
};

/// Largest size of one dimension or argument kconv accepts (Halide indexes with int32).
constexpr int64_t kMaxDimension = (int64_t(1) << 31) - 1;
/// Largest number of elements in one weight tensor (4 GiB of float32).
constexpr int64_t kMaxWeightElements = int64_t(1) << 30;
constexpr int kMaxJsonDepth = 128;

} // namespace kconv::keras

#endif
