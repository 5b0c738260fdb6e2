// --input-shape: sizes for a model input's None dimensions (other than the batch),
// which kconv compiles for one size.
#ifndef KCONV_DRIVER_INPUTSHAPES_H
#define KCONV_DRIVER_INPUTSHAPES_H

#include "kconv/Keras/KerasModel.h"

#include <string>
#include <vector>

namespace kconv::driver {

/// Applies each "[NAME:]D1xD2x..." of `specs` to the model input NAME (the name may
/// be left out when the model has one input): the sizes of its dimensions after the
/// batch, in the model's own layout; a dimension the model fixes must be given the
/// same size. Returns the error message of the first bad spec, "" when all apply.
std::string applyInputShapes(keras::Model &model, const std::vector<std::string> &specs);

} // namespace kconv::driver

#endif
