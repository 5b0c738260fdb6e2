// Keras model configuration JSON -> kconv::keras::Model. Every accepted variation is
// listed in shared/KERAS-FORMATS.md; anything else is a ParseError naming the layer.
#include "kconv/Keras/KerasLoader.h"

#include "KerasError.h"
#include "KerasNames.h"
#include "kconv/Keras/Regularizers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace kconv::keras {
namespace {

using nlohmann::json;

/// Where an error happens: the file, and the layer being read.
struct LayerContext {
  const std::string &path;
  std::string name;
  std::string className;
  std::vector<std::string> *warnings = nullptr;

  void warn(const std::string &message) const {
    if (warnings)
      warnings->push_back(path + ": layer '" + name + "' (" + className + "): " + message);
  }

  [[noreturn]] void fail(const std::string &problem) const {
    if (name.empty())
      throw KerasError(path + ": " + problem);
    throw KerasError(path + ": layer '" + name + "' (" + className + "): " + problem);
  }
};

Value toValue(const json &j) {
  Value v;
  switch (j.type()) {
  case json::value_t::null: v.kind = Value::Kind::Null; break;
  case json::value_t::boolean: v.kind = Value::Kind::Bool; v.boolean = j.get<bool>(); break;
  case json::value_t::number_integer:
  case json::value_t::number_unsigned:
    v.kind = Value::Kind::Int;
    v.integer = j.get<int64_t>();
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

int64_t positiveInt(const LayerContext &ctx, const json &j, const std::string &arg) {
  if (!j.is_number_integer())
    ctx.fail("'" + arg + "' must be an integer, got " + j.dump());
  int64_t v = j.get<int64_t>();
  if (v < 1)
    ctx.fail("'" + arg + "' must be >= 1, got " + std::to_string(v));
  if (v > kMaxDimension)
    ctx.fail("'" + arg + "' = " + std::to_string(v) + " exceeds kconv's limit of " +
             std::to_string(kMaxDimension));
  return v;
}

/// Keras accepts an int or a pair for kernel_size, strides and dilation_rate.
std::array<int64_t, 2> intPair(const LayerContext &ctx, const json &config, const char *arg,
                               std::array<int64_t, 2> fallback) {
  auto it = config.find(arg);
  if (it == config.end() || it->is_null())
    return fallback;
  if (it->is_number_integer()) {
    int64_t v = positiveInt(ctx, *it, arg);
    return {v, v};
  }
  if (!it->is_array() || it->size() != 2)
    ctx.fail(std::string("'") + arg + "' must be an int or a pair of ints, got " + it->dump());
  return {positiveInt(ctx, (*it)[0], arg), positiveInt(ctx, (*it)[1], arg)};
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

void checkDtype(const LayerContext &ctx, const json &config) {
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

std::optional<Value> regularizerSpec(const LayerContext &ctx, const json &config, const char *arg) {
  return validatedSpec<Regularizer>(ctx, config, arg, parseRegularizer, "regularizer");
}

std::optional<Value> constraintSpec(const LayerContext &ctx, const json &config, const char *arg) {
  return validatedSpec<Constraint>(ctx, config, arg, parseConstraint, "constraint");
}

Conv2DConfig parseConv2D(const LayerContext &ctx, const json &c, int kerasMajor) {
  Conv2DConfig conv;
  if (!c.contains("filters"))
    ctx.fail("'filters' is missing");
  conv.filters = positiveInt(ctx, c["filters"], "filters");
  if (!c.contains("kernel_size"))
    ctx.fail("'kernel_size' is missing");
  conv.kernelSize = intPair(ctx, c, "kernel_size", {1, 1});
  conv.strides = intPair(ctx, c, "strides", {1, 1});
  conv.dilationRate = intPair(ctx, c, "dilation_rate", {1, 1});
  conv.padding = lowerString(ctx, c, "padding", "valid");
  if (conv.padding != "valid" && conv.padding != "same")
    ctx.fail("'padding' must be 'valid' or 'same', got '" + conv.padding + "'");
  conv.dataFormat = lowerString(ctx, c, "data_format", "channels_last");
  if (conv.dataFormat != "channels_last" && conv.dataFormat != "channels_first")
    ctx.fail("'data_format' must be 'channels_last' or 'channels_first', got '" +
             conv.dataFormat + "'");
  if (c.contains("groups") && !c["groups"].is_null())
    conv.groups = positiveInt(ctx, c["groups"], "groups");
  if (c.contains("use_bias")) {
    if (!c["use_bias"].is_boolean())
      ctx.fail("'use_bias' must be true or false, got " + c["use_bias"].dump());
    conv.useBias = c["use_bias"].get<bool>();
  }
  std::string problem;
  json activation = c.contains("activation") ? c["activation"] : json();
  if (!canonicalActivation(activation, kerasMajor, conv.activation, problem))
    ctx.fail(problem);
  conv.kernelInitializer = optionalSpec(c, "kernel_initializer");
  conv.biasInitializer = optionalSpec(c, "bias_initializer");
  conv.kernelRegularizer = regularizerSpec(ctx, c, "kernel_regularizer");
  conv.biasRegularizer = regularizerSpec(ctx, c, "bias_regularizer");
  conv.activityRegularizer = regularizerSpec(ctx, c, "activity_regularizer");
  conv.kernelConstraint = constraintSpec(ctx, c, "kernel_constraint");
  conv.biasConstraint = constraintSpec(ctx, c, "bias_constraint");
  return conv;
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

LayerConfig parseLayerConfig(const LayerContext &ctx, const json &config, int kerasMajor) {
  checkDtype(ctx, config);
  if (ctx.className == "InputLayer") {
    std::optional<std::vector<Dim>> shape = declaredInputShape(ctx, config);
    if (!shape)
      ctx.fail("has no 'batch_input_shape' or 'batch_shape'");
    return InputConfig{*shape};
  }
  if (ctx.className == "Conv2D")
    return parseConv2D(ctx, config, kerasMajor);
  ctx.fail("unsupported layer class '" + ctx.className + "'");
}

const json &member(const LayerContext &ctx, const json &object, const char *key) {
  if (!object.is_object() || !object.contains(key))
    ctx.fail(std::string("missing '") + key + "'");
  return object[key];
}

std::string stringMember(const LayerContext &ctx, const json &object, const char *key) {
  const json &v = member(ctx, object, key);
  if (!v.is_string())
    ctx.fail(std::string("'") + key + "' must be a string, got " + v.dump());
  return v.get<std::string>();
}

/// Producer names from a layer's inbound_nodes, in Keras 2 or Keras 3 form.
void collectKerasHistory(const json &j, std::vector<std::string> &names) {
  if (j.is_object()) {
    if (j.contains("class_name") && j["class_name"] == "__keras_tensor__" && j.contains("config") &&
        j["config"].contains("keras_history") && j["config"]["keras_history"].is_array() &&
        !j["config"]["keras_history"].empty() && j["config"]["keras_history"][0].is_string()) {
      names.push_back(j["config"]["keras_history"][0].get<std::string>());
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      collectKerasHistory(it.value(), names);
  } else if (j.is_array()) {
    for (const json &e : j)
      collectKerasHistory(e, names);
  }
}

std::vector<std::string> parseInbound(const LayerContext &ctx, const json &layer) {
  std::vector<std::string> names;
  if (!layer.contains("inbound_nodes") || layer["inbound_nodes"].is_null())
    return names;
  const json &nodes = layer["inbound_nodes"];
  if (!nodes.is_array())
    ctx.fail("'inbound_nodes' must be a list");
  if (nodes.size() > 1)
    ctx.fail("is called more than once (shared layers are not supported)");
  if (nodes.empty())
    return names;
  const json &node = nodes[0];
  if (node.is_object()) { // Keras 3: {"args": [...], "kwargs": {...}}
    collectKerasHistory(node, names);
  } else if (node.is_array()) { // Keras 2: [["name", node, tensor, {kwargs}], ...]
    for (const json &ref : node) {
      if (!ref.is_array() || ref.empty() || !ref[0].is_string())
        ctx.fail("malformed entry in 'inbound_nodes': " + ref.dump());
      names.push_back(ref[0].get<std::string>());
    }
  } else {
    ctx.fail("malformed 'inbound_nodes'");
  }
  return names;
}

/// `input_layers` / `output_layers`: [["name", 0, 0], ...] or, for one tensor in Keras 3,
/// ["name", 0, 0].
std::vector<std::string> endpointNames(const LayerContext &ctx, const json &j) {
  std::vector<std::string> names;
  if (!j.is_array())
    ctx.fail("'input_layers'/'output_layers' must be lists");
  if (!j.empty() && j[0].is_string()) {
    names.push_back(j[0].get<std::string>());
    return names;
  }
  for (const json &e : j) {
    if (!e.is_array() || e.empty() || !e[0].is_string())
      ctx.fail("malformed 'input_layers'/'output_layers' entry: " + e.dump());
    names.push_back(e[0].get<std::string>());
  }
  return names;
}

int detectKerasMajor(const json &root) {
  if (root.contains("keras_version") && root["keras_version"].is_string()) {
    std::string v = root["keras_version"].get<std::string>();
    if (!v.empty() && v[0] >= '1' && v[0] <= '9')
      return v[0] - '0';
  }
  // Keras 3 configs carry "module" keys and DTypePolicy objects; Keras 2 JSON rarely does.
  std::string text = root.dump();
  return text.find("\"DTypePolicy\"") != std::string::npos ||
                 text.find("\"__keras_tensor__\"") != std::string::npos
             ? 3
             : 2;
}

void parseSequential(const LayerContext &modelCtx, const json &root, const json &config,
                     int kerasMajor, Model &model) {
  const json *layers = &config;
  if (config.is_object()) {
    layers = &member(modelCtx, config, "layers");
    if (config.contains("name") && config["name"].is_string())
      model.name = config["name"].get<std::string>();
  }
  if (!layers->is_array())
    modelCtx.fail("Sequential 'layers' must be a list");
  std::string previous;
  for (const json &layerJson : *layers) {
    LayerContext ctx{modelCtx.path, "", "", &model.warnings};
    ctx.className = stringMember(ctx, layerJson, "class_name");
    const json &c = member(ctx, layerJson, "config");
    ctx.name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>()
                                                           : ctx.className;
    rejectUncompilable(ctx, c);
    if (previous.empty() && ctx.className != "InputLayer") {
      std::optional<std::vector<Dim>> shape = declaredInputShape(ctx, c);
      // Keras 3 keeps it in build_config, beside the model's or the layer's config.
      for (const json *holder : {&config, &root, &layerJson}) {
        if (shape || !holder->is_object())
          continue;
        if (holder->contains("build_input_shape") && !(*holder)["build_input_shape"].is_null())
          shape = shapeList(ctx, (*holder)["build_input_shape"], "build_input_shape");
        else if (holder->contains("build_config") && (*holder)["build_config"].is_object() &&
                 (*holder)["build_config"].contains("input_shape"))
          shape = shapeList(ctx, (*holder)["build_config"]["input_shape"], "input_shape");
      }
      if (!shape)
        ctx.fail("the model's input shape is unknown: no InputLayer and no "
                 "'batch_input_shape'/'input_shape' on the first layer");
      std::string inputName = ctx.name + "_input";
      model.layers.push_back({inputName, "InputLayer", InputConfig{*shape}, {}});
      model.inputs.push_back(inputName);
      previous = inputName;
    }
    Layer layer{ctx.name, ctx.className, parseLayerConfig(ctx, c, kerasMajor), {}};
    if (ctx.className == "InputLayer") {
      if (!previous.empty())
        ctx.fail("an InputLayer must come first in a Sequential model");
      model.inputs.push_back(layer.name);
    } else {
      layer.inbound.push_back(previous);
    }
    previous = layer.name;
    model.layers.push_back(std::move(layer));
  }
  if (previous.empty())
    modelCtx.fail("the Sequential model has no layers");
  model.outputs.push_back(previous);
}

void parseFunctional(const LayerContext &modelCtx, const json &config, int kerasMajor,
                     Model &model) {
  model.functional = true;
  if (config.contains("name") && config["name"].is_string())
    model.name = config["name"].get<std::string>();
  const json &layers = member(modelCtx, config, "layers");
  if (!layers.is_array())
    modelCtx.fail("'layers' must be a list");
  for (const json &layerJson : layers) {
    LayerContext ctx{modelCtx.path, "", "", &model.warnings};
    ctx.className = stringMember(ctx, layerJson, "class_name");
    const json &c = member(ctx, layerJson, "config");
    ctx.name = layerJson.contains("name") && layerJson["name"].is_string()
                   ? layerJson["name"].get<std::string>()
                   : stringMember(ctx, c, "name");
    rejectUncompilable(ctx, c);
    Layer layer{ctx.name, ctx.className, parseLayerConfig(ctx, c, kerasMajor),
                parseInbound(ctx, layerJson)};
    model.layers.push_back(std::move(layer));
  }
  model.inputs = endpointNames(modelCtx, member(modelCtx, config, "input_layers"));
  model.outputs = endpointNames(modelCtx, member(modelCtx, config, "output_layers"));
}

/// Checks names are unique, producers exist and come first, and endpoints exist.
void checkGraph(const std::string &path, const Model &model) {
  std::set<std::string> seen;
  for (const Layer &layer : model.layers) {
    LayerContext ctx{path, layer.name, layer.className};
    for (const std::string &producer : layer.inbound)
      if (!seen.count(producer))
        ctx.fail("takes its input from '" + producer +
                 "', which is not an earlier layer of the model (dangling input or cycle)");
    if (!seen.insert(layer.name).second)
      ctx.fail("the layer name is used twice");
    bool isInput = std::holds_alternative<InputConfig>(layer.config);
    if (!isInput && layer.inbound.empty())
      ctx.fail("has no inputs");
  }
  LayerContext ctx{path, "", ""};
  for (const std::string &name : model.inputs)
    if (!seen.count(name))
      ctx.fail("model input '" + name + "' is not a layer of the model");
  for (const std::string &name : model.outputs)
    if (!seen.count(name))
      ctx.fail("model output '" + name + "' is not a layer of the model");
  if (model.inputs.empty() || model.outputs.empty())
    ctx.fail("the model has no inputs or no outputs");
}

} // namespace

Status parseModelJson(const std::string &text, const std::string &sourcePath, Model &out,
                      const std::string &kerasVersion) {
  try {
    LayerContext ctx{sourcePath, "", ""};
    // Bounded nesting: hostile files must not exhaust the stack of later recursive walks.
    json root = json::parse(text, [&](int depth, json::parse_event_t, json &) {
      if (depth > kMaxJsonDepth)
        ctx.fail("JSON nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      return true;
    });
    if (!root.is_object())
      ctx.fail("not a Keras model configuration (expected a JSON object)");
    if (root.contains("backend") && root["backend"] == "theano")
      ctx.fail("the model was saved with the Theano backend (flipped kernels); re-save it with "
               "TensorFlow-backend Keras 2 or Keras 3");
    std::string className = stringMember(ctx, root, "class_name");
    const json &config = member(ctx, root, "config");
    Model model;
    model.sourcePath = sourcePath;
    if (!kerasVersion.empty())
      root["keras_version"] = kerasVersion;
    if (root.contains("keras_version") && root["keras_version"].is_string())
      model.kerasVersion = root["keras_version"].get<std::string>();
    int kerasMajor = detectKerasMajor(root);
    if (className == "Sequential")
      parseSequential(ctx, root, config, kerasMajor, model);
    else if (className == "Functional" || className == "Model")
      parseFunctional(ctx, config, kerasMajor, model);
    else
      ctx.fail("top-level class '" + className +
               "' is not a model (expected Sequential, Functional or Model)");
    if (model.name.empty())
      model.name = "model";
    checkGraph(sourcePath, model);
    out = std::move(model);
    return Status::ok();
  } catch (const json::exception &e) {
    std::string what = e.what();
    return Status::error(sourcePath + ": malformed JSON: " + what.substr(what.find(']') + 2));
  } catch (const KerasError &e) {
    return Status::error(e.what());
  }
}

} // namespace kconv::keras
