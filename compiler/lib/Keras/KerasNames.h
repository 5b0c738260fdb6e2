// Names in Keras files: activations, and layers that hold Python code.
#ifndef KCONV_KERAS_KERASNAMES_H
#define KCONV_KERAS_KERASNAMES_H

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace kconv::keras {

/// Maps a serialized Keras activation (null, a string, or a Keras 3 object) to kconv's
/// canonical name. `kerasMajor` selects Keras 2 or 3 meanings where they differ.
/// Returns false with `problem` set for an unknown or unsupported activation.
bool canonicalActivation(const nlohmann::json &activation, int kerasMajor, std::string &name,
                         std::string &problem);

/// Lambda, TFOpLambda, TensorFlowOpLayer: layers whose body is Python code.
bool isPythonCodeLayer(const std::string &className);

/// The kconv activation an operation of keras.ops computes (its class in Keras 3's
/// serialization: "Relu", "Gelu", "Softmax", numpy's "Tanh" and "Exp", ...), before
/// its arguments refine it; nullptr for any other class.
const char *activationOperation(const std::string &className);

/// keras.ops's Add, Subtract, Multiply, Maximum and Minimum (of two tensors: merges).
bool isMergeOperation(const std::string &className);

} // namespace kconv::keras

#endif
