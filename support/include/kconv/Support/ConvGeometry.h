// Keras convolution output-size and padding arithmetic, plain C++ (kconv_support) so
// that the importer, the verifiers, the conversion and the tests share one definition.
// Every function is total over int64: a size beyond 64 bits is reported, never wrapped.
#ifndef KCONV_SUPPORT_CONVGEOMETRY_H
#define KCONV_SUPPORT_CONVGEOMETRY_H

#include <cstdint>
#include <optional>

namespace kconv {

/// Padding before/after one spatial axis.
struct AxisPadding {
  int64_t before = 0;
  int64_t after = 0;
};

/// The extent of a dilated kernel, (kernel - 1) * dilation + 1, or nullopt when it
/// overflows int64 (kernel and dilation >= 1).
std::optional<int64_t> dilatedKernel(int64_t kernel, int64_t dilation);

/// The padded size in + pad.before + pad.after, or nullopt when it overflows int64.
std::optional<int64_t> paddedSize(int64_t in, AxisPadding pad);

/// TensorFlow's padding for one axis of size `in`: none for 'valid'; for 'same' the
/// total needed for ceil(in / stride) outputs, with the odd extra unit after. Nullopt
/// when the dilated kernel or the padded size overflows int64.
std::optional<AxisPadding> computeAxisPadding(bool same, int64_t in, int64_t kernel,
                                              int64_t stride, int64_t dilation);

/// Output size of one axis, or nullopt when the (dilated) kernel does not fit or a
/// size overflows int64 (dilatedKernel and paddedSize tell the cases apart).
std::optional<int64_t> computeAxisOutput(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation, AxisPadding pad);

} // namespace kconv

#endif
