// Keras convolution output-size and padding arithmetic, free of MLIR types so that
// the importer, the verifier and the tests share one definition.
#ifndef KCONV_DIALECT_CONVGEOMETRY_H
#define KCONV_DIALECT_CONVGEOMETRY_H

#include <cstdint>
#include <optional>

namespace kconv {

/// Padding before/after one spatial axis.
struct AxisPadding {
  int64_t before = 0;
  int64_t after = 0;
};

/// TensorFlow's padding for one axis of size `in`: none for 'valid'; for 'same' the
/// total needed for ceil(in / stride) outputs, with the odd extra unit after.
AxisPadding computeAxisPadding(bool same, int64_t in, int64_t kernel, int64_t stride,
                               int64_t dilation);

/// Output size of one axis, or nullopt when the (dilated) kernel does not fit.
std::optional<int64_t> computeAxisOutput(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation, AxisPadding pad);

} // namespace kconv

#endif
