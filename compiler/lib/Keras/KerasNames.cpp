#include "KerasNames.h"

#include <nlohmann/json.hpp>

#include <map>

namespace kconv::keras {

bool canonicalActivation(const nlohmann::json &activation, int kerasMajor, std::string &name,
                         std::string &problem) {
  std::string keras;
  if (activation.is_null()) {
    keras = "linear";
  } else if (activation.is_string()) {
    keras = activation.get<std::string>();
  } else if (activation.is_object()) {
    // Keras 3: {"module": "keras.activations", "class_name": "function", "config": "relu"}.
    auto config = activation.find("config");
    auto className = activation.find("class_name");
    if (config != activation.end() && config->is_string())
      keras = config->get<std::string>();
    else if (className != activation.end() && className->is_string())
      keras = className->get<std::string>();
  }
  if (keras.empty()) {
    problem = "'activation' is not a name or a serialized activation: " + activation.dump();
    return false;
  }

  static const std::map<std::string, std::string> aliases = {
      {"None", "linear"},   {"swish", "silu"},     {"hard_swish", "hard_silu"},
      {"gelu", "gelu"},     {"linear", "linear"},  {"relu", "relu"},
      {"relu6", "relu6"},   {"leaky_relu", "leaky_relu"}, {"elu", "elu"},
      {"selu", "selu"},     {"celu", "celu"},      {"sigmoid", "sigmoid"},
      {"log_sigmoid", "log_sigmoid"}, {"tanh", "tanh"}, {"hard_tanh", "hard_tanh"},
      {"tanh_shrink", "tanh_shrink"}, {"softplus", "softplus"}, {"softsign", "softsign"},
      {"silu", "silu"},     {"hard_silu", "hard_silu"}, {"mish", "mish"},
      {"exponential", "exponential"}, {"sparse_plus", "sparse_plus"},
      {"squareplus", "squareplus"}, {"soft_shrink", "soft_shrink"},
      {"hard_shrink", "hard_shrink"}, {"softmax", "softmax"}, {"log_softmax", "log_softmax"},
      {"sparse_sigmoid", "sparse_sigmoid"}, {"sparsemax", "sparsemax"}, {"glu", "glu"}};
  if (keras == "hard_sigmoid") {
    // Keras 2: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6.
    name = kerasMajor >= 3 ? "hard_sigmoid" : "hard_sigmoid_keras2";
    return true;
  }
  auto it = aliases.find(keras);
  if (it != aliases.end()) {
    name = it->second;
    return true;
  }
  if (keras == "threshold")
    // keras.activations.threshold(x, threshold, default_value) has no defaults: Keras
    // itself cannot apply it by name.
    problem = "activation 'threshold' needs its 'threshold' and 'default_value' arguments, "
              "which a layer's activation name cannot carry";
  else
    problem = "unknown activation '" + keras + "'";
  return false;
}

bool isPythonCodeLayer(const std::string &className) {
  return className == "Lambda" || className == "TFOpLambda" || className == "TensorFlowOpLayer" ||
         className == "SlicingOpLambda";
}

const char *activationOperation(const std::string &className) {
  static const std::map<std::string, const char *> operations = {
      {"Relu", "relu"},           {"Relu6", "relu6"},          {"Sigmoid", "sigmoid"},
      {"SparseSigmoid", "sparse_sigmoid"}, {"Softplus", "softplus"}, {"Softsign", "softsign"},
      {"SoftShrink", "soft_shrink"}, {"SparsePlus", "sparse_plus"}, {"Silu", "silu"},
      {"Squareplus", "squareplus"}, {"LogSigmoid", "log_sigmoid"}, {"LeakyRelu", "leaky_relu"},
      {"HardSigmoid", "hard_sigmoid"}, {"HardSilu", "hard_silu"}, {"Elu", "elu"},
      {"Selu", "selu"},           {"Gelu", "gelu"},            {"Celu", "celu"},
      {"Glu", "glu"},             {"TanhShrink", "tanh_shrink"}, {"HardTanh", "hard_tanh"},
      {"HardShrink", "hard_shrink"}, {"Threshold", "threshold"}, {"Softmax", "softmax"},
      {"LogSoftmax", "log_softmax"}, {"Sparsemax", "sparsemax"},
      {"Tanh", "tanh"},           {"Exp", "exponential"},      {"Absolute", "abs"},
      {"Abs", "abs"},             {"Square", "square"},        {"Sqrt", "sqrt"},
      {"Negative", "negative"},   {"Log", "log"}};
  auto it = operations.find(className);
  return it == operations.end() ? nullptr : it->second;
}

bool isMergeOperation(const std::string &className) {
  return className == "Add" || className == "Subtract" || className == "Multiply" ||
         className == "Maximum" || className == "Minimum";
}

} // namespace kconv::keras
