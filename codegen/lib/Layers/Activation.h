// Internal: Keras activations as Halide expressions, shared by the Activation step and
// the fused epilogues of Conv2D, Conv2DTranspose and Dense.
#ifndef KCONV_CODEGEN_LAYERS_ACTIVATION_H
#define KCONV_CODEGEN_LAYERS_ACTIVATION_H

#include "kconv/Codegen/PipelinePlan.h"

#include <Halide.h>

namespace kconv::codegen {

/// Applies an element-wise activation by kconv's canonical name.
Halide::Expr applyActivation(const std::string &name, Halide::Expr x);
/// softmax, log_softmax, sparsemax, glu: computed along an axis, not element-wise.
bool isAxisActivation(const std::string &name);
/// An element-wise activation layer with its Keras arguments (ReLU's max_value,
/// negative_slope and threshold; LeakyReLU's and ELU's alpha).
Halide::Expr applyLayerActivation(const ActivationLayer &layer, Halide::Expr x);

/// Softmax / log_softmax of `pre` over Keras axis `axis` (its stages are appended).
Halide::Expr axisSoftmax(const Halide::Func &pre, const TensorInfo &shape, int axis, bool log,
                         const std::string &name, std::vector<Halide::Func> &stages);

} // namespace kconv::codegen

#endif
