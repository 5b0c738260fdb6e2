// Keras model configuration JSON -> kconv::keras::Model. Every accepted variation is
// listed in shared/KERAS-FORMATS.md; anything else is a ParseError naming the layer.
#include "kconv/Keras/KerasLoader.h"

#include "KerasError.h"
#include "KerasJson.h"
#include "KerasNames.h"
#include "kconv/Keras/Regularizers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace kconv::keras {
namespace {

using nlohmann::json;

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

/// A reference to a tensor, [name, node_index, tensor_index, ...] (Keras 2 inbound
/// nodes, Keras 3 keras_history, input/output_layers): the producer's name, after checking
/// that the node and the tensor exist. Every layer kconv compiles is called once (shared
/// layers are rejected) and has one output, so both indices must be 0; absent indices
/// (older files) mean 0.
std::string tensorReference(const LayerContext &ctx, const json &ref, const char *where) {
  if (!ref.is_array() || ref.empty() || !ref[0].is_string())
    ctx.fail(std::string("malformed entry in '") + where + "': " + ref.dump());
  std::string producer = ref[0].get<std::string>();
  const char *role[2] = {"node", "tensor"};
  for (size_t i = 1; i < 3 && i < ref.size(); ++i) {
    const json &index = ref[i];
    if (!index.is_number_integer())
      ctx.fail(std::string("'") + where + "': the " + role[i - 1] + " index of '" + producer +
               "' must be an integer, got " + index.dump());
    if (index.get<uint64_t>() == 0) // (a conversion that maps only 0 to 0)
      continue;
    ctx.fail(std::string("'") + where + "' refers to " + role[i - 1] + " " + index.dump() +
             " of layer '" + producer + "', which does not exist ('" + producer + "' has " +
             (i == 1 ? "one node: it is called once" : "one output tensor") + ")");
  }
  return producer;
}

/// Producer names from a layer's Keras 3 inbound node: every __keras_tensor__ in it.
void collectKerasHistory(const LayerContext &ctx, const json &j, std::vector<std::string> &names) {
  if (j.is_object()) {
    if (j.contains("class_name") && j["class_name"] == "__keras_tensor__") {
      if (!j.contains("config") || !j["config"].is_object() ||
          !j["config"].contains("keras_history"))
        ctx.fail("a tensor in 'inbound_nodes' has no 'keras_history': " + j.dump());
      names.push_back(tensorReference(ctx, j["config"]["keras_history"], "keras_history"));
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it)
      collectKerasHistory(ctx, it.value(), names);
  } else if (j.is_array()) {
    for (const json &e : j)
      collectKerasHistory(ctx, e, names);
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
    collectKerasHistory(ctx, node, names);
  } else if (node.is_array()) { // Keras 2: [["name", node, tensor, {kwargs}], ...]
    for (const json &ref : node)
      names.push_back(tensorReference(ctx, ref, "inbound_nodes"));
  } else {
    ctx.fail("malformed 'inbound_nodes'");
  }
  return names;
}

/// `input_layers` / `output_layers`: [["name", 0, 0], ...] or, for one tensor in Keras 3,
/// ["name", 0, 0].
std::vector<std::string> endpointNames(const LayerContext &ctx, const json &j,
                                       const char *where) {
  std::vector<std::string> names;
  if (!j.is_array())
    ctx.fail("'input_layers'/'output_layers' must be lists");
  if (!j.empty() && j[0].is_string()) {
    names.push_back(tensorReference(ctx, j, where));
    return names;
  }
  for (const json &e : j)
    names.push_back(tensorReference(ctx, e, where));
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
  model.inputs =
      endpointNames(modelCtx, member(modelCtx, config, "input_layers"), "input_layers");
  model.outputs =
      endpointNames(modelCtx, member(modelCtx, config, "output_layers"), "output_layers");
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
    json root = parseJsonDocument(text, sourcePath);
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
