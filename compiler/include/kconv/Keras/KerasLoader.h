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

/// Loads a model from a Keras 2/3 `to_json()` file, a full-model `.h5` (Keras 2, or
/// Keras 3's legacy format) or a Keras 3 `.keras` archive (weights included), and
/// weights from `weightsPath` (Keras 2 `save_weights` `.h5` or Keras 3
/// `.weights.h5`) when it is not empty. The format is judged from the content.
Status loadKerasModel(const std::string &modelPath, const std::string &weightsPath,
                      LoadedModel &out);

/// Parses a model configuration (the JSON of `model.to_json()`); `sourcePath` is
/// used in messages; `kerasVersion`, when not empty, overrides the file's own (a
/// `.keras` archive keeps it in metadata.json).
Status parseModelJson(const std::string &text, const std::string &sourcePath, Model &out,
                      const std::string &kerasVersion = "");

/// Reads the weights of a Keras 2 `save_weights` file, the `model_weights` group of a
/// full-model `.h5`, or a Keras 3 `.weights.h5` (`layers/<path>/vars/N`, keyed by
/// path until matchKeras3Weights renames them).
Status readWeightsH5(const std::string &path, Weights &out);

/// Keras 3 stores weights under the snake_case class name of each layer, numbered
/// in layer order (`conv2d`, `conv2d_1`, ...), not under the layer's name. Re-keys
/// `weights` by layer name; a no-op for Keras 2 layouts.
Status matchKeras3Weights(const Model &model, Weights &weights);

/// Keras 2 stores a nested model's weights in one group named after the top-level
/// nested model, weight names "<layer>/kernel:0": splits that group into its layers.
Status matchNestedKeras2Weights(const Model &model, Weights &weights);

/// Keras 3's `to_snake_case`: "DepthwiseConv2D" -> "depthwise_conv2d".
std::string kerasSnakeCase(const std::string &className);

} // namespace kconv::keras

#endif
