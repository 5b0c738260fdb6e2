// JSON helpers shared by the Keras configuration parsers.
#include "KerasJson.h"

#include "KerasNames.h"
#include "kconv/Keras/Regularizers.h"

#include <algorithm>
#include <limits>

namespace kconv::keras {

using nlohmann::json;

void LayerContext::warn(const std::string &message) const {
  if (warnings)
    warnings->push_back(path + ": layer '" + name + "' (" + className + "): " + message);
}

void LayerContext::fail(const std::string &problem) const {
  if (name.empty())
    throw KerasError(path + ": " + problem);
  throw KerasError(path + ": layer '" + name + "' (" + className + "): " + problem);
}

void checkJsonDepth(const std::string &text, const std::string &what) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0, n = text.size(); i < n; ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // the escaped character cannot end the string
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw KerasError(what + ": JSON nesting deeper than " + std::to_string(kMaxJsonDepth) +
                         " levels");
    } else if (c == ']' || c == '}') {
      --depth; // unbalanced text is left to the parser to report
    }
  }
}

json parseJsonDocument(const std::string &text, const std::string &what) {
  checkJsonDepth(text, what);
  return json::parse(text);
}

Value toValue(const json &j) {
  Value v;
  switch (j.type()) {
  case json::value_t::null: v.kind = Value::Kind::Null; break;
  case json::value_t::boolean: v.kind = Value::Kind::Bool; v.boolean = j.get<bool>(); break;
  case json::value_t::number_integer:
    v.kind = Value::Kind::Int;
    v.integer = j.get<int64_t>();
    break;
  case json::value_t::number_unsigned:
    // Above INT64_MAX an integer would wrap: keep it as the number it is.
    if (j.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
      v.kind = Value::Kind::Float;
      v.number = j.get<double>();
    } else {
      v.kind = Value::Kind::Int;
      v.integer = j.get<int64_t>();
    }
    break;
  case json::value_t::number_float: v.kind = Value::Kind::Float; v.number = j.get<double>(); break;
  case json::value_t::string: v.kind = Value::Kind::String; v.string = j.get<std::string>(); break;
  case json::value_t::array:
    v.kind = Value::Kind::List;
    for (const json &e : j)
      v.list.push_back(toValue(e));
    break;
  case json::value_t::object:
    v.kind = Value::Kind::Dict;
    for (auto it = j.begin(); it != j.end(); ++it)
      v.dict.emplace_back(it.key(), toValue(it.value()));
    break;
  default: break;
  }
  return v;
}

int64_t boundedInt(const LayerContext &ctx, const json &j, const std::string &arg, int64_t min,
                   int64_t max) {
  // nlohmann keeps integers as int64 or uint64 (beyond int64 they become floats, and
  // JSON floats are never integers here, as in Keras). dump() writes them as read.
  if (!j.is_number_integer())
    ctx.fail("'" + arg + "' must be an integer, got " + j.dump());
  bool aboveInt64 =
      j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max());
  if (!aboveInt64 && j.get<int64_t>() < min)
    ctx.fail("'" + arg + "' must be >= " + std::to_string(min) + ", got " + j.dump());
  if (aboveInt64 || j.get<int64_t>() > max)
    ctx.fail("'" + arg + "' = " + j.dump() + " exceeds kconv's limit of " + std::to_string(max));
  return j.get<int64_t>();
}

int64_t positiveInt(const LayerContext &ctx, const json &j, const std::string &arg) {
  return boundedInt(ctx, j, arg, 1, kMaxDimension);
}

/// Keras accepts an int or a pair for kernel_size, strides and dilation_rate.
std::array<int64_t, 2> intPair(const LayerContext &ctx, const json &config, const char *arg,
                               std::array<int64_t, 2> fallback, bool nullIsFallback) {
  auto it = config.find(arg);
  if (it == config.end() || (it->is_null() && nullIsFallback))
    return fallback;
  if (it->is_number_integer()) {
    int64_t v = positiveInt(ctx, *it, arg);
    return {v, v};
  }
  if (!it->is_array() || it->size() != 2)
    ctx.fail(std::string("'") + arg + "' must be an int or a pair of ints, got " + it->dump());
  return {positiveInt(ctx, (*it)[0], arg), positiveInt(ctx, (*it)[1], arg)};
}

std::array<int64_t, 3> intTriple(const LayerContext &ctx, const json &config, const char *arg,
                                 std::array<int64_t, 3> fallback, bool nullIsFallback) {
  auto it = config.find(arg);
  if (it == config.end() || (it->is_null() && nullIsFallback))
    return fallback;
  if (it->is_number_integer()) {
    int64_t v = positiveInt(ctx, *it, arg);
    return {v, v, v};
  }
  if (!it->is_array() || it->size() != 3)
    ctx.fail(std::string("'") + arg + "' must be an int or a triple of ints, got " + it->dump());
  return {positiveInt(ctx, (*it)[0], arg), positiveInt(ctx, (*it)[1], arg),
          positiveInt(ctx, (*it)[2], arg)};
}

