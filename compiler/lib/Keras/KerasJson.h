// JSON helpers shared by the Keras configuration parsers (internal).
#ifndef KCONV_KERAS_KERASJSON_H
#define KCONV_KERAS_KERASJSON_H

#include "KerasError.h"
#include "kconv/Keras/KerasModel.h"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace kconv::keras {

/// Where an error happens: the file, and the layer being read.
struct LayerContext {
  const std::string &path;
  std::string name;
  std::string className;
  std::vector<std::string> *warnings = nullptr;

  void warn(const std::string &message) const;
  [[noreturn]] void fail(const std::string &problem) const;
};

/// Throws KerasError (`what`: ...) if `text` nests arrays/objects deeper than
/// kMaxJsonDepth. One linear pass over the text, brackets inside strings ignored.
void checkJsonDepth(const std::string &text, const std::string &what);
/// Parses a JSON document with the depth limit and no parser callback (nlohmann's
/// callback parser rescans the parent at every object end: quadratic). Throws
/// KerasError for depth, nlohmann::json::exception for malformed text.
nlohmann::json parseJsonDocument(const std::string &text, const std::string &what);

Value toValue(const nlohmann::json &j);
/// The one integer reader of the Keras configuration: an integer in [min, max], else an
/// error naming the argument and giving the value as written (a float such as 3.0 or
/// 3.5, a string, or an integer out of range such as 18446744073709551615; nothing is
/// wrapped or truncated).
int64_t boundedInt(const LayerContext &ctx, const nlohmann::json &j, const std::string &arg,
                   int64_t min, int64_t max);
/// boundedInt in [1, kMaxDimension]: sizes, counts and factors.
int64_t positiveInt(const LayerContext &ctx, const nlohmann::json &j, const std::string &arg);
/// An int or a pair of ints (kernel_size, strides, ...); `fallback` when absent. Null
/// is rejected as Keras rejects it, unless `nullIsFallback` (pool strides: None means
/// the pool size).
std::array<int64_t, 2> intPair(const LayerContext &ctx, const nlohmann::json &config,
                               const char *arg, std::array<int64_t, 2> fallback,
                               bool nullIsFallback = false);
/// An int or a triple of ints (the 3-D layers' kernel_size, strides, pool_size, ...),
/// as intPair.
std::array<int64_t, 3> intTriple(const LayerContext &ctx, const nlohmann::json &config,
                                 const char *arg, std::array<int64_t, 3> fallback,
                                 bool nullIsFallback = false);
/// A string argument, lower-cased; `fallback` when absent/null.
std::string lowerString(const LayerContext &ctx, const nlohmann::json &config, const char *arg,
                        const std::string &fallback);
std::optional<Value> optionalSpec(const nlohmann::json &config, const char *arg);
std::vector<Dim> shapeList(const LayerContext &ctx, const nlohmann::json &j, const char *arg);
/// The batch shape a layer declares for its input, if it declares one.
std::optional<std::vector<Dim>> declaredInputShape(const LayerContext &ctx,
                                                   const nlohmann::json &config);
/// Rejects any dtype but float32 (string or Keras 3 DTypePolicy); with
/// `integersAllowed` (an input's), also the integer dtypes and bool.
void checkDtype(const LayerContext &ctx, const nlohmann::json &config,
                bool integersAllowed = false);
/// A regularizer / constraint specification, validated (custom ones kept with a warning).
std::optional<Value> regularizerSpec(const LayerContext &ctx, const nlohmann::json &config,
                                     const char *arg);
std::optional<Value> constraintSpec(const LayerContext &ctx, const nlohmann::json &config,
                                    const char *arg);
/// Layers kconv can never compile (Keras 1, Python code), rejected first.
void rejectUncompilable(const LayerContext &ctx, const nlohmann::json &config);
/// A call's non-tensor arguments (attention layers' use_causal_mask, ...) into the
/// layer's configuration; unsupported values are an error naming the layer.
void applyCallArguments(const LayerContext &ctx, const nlohmann::json &kwargs,
                        LayerConfig &config);
/// The typed configuration of one layer (dispatch on its class name).
LayerConfig parseLayerConfig(const LayerContext &ctx, const nlohmann::json &config,
                             int kerasMajor);

} // namespace kconv::keras

#endif
