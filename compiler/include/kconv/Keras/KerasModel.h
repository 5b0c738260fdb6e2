// A Keras model as kconv reads it: typed layer configurations, the layer graph and
// the weights, in plain C++ (no JSON, HDF5 or MLIR types), produced by the readers in
// compiler/lib/Keras and consumed by the MLIR importer.
#ifndef KCONV_KERAS_KERASMODEL_H
#define KCONV_KERAS_KERASMODEL_H

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kconv::keras {

/// A JSON-like value, for specifications kconv keeps but does not interpret
/// (initializers, regularizers, constraints).
struct Value {
  enum class Kind { Null, Bool, Int, Float, String, List, Dict };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;
  std::vector<Value> list;
  std::vector<std::pair<std::string, Value>> dict; // in file order
};

/// One dimension of a shape; nullopt is Keras's `None` (the batch dimension).
using Dim = std::optional<int64_t>;

struct InputConfig {
  std::vector<Dim> batchShape; // including the batch dimension
};

struct Conv2DConfig {
  int64_t filters = 0;
  std::array<int64_t, 2> kernelSize{1, 1};
  std::array<int64_t, 2> strides{1, 1};
  std::string padding = "valid";          // "valid" | "same"
  std::string dataFormat = "channels_last"; // "channels_last" | "channels_first"
  std::array<int64_t, 2> dilationRate{1, 1};
  int64_t groups = 1;
  std::string activation = "linear"; // kconv's canonical name (see KerasNames.cpp)
  bool useBias = true;
  std::optional<Value> kernelInitializer, biasInitializer;
  std::optional<Value> kernelRegularizer, biasRegularizer, activityRegularizer;
  std::optional<Value> kernelConstraint, biasConstraint;
};

using LayerConfig = std::variant<InputConfig, Conv2DConfig>;

struct Layer {
  std::string name;
  std::string className;
  LayerConfig config;
  std::vector<std::string> inbound; // producer layer names, in argument order
};

struct Model {
  std::string name;
  std::string sourcePath;   // the file the configuration came from (for messages)
  std::string kerasVersion; // e.g. "2.13.1"; empty when the file does not say
  std::vector<Layer> layers; // topological order; inputs are InputConfig layers
  std::vector<std::string> inputs, outputs; // layer names
  std::vector<std::string> warnings; // e.g. custom regularizers kept opaque
  bool functional = false;           // Functional/Model (else Sequential)
};

/// A weight tensor in Keras's layout, row-major.
struct WeightTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

/// Weights per layer name, each list in Keras's order (Conv2D: kernel, bias).
struct Weights {
  std::string sourcePath;
  std::map<std::string, std::vector<WeightTensor>> byLayer;
  std::vector<std::string> layerOrder; // layers with weights, in file order
  bool keras3Layout = false; // keyed by Keras 3 saving paths (see matchKeras3Weights)
};

} // namespace kconv::keras

#endif