std::string lowerString(const LayerContext &ctx, const json &config, const char *arg,
                        const std::string &fallback) {
  auto it = config.find(arg);
  if (it == config.end() || it->is_null())
    return fallback;
  if (!it->is_string())
    ctx.fail(std::string("'") + arg + "' must be a string, got " + it->dump());
  std::string s = it->get<std::string>();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<Value> optionalSpec(const json &config, const char *arg) {
  auto it = config.find(arg);
  if (it == config.end() || it->is_null())
    return std::nullopt;
  return toValue(*it);
}

void checkDtype(const LayerContext &ctx, const json &config, bool integersAllowed) {
  auto it = config.find("dtype");
  if (it == config.end() || it->is_null())
    return;
  std::string name;
  if (it->is_string())
    name = it->get<std::string>();
  else if (it->is_object() && it->contains("config") && (*it)["config"].is_object() &&
           (*it)["config"].contains("name") && (*it)["config"]["name"].is_string())
    name = (*it)["config"]["name"].get<std::string>();
  else
    ctx.fail("'dtype' is not a string or a dtype policy: " + it->dump());
  static const char *const integers[] = {"int8",  "int16",  "int32",  "int64", "uint8",
                                          "uint16", "uint32", "uint64", "bool"};
  if (integersAllowed && std::find(std::begin(integers), std::end(integers), name) !=
                             std::end(integers))
    return;
  if (name != "float32")
    ctx.fail("dtype '" + name + "' is not supported: kconv computes in float32");
}

std::vector<Dim> shapeList(const LayerContext &ctx, const json &j, const char *arg) {
  if (!j.is_array())
    ctx.fail(std::string("'") + arg + "' must be a list, got " + j.dump());
  std::vector<Dim> dims;
  for (const json &d : j) {
    if (d.is_null())
      dims.push_back(std::nullopt);
    else
      dims.push_back(positiveInt(ctx, d, arg));
  }
  return dims;
}

/// The batch shape a layer declares for its input, if it declares one.
std::optional<std::vector<Dim>> declaredInputShape(const LayerContext &ctx, const json &config) {
  for (const char *key : {"batch_input_shape", "batch_shape"})
    if (config.contains(key) && !config[key].is_null())
      return shapeList(ctx, config[key], key);
  if (config.contains("input_shape") && !config["input_shape"].is_null()) {
    std::vector<Dim> dims = shapeList(ctx, config["input_shape"], "input_shape");
    dims.insert(dims.begin(), std::nullopt);
    return dims;
  }
  return std::nullopt;
}

namespace {
/// A regularizer or constraint (`Spec`), validated by `parse`: unknown names and bad
/// arguments are errors; one registered outside Keras is kept opaque with a warning
/// (it cannot change inference).
template <typename Spec>
std::optional<Value> validatedSpec(const LayerContext &ctx, const json &config, const char *arg,
                                   Status (*parse)(const Value &, Spec &), const char *what) {
  std::optional<Value> spec = optionalSpec(config, arg);
  Spec parsed;
  if (!spec)
    return spec;
  if (Status status = parse(*spec, parsed); !status)
    ctx.fail(std::string("'") + arg + "': " + status.message());
  if (parsed.kind == Spec::Kind::Custom)
    ctx.warn(std::string("'") + arg + "' is the custom " + what + " '" + parsed.name +
             "'; kept as written (it does not affect inference)");
  return spec;
}

} // namespace

std::optional<Value> regularizerSpec(const LayerContext &ctx, const json &config, const char *arg) {
  return validatedSpec<Regularizer>(ctx, config, arg, parseRegularizer, "regularizer");
}

std::optional<Value> constraintSpec(const LayerContext &ctx, const json &config, const char *arg) {
  return validatedSpec<Constraint>(ctx, config, arg, parseConstraint, "constraint");
}

/// Layers kconv can never compile, rejected before anything else is read from them.
void rejectUncompilable(const LayerContext &ctx, const json &config) {
  if (config.contains("nb_filter") || config.contains("border_mode") ||
      config.contains("dim_ordering") || ctx.className == "Convolution2D")
    ctx.fail("is a Keras 1 layer (nb_filter/border_mode/dim_ordering); re-save the model with "
             "Keras 2 or 3");
  if (isPythonCodeLayer(ctx.className))
    ctx.fail("contains Python code and cannot be compiled; replace it with built-in layers");
}

} // namespace kconv::keras
