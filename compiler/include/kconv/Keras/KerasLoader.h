// Reading Keras files into kconv::keras::Model / Weights.
#ifndef KCONV_KERAS_KERASLOADER_H
#define KCONV_KERAS_KERASLOADER_H

#include "kconv/Keras/KerasModel.h"
#include "kconv/Support/Status.h"

#include <optional>
#include <string>

namespace kconv::keras {

/// What kind of file a path holds, judged from its first bytes.
enum class FileKind { Json, Hdf5, Zip, Unknown };
FileKind detectFileKind(const std::string &path);

struct LoadedModel {
  Model model;
  std::optional<Weights> weights;
};

/// Loads a model from a Keras 2 `to_json()` file or a Keras 2 full-model `.h5`
/// (weights included), and weights from `weightsPath` (a `save_weights` `.h5`) when
/// it is not empty.
Status loadKerasModel(const std::string &modelPath, const std::string &weightsPath,
                      LoadedModel &out);

/// Parses a model configuration (the JSON of `model.to_json()`); `sourcePath` is
/// used in messages.
Status parseModelJson(const std::string &text, const std::string &sourcePath, Model &out);

/// Reads the weights of a Keras 2 `save_weights` file, or the `model_weights` group
/// of a full-model `.h5`.
Status readWeightsH5(const std::string &path, Weights &out);

} // namespace kconv::keras

#endif
