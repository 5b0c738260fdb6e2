// Entry points shared between the Keras readers (not part of the public API).
#ifndef KCONV_KERAS_KERASINTERNAL_H
#define KCONV_KERAS_KERASINTERNAL_H

#include "kconv/Keras/KerasLoader.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace kconv::keras {

/// Weights (any Keras layout) from an in-memory HDF5 image; `what` names it in messages.
Status readWeightsImage(const std::vector<char> &image, const std::string &what, Weights &out);

/// An upper bound on the number of parameters (float32 values) the model's layers can
/// hold, propagated through the layer graph from the declared input shapes; nullopt
/// when a shape it needs is not given (e.g. a Dense layer after an input of unknown size).
std::optional<uint64_t> parameterBound(const Model &model);

/// Reads a Keras 3 `.keras` archive: config.json, metadata.json, model.weights.h5.
Status readKerasArchive(const std::string &path, LoadedModel &out);
/// The same from an in-memory archive (for fuzzing); `what` names it in messages.
Status readKerasArchiveBytes(const std::vector<char> &bytes, const std::string &what,
                             LoadedModel &out);

} // namespace kconv::keras

#endif
