// Keras model configuration JSON -> kconv::keras::Model. Every accepted variation is
// listed in shared/KERAS-FORMATS.md; anything else is a ParseError naming the layer.
#include "kconv/Keras/KerasLoader.h"

#include "KerasError.h"
#include "KerasJson.h"
#include "KerasNames.h"
#include "kconv/Keras/Regularizers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <map>
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
/// nodes, Keras 3 keras_history, input/output_layers), with absent indices (older files)
/// meaning 0. The indices are checked against the producer when it is resolved.
struct TensorRef {
  std::string layer;
  uint64_t node = 0, tensor = 0;
};

TensorRef tensorReference(const LayerContext &ctx, const json &ref, const char *where) {
  if (!ref.is_array() || ref.empty() || !ref[0].is_string())
    ctx.fail(std::string("malformed entry in '") + where + "': " + ref.dump());
  TensorRef result{ref[0].get<std::string>()};
  const char *role[2] = {"node", "tensor"};
  for (size_t i = 1; i < 3 && i < ref.size(); ++i) {
    const json &index = ref[i];
    if (!index.is_number_integer() || (index.is_number_integer() && !index.is_number_unsigned() &&
                                       index.get<int64_t>() < 0))
      ctx.fail(std::string("'") + where + "': the " + role[i - 1] + " index of '" +
               result.layer + "' must be an integer >= 0, got " + index.dump());
    (i == 1 ? result.node : result.tensor) = index.get<uint64_t>();
  }
  return result;
}

/// The tensors of a layer's Keras 3 inbound node: every __keras_tensor__ in it.
void collectKerasHistory(const LayerContext &ctx, const json &j, std::vector<TensorRef> &refs) {
  if (j.is_object()) {
    if (j.contains("class_name") && j["class_name"] == "__keras_tensor__") {
      if (!j.contains("config") || !j["config"].is_object() ||
          !j["config"].contains("keras_history"))
        ctx.fail("a tensor in 'inbound_nodes' has no 'keras_history': " + j.dump());
      refs.push_back(tensorReference(ctx, j["config"]["keras_history"], "keras_history"));
      return;
    }
    for (const char *key : {"args", "kwargs"}) // arguments first, as Keras calls
      if (j.contains(key))
        collectKerasHistory(ctx, j[key], refs);
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "args" && it.key() != "kwargs")
        collectKerasHistory(ctx, it.value(), refs);
  } else if (j.is_array()) {
    for (const json &e : j)
      collectKerasHistory(ctx, e, refs);
  }
}

/// Layers whose call takes tensors by name (query, value, key) beside the first
/// argument, and arguments that change what they compute (use_causal_mask).
bool takesNamedTensors(const std::string &className) {
  return className == "MultiHeadAttention" || className == "GroupedQueryAttention" ||
         className == "Attention" || className == "AdditiveAttention";
}

/// A Keras 2 tensor reference in call kwargs: ["name", node, tensor].
bool isKeras2TensorRef(const json &j) {
  return j.is_array() && j.size() == 3 && j[0].is_string() && j[1].is_number_integer() &&
         j[2].is_number_integer();
}

bool isKeras3Tensor(const json &j) {
  return j.is_object() && j.contains("class_name") && j["class_name"] == "__keras_tensor__";
}

/// One call of an attention layer: its tensors in the order query, value, key (the
/// positional ones first, as Keras binds them, then those passed by name), then a
/// MultiHeadAttention's `attention_mask` tensor (`kwargs` then holds
/// "attention_mask": true), and in `kwargs` its other arguments (use_causal_mask,
/// return_attention_scores, ...). Other masks given as tensors are refused.
std::vector<TensorRef> attentionCall(const LayerContext &ctx, const json &node, bool keras3,
                                     json &kwargs) {
  std::vector<TensorRef> refs;
  json named = json::object();
  if (keras3) {
    if (node.contains("args"))
      collectKerasHistory(ctx, node["args"], refs);
    if (node.contains("kwargs") && node["kwargs"].is_object())
      named = node["kwargs"];
  } else {
    for (const json &ref : node) {
      refs.push_back(tensorReference(ctx, ref, "inbound_nodes"));
      if (ref.is_array() && ref.size() > 3 && ref[3].is_object())
        named = ref[3];
    }
  }
  auto isTensor = [&](const json &v) {
    return keras3 ? isKeras3Tensor(v) : isKeras2TensorRef(v);
  };
  kwargs = json::object();
  for (const char *role : {"inputs", "query", "value", "key"}) {
    auto it = named.find(role);
    if (it == named.end() || it->is_null())
      continue;
    if (keras3)
      collectKerasHistory(ctx, *it, refs);
    else if (isTensor(*it))
      refs.push_back(tensorReference(ctx, *it, "inbound_nodes"));
    else if (it->is_array())
      for (const json &ref : *it)
        refs.push_back(tensorReference(ctx, ref, "inbound_nodes"));
  }
  bool multiHead =
      ctx.className == "MultiHeadAttention" || ctx.className == "GroupedQueryAttention";
  for (auto it = named.begin(); it != named.end(); ++it) {
    const std::string &arg = it.key();
    if (arg == "inputs" || arg == "query" || arg == "value" || arg == "key")
      continue;
    bool tensor = isTensor(it.value()) ||
                  (it.value().is_array() && !it.value().empty() && isTensor(it.value()[0]));
    if (tensor && multiHead && arg == "attention_mask") {
      if (keras3)
        collectKerasHistory(ctx, it.value(), refs);
      else
        refs.push_back(tensorReference(ctx, it.value(), "inbound_nodes"));
      kwargs[arg] = true;
      continue;
    }
    if (tensor)
      ctx.fail("the call argument '" + arg +
               "' (a tensor) is not supported; kconv applies the Keras masks of the "
               "inputs, MultiHeadAttention's attention_mask and use_causal_mask");
    kwargs[arg] = it.value();
  }
  return refs;
}

/// The tensors of a Keras 2 inbound node, in order: tf-keras keeps the structure of the
/// call's first argument, so a list nested in it (an RNN's initial_state given per
/// cell of StackedRNNCells: [x, [h0, c0], h1]) is flattened.
void collectKeras2Refs(const LayerContext &ctx, const json &node, std::vector<TensorRef> &refs) {
  for (const json &ref : node) {
    if (ref.is_array() && !ref.empty() && ref[0].is_array())
      collectKeras2Refs(ctx, ref, refs);
    else
      refs.push_back(tensorReference(ctx, ref, "inbound_nodes"));
  }
}

/// A layer's calls (`inbound_nodes`): per call, the tensors it takes; `callKwargs` gets,
/// per call, the non-tensor arguments of layers that take named tensors (else empty).
std::vector<std::vector<TensorRef>> parseInbound(const LayerContext &ctx, const json &layer,
                                                 std::vector<json> &callKwargs) {
  std::vector<std::vector<TensorRef>> calls;
  callKwargs.clear();
  if (!layer.contains("inbound_nodes") || layer["inbound_nodes"].is_null())
    return calls;
  const json &nodes = layer["inbound_nodes"];
  if (!nodes.is_array())
    ctx.fail("'inbound_nodes' must be a list");
  for (const json &node : nodes) {
    std::vector<TensorRef> refs;
    callKwargs.push_back(json::object());
    if (takesNamedTensors(ctx.className) && (node.is_object() || node.is_array())) {
      refs = attentionCall(ctx, node, node.is_object(), callKwargs.back());
    } else if (node.is_object()) { // Keras 3: {"args": [...], "kwargs": {...}}
      collectKerasHistory(ctx, node, refs);
    } else if (node.is_array()) { // Keras 2: [["name", node, tensor, {kwargs}], ...]
      collectKeras2Refs(ctx, node, refs);
    } else {
      ctx.fail("malformed 'inbound_nodes'");
    }
    calls.push_back(std::move(refs));
  }
  return calls;
}

/// `input_layers` / `output_layers`: [["name", 0, 0], ...] or, for one tensor in Keras 3,
/// ["name", 0, 0].
std::vector<TensorRef> endpointRefs(const LayerContext &ctx, const json &j, const char *where) {
  std::vector<TensorRef> refs;
  if (!j.is_array())
    ctx.fail("'input_layers'/'output_layers' must be lists");
  if (!j.empty() && j[0].is_string()) {
    refs.push_back(tensorReference(ctx, j, where));
    return refs;
  }
  for (const json &e : j)
    refs.push_back(tensorReference(ctx, e, where));
  return refs;
}

/// A tensor plus, minus, times or divided by a number, as Keras writes a Python operator
/// on a tensor of a functional model (keras.applications' MobileNetV3 writes its hard
/// sigmoid as `ReLU(6.0)(x + 3.0) * (1.0 / 6.0)`): Keras 2 a TFOpLambda layer (function
/// "__operators__.add", "math.multiply", ...; the number in the call's kwargs as "y"),
/// Keras 3 an operation of keras.ops (module "keras.src.ops.numpy", class Add, Multiply,
/// ...; the number beside the tensor in the call's args). Returns the equivalent
/// Rescaling config, or nullopt if the entry is no operation; fails on an operation of
/// keras.ops (or an arithmetic TFOpLambda) that is not a tensor and a number.
std::optional<json> scalarOperation(const LayerContext &ctx, const json &layerJson) {
  static const char *kOnlyScalarArithmetic =
      "kconv compiles tensor arithmetic only as a tensor plus, minus, times or divided by a "
      "number";
  static const std::map<std::string, std::string> keras2Functions = {
      {"__operators__.add", "add"},     {"math.add", "add"},
      {"math.multiply", "multiply"},    {"math.subtract", "subtract"},
      {"math.truediv", "divide"},       {"math.divide", "divide"}};
  static const std::map<std::string, std::string> keras3Classes = {
      {"Add", "add"}, {"Multiply", "multiply"}, {"Subtract", "subtract"},
      {"Divide", "divide"}, {"TrueDivide", "divide"}};
  const json &config = layerJson.contains("config") ? layerJson["config"] : json();
  std::string op, what;
  std::optional<double> number;
  bool numberFirst = false;
  size_t tensors = 0;
  const json &nodes = layerJson.contains("inbound_nodes") ? layerJson["inbound_nodes"] : json();
  if (ctx.className == "TFOpLambda") {
    if (!config.is_object() || !config.contains("function") || !config["function"].is_string())
      return std::nullopt;
    std::string function = config["function"].get<std::string>();
    auto it = keras2Functions.find(function);
    if (it == keras2Functions.end())
      return std::nullopt; // Python code: rejected as such
    op = it->second;
    what = "tf." + function;
    // [[["producer", 0, 0, {"y": 3.0, "name": null}]]]: one call of one tensor.
    if (nodes.is_array() && nodes.size() == 1 && nodes[0].is_array() && nodes[0].size() == 1 &&
        nodes[0][0].is_array() && nodes[0][0].size() == 4 && nodes[0][0][3].is_object()) {
      tensors = 1;
      const json &kwargs = nodes[0][0][3];
      if (kwargs.contains("y") && kwargs["y"].is_number())
        number = kwargs["y"].get<double>();
    }
  } else {
    std::string module = layerJson.contains("module") && layerJson["module"].is_string()
                             ? layerJson["module"].get<std::string>()
                             : "";
    if (module.rfind("keras.src.ops.", 0) != 0 && module.rfind("keras.ops.", 0) != 0)
      return std::nullopt;
    what = "the operation " + module + "." + ctx.className;
    auto it = keras3Classes.find(ctx.className);
    if (it == keras3Classes.end())
      ctx.fail(what + " (keras.ops) is not supported: " + kOnlyScalarArithmetic);
    op = it->second;
    // [{"args": [tensor, 3.0], "kwargs": {}}], the number on either side.
    if (nodes.is_array() && nodes.size() == 1 && nodes[0].is_object() &&
        nodes[0].contains("args") && nodes[0]["args"].is_array() &&
        nodes[0]["args"].size() == 2 &&
        (!nodes[0].contains("kwargs") || nodes[0]["kwargs"].empty())) {
      for (const json &arg : nodes[0]["args"]) {
        if (arg.is_number()) {
          numberFirst = !tensors && !number;
          number = arg.get<double>();
        } else if (arg.is_object() && arg.value("class_name", "") == "__keras_tensor__") {
          ++tensors;
        }
      }
    }
  }
  if (tensors != 1 || !number)
    ctx.fail(what + " takes other operands than one tensor and one number: " +
             kOnlyScalarArithmetic);
  double scale = 1, offset = 0;
  if (op == "add") {
    offset = *number;
  } else if (op == "multiply") {
    scale = *number;
  } else if (op == "subtract") {
    scale = numberFirst ? -1 : 1;
    offset = numberFirst ? *number : -*number;
  } else {
    if (numberFirst)
      ctx.fail(what + " divides a number by a tensor: " + kOnlyScalarArithmetic);
    if (*number == 0)
      ctx.fail(what + " divides by zero");
    scale = 1 / *number;
  }
  return json{{"name", config.is_object() ? config.value("name", "") : ""},
              {"scale", scale},
              {"offset", offset}};
}

/// A function of keras.ops called on tensors of a Keras 3 functional model: an
/// activation of one tensor (`keras.ops.gelu(x)`, `keras.activations.relu(x)`,
/// `keras.ops.tanh(x)`: module keras.src.ops.nn or .numpy, class Gelu, Relu, Tanh, ...,
/// the function's arguments in its config), or an element-wise add, subtract, multiply,
/// maximum or minimum of two tensors (`x * keras.ops.sigmoid(x)`). Returns the class
/// kconv parses it as, "keras.ops.<Class>" (parseLayerConfig), or nullopt for any other
/// entry (scalarOperation's tensor-number arithmetic among them); fails on an activation
/// called with other operands than one tensor.
std::optional<std::string> tensorOperationClass(const LayerContext &ctx,
                                                const json &layerJson) {
  std::string module = layerJson.contains("module") && layerJson["module"].is_string()
                           ? layerJson["module"].get<std::string>()
                           : "";
  if (module.rfind("keras.src.ops.", 0) != 0 && module.rfind("keras.ops.", 0) != 0)
    return std::nullopt;
  bool binary = isMergeOperation(ctx.className);
  if (!binary && !activationOperation(ctx.className))
    return std::nullopt;
  // [{"args": [tensor] or [tensor, tensor], "kwargs": {}}]: one call of tensors only.
  const json &nodes = layerJson.contains("inbound_nodes") ? layerJson["inbound_nodes"] : json();
  size_t tensors = 0;
  bool onlyTensors = nodes.is_array() && nodes.size() == 1 && nodes[0].is_object() &&
                     nodes[0].contains("args") && nodes[0]["args"].is_array() &&
                     (!nodes[0].contains("kwargs") || nodes[0]["kwargs"].empty());
  if (onlyTensors)
    for (const json &arg : nodes[0]["args"])
      if (arg.is_object() && arg.value("class_name", "") == "__keras_tensor__")
        ++tensors;
      else
        onlyTensors = false;
  if (binary)
    return onlyTensors && tensors == 2 ? std::optional<std::string>("keras.ops." + ctx.className)
                                       : std::nullopt;
  if (!onlyTensors || tensors != 1)
    ctx.fail("the operation " + module + "." + ctx.className +
             " takes other operands than one tensor (its arguments belong in its config)");
  return "keras.ops." + ctx.className;
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

/// Nested models deeper than this are refused (Keras models nest a few levels).
constexpr int kMaxModelNesting = 32;
/// A nested model called N times becomes N copies of its layers: a model of a few
/// nested models each called twice would otherwise grow exponentially.
constexpr size_t kMaxFlatLayers = size_t(1) << 17;

bool isModelClass(const std::string &className, const json &config) {
  return (className == "Sequential" || className == "Functional" || className == "Model") &&
         (config.is_object() || config.is_array());
}

/// Flattens a model and every model nested in it (as a layer) into one graph of
/// layers: a nested model's layers are inlined under "outer/inner", its inputs bound to
/// the tensors the outer call passes; the second and later calls of a layer (a shared
/// layer, or a nested model called again) are copies named "name@N" whose weights are
/// those of the first call (Layer::weightOwner). Each layer records where its weights
/// are stored: Keras 3 by saving path (`layers/<class>/layers/<class>/vars`), Keras 2
/// in the group of the top-level nested model, split by weight name.
class Flattener {
public:
  Flattener(const std::string &path, const json &root, int kerasMajor, Model &model)
      : path(path), root(root), kerasMajor(kerasMajor), model(model) {}

  struct Scope {
    std::string prefix;      // flat name prefix of this call: "" or "outer/", "outer@1/"
    std::string ownerPrefix; // that of the first call: weights are stored once
    std::string keras3Prefix; // "" or "functional/layers/"
    std::string keras2Group;  // the top-level nested model's name; "" at the top level
    std::string modelName;    // for messages: the nested model's path ("" at the top)
    int depth = 0;
  };

  /// One call of a model (the top level when `bound` is null): its output tensors.
  std::vector<std::string> inlineModel(const LayerContext &modelCtx, const std::string &className,
                                       const json &config, const Scope &scope,
                                       const std::vector<std::string> *bound) {
    if (scope.depth > kMaxModelNesting)
      modelCtx.fail("models are nested more than " + std::to_string(kMaxModelNesting) +
                    " levels deep");
    if (className == "Sequential")
      return inlineSequential(modelCtx, config, scope, bound);
    return inlineFunctional(modelCtx, config, scope, bound);
  }

private:
  const std::string &path;
  const json &root;
  int kerasMajor;
  Model &model;

  std::string keras3Name(std::map<std::string, int> &used, const std::string &className) {
    std::string name = kerasSnakeCase(className);
    auto [it, fresh] = used.emplace(name, 0);
    if (!fresh)
      name += "_" + std::to_string(++it->second);
    return name;
  }

  void checkSize(const LayerContext &ctx) {
    if (model.layers.size() >= kMaxFlatLayers)
      ctx.fail("the model has more than " + std::to_string(kMaxFlatLayers) +
               " layers once its nested models are inlined (nested models called many times?)");
  }

  /// Adds call `call` of a (non-model) layer; returns its flat name.
  /// (`ctx` names the layer with its nested models' path, for messages.)
  std::string addLayer(const LayerContext &ctx, const std::string &name, const json &config,
                       const Scope &scope, const std::string &keras3Name, size_t call,
                       std::vector<std::string> inbound, const json &callKwargs = json()) {
    checkSize(ctx);
    Layer layer{scope.prefix + name + (call ? "@" + std::to_string(call) : ""),
                ctx.className, parseLayerConfig(ctx, config, kerasMajor), std::move(inbound)};
    if (callKwargs.is_object())
      applyCallArguments(ctx, callKwargs, layer.config);
    std::string owner = scope.ownerPrefix + name;
    if (owner != layer.name)
      layer.weightOwner = owner;
    layer.keras3Path = scope.keras3Prefix + keras3Name;
    if (!scope.keras2Group.empty()) {
      layer.keras2Group = scope.keras2Group;
      layer.keras2Scope = name;
    }
    model.layers.push_back(std::move(layer));
    return model.layers.back().name;
  }

  /// A recurrent layer with return_state (the last layer added, `outputs` its one
  /// output) has more output tensors, its final states: a layer of its own each.
  void addStateOutputs(const LayerContext &ctx, std::vector<std::string> &outputs) {
    const Layer &rnn = model.layers.back();
    const auto *config = std::get_if<RecurrentConfig>(&rnn.config);
    if (const auto *convLstm = std::get_if<ConvLstmConfig>(&rnn.config))
      config = &convLstm->rnn;
    const auto *stacked = std::get_if<StackedRecurrentConfig>(&rnn.config);
    if (stacked)
      config = &stacked->cells[0]; // every cell holds the RNN's return_state
    if (!config || !config->returnState)
      return;
    // Stacked cells: every cell's states in order ("#cell0_state_h", ...).
    int states = stacked ? int(stacked->stateCount()) : config->stateCount();
    std::string name = rnn.name;
    for (int i = 1; i <= states; ++i) {
      checkSize(ctx);
      std::string suffix = "#state_h";
      if (stacked) {
        auto [cell, which] = stacked->stateAt(size_t(i - 1));
        suffix = "#cell" + std::to_string(cell) + (which ? "_state_c" : "_state_h");
      } else if (i == 2) {
        suffix = "#state_c";
      }
      model.layers.push_back(
          Layer{name + suffix, "RecurrentState", RecurrentStateConfig{i}, {name}});
      outputs.push_back(model.layers.back().name);
    }
  }

  Scope nestedScope(const Scope &scope, const std::string &name, size_t call,
                    const std::string &keras3Name) {
    Scope inner;
    inner.prefix = scope.prefix + name + (call ? "@" + std::to_string(call) : "") + "/";
    inner.ownerPrefix = scope.ownerPrefix + name + "/";
    inner.keras3Prefix = scope.keras3Prefix + keras3Name + "/layers/";
    inner.keras2Group = scope.keras2Group.empty() ? name : scope.keras2Group;
    inner.modelName = scope.modelName.empty() ? name : scope.modelName + "/" + name;
    inner.depth = scope.depth + 1;
    return inner;
  }

  /// The name a layer entry gives itself (Functional: beside its config, or inside).
  static std::string entryName(const LayerContext &ctx, const json &layerJson, const json &c) {
    if (layerJson.contains("name") && layerJson["name"].is_string())
      return layerJson["name"].get<std::string>();
    if (c.is_object() && c.contains("name") && c["name"].is_string())
      return c["name"].get<std::string>();
    return ctx.className;
  }

  std::vector<std::string> inlineSequential(const LayerContext &modelCtx, const json &config,
                                            const Scope &scope,
                                            const std::vector<std::string> *bound) {
    const json *layers = &config;
    if (config.is_object()) {
      layers = &member(modelCtx, config, "layers");
      if (!bound && config.contains("name") && config["name"].is_string())
        model.name = config["name"].get<std::string>();
    }
    if (!layers->is_array())
      modelCtx.fail("Sequential 'layers' must be a list");
    if (bound && bound->size() != 1)
      modelCtx.fail("the nested Sequential model is called with " +
                    std::to_string(bound->size()) + " tensors; it takes one");
    std::string previous = bound ? (*bound)[0] : "";
    bool first = true;
    std::map<std::string, int> used;
    for (const json &layerJson : *layers) {
      LayerContext ctx{modelCtx.path, "", "", &model.warnings};
      ctx.className = stringMember(ctx, layerJson, "class_name");
      const json &c = member(ctx, layerJson, "config");
      std::string name = c.is_object() && c.contains("name") && c["name"].is_string()
                             ? c["name"].get<std::string>()
                             : ctx.className;
      ctx.name = scope.prefix + name;
      if (c.is_object())
        rejectUncompilable(ctx, c);
      std::string k3 = keras3Name(used, ctx.className);
      bool wasFirst = first;
      first = false;
      if (ctx.className == "InputLayer") {
        if (!wasFirst)
          ctx.fail("an InputLayer must come first in a Sequential model");
        if (bound)
          continue; // the outer call's tensor
        checkSize(ctx);
        model.layers.push_back(
            {scope.prefix + name, ctx.className, parseLayerConfig(ctx, c, kerasMajor), {}});
        model.inputs.push_back(model.layers.back().name);
        previous = model.layers.back().name;
        continue;
      }
      if (previous.empty()) {
        std::optional<std::vector<Dim>> shape =
            c.is_object() ? declaredInputShape(ctx, c) : std::nullopt;
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
        if (!shape && isModelClass(ctx.className, c)) {
          // A nested model first: its own InputLayer's shape.
          const json &inner = c.is_object() && c.contains("layers") ? c["layers"] : c;
          for (const json &l : inner)
            if (!shape && l.is_object() && l.contains("class_name") &&
                l["class_name"] == "InputLayer" && l.contains("config") &&
                l["config"].is_object())
              shape = declaredInputShape(ctx, l["config"]);
        }
        if (!shape)
          ctx.fail("the model's input shape is unknown: no InputLayer and no "
                   "'batch_input_shape'/'input_shape' on the first layer");
        std::string inputName = name + "_input";
        model.layers.push_back({inputName, "InputLayer", InputConfig{*shape}, {}});
        model.inputs.push_back(inputName);
        previous = inputName;
      }
      if (isModelClass(ctx.className, c)) {
        std::vector<std::string> in{previous};
        std::vector<std::string> out =
            inlineModel(ctx, ctx.className, c, nestedScope(scope, name, 0, k3), &in);
        if (out.size() != 1)
          ctx.fail("a model inside a Sequential model must have one output, this one has " +
                   std::to_string(out.size()));
        previous = out[0];
        continue;
      }
      previous = addLayer(ctx, name, c, scope, k3, 0, {previous});
    }
    if (previous.empty() || (bound && previous == (*bound)[0]))
      modelCtx.fail("the Sequential model has no layers");
    if (!bound)
      model.outputs.push_back(previous);
    return {previous};
  }

  /// One entry of a Functional model's `layers`.
  struct Entry {
    LayerContext ctx; // named with the nested models' path, for messages
    std::string name; // as in the file
    const json *layerJson = nullptr, *config = nullptr;
    bool isInput = false, isModel = false;
    // Keras numbers a nested model's calls from 1 where the model has a node of its own
    // (its construction): in `inbound_nodes` (Keras 2) and in input/output_layers.
    uint64_t inboundBase = 0, endpointBase = 0;
    std::string keras3Name;
    std::vector<std::vector<TensorRef>> calls;
    std::vector<json> callKwargs; // per call: attention layers' non-tensor arguments
    std::vector<std::optional<std::vector<std::string>>> outputs; // per call, once done
  };

  /// Keras 2: a Functional model, or a Sequential one with an InputLayer, is built when
  /// created (a node of its own before any call); Keras 3: a Functional model only, and
  /// only in input/output_layers (keras_history counts the model's own calls).
  void setBases(Entry &e) {
    if (!e.isModel)
      return;
    bool functional = e.ctx.className != "Sequential";
    if (kerasMajor >= 3) {
      e.endpointBase = functional ? 1 : 0;
      return;
    }
    bool built = functional;
    if (!functional) {
      const json *layers = e.config->is_object() && e.config->contains("layers")
                               ? &(*e.config)["layers"]
                               : e.config;
      built = layers->is_array() && !layers->empty() && (*layers)[0].is_object() &&
              (*layers)[0].contains("class_name") && (*layers)[0]["class_name"] == "InputLayer";
    }
    e.inboundBase = e.endpointBase = built ? 1 : 0;
  }

  /// The call of `producer` a reference means; fails on indices that do not exist.
  size_t callOf(const LayerContext &ctx, const Entry &producer, const TensorRef &ref,
                uint64_t base, const char *where) {
    size_t calls = producer.isInput ? 1 : producer.calls.size();
    if (producer.isInput)
      base = 0;
    if (ref.node < base || ref.node - base >= calls)
      ctx.fail(std::string("'") + where + "' refers to node " + std::to_string(ref.node) +
               " of layer '" + ref.layer + "', which does not exist ('" + ref.layer +
               (calls == 1 && !base ? "' has one node: it is called once)"
                                    : "' is called " + std::to_string(calls) + " time" +
                                          (calls == 1 ? "" : "s") +
                                          (base ? ", numbered from 1)" : ")")));
    return size_t(ref.node - base);
  }

  std::vector<std::string> inlineFunctional(const LayerContext &modelCtx, const json &config,
                                            const Scope &scope,
                                            const std::vector<std::string> *bound) {
    if (!bound) {
      model.functional = true;
      if (config.contains("name") && config["name"].is_string())
        model.name = config["name"].get<std::string>();
    }
    const json &layers = member(modelCtx, config, "layers");
    if (!layers.is_array())
      modelCtx.fail("'layers' must be a list");
    std::vector<Entry> entries;
    std::deque<json> operations; // the Rescaling configs of scalar operations
    std::map<std::string, size_t> byName;
    std::map<std::string, int> used;
    for (const json &layerJson : layers) {
      Entry e{LayerContext{modelCtx.path, "", "", &model.warnings}};
      e.ctx.className = stringMember(e.ctx, layerJson, "class_name");
      e.layerJson = &layerJson;
      e.config = &member(e.ctx, layerJson, "config");
      e.name = entryName(e.ctx, layerJson, *e.config);
      e.ctx.name = scope.prefix + e.name;
      if (!layerJson.contains("name") && !(e.config->is_object() && e.config->contains("name")))
        stringMember(e.ctx, *e.config, "name"); // the error of a missing name
      if (std::optional<std::string> op = tensorOperationClass(e.ctx, layerJson))
        e.ctx.className = *op;
      else if (std::optional<json> rescaling = scalarOperation(e.ctx, layerJson)) {
        e.ctx.className = "Rescaling";
        e.config = &operations.emplace_back(std::move(*rescaling));
      }
      if (e.config->is_object())
        rejectUncompilable(e.ctx, *e.config);
      e.isInput = e.ctx.className == "InputLayer";
      e.isModel = isModelClass(e.ctx.className, *e.config);
      setBases(e);
      e.keras3Name = keras3Name(used, e.ctx.className);
      e.calls = parseInbound(e.ctx, layerJson, e.callKwargs);
      if (e.isInput)
        e.calls.assign(1, {});
      else if (e.calls.empty())
        e.ctx.fail("has no inputs");
      e.outputs.resize(e.calls.size());
      if (!byName.emplace(e.name, entries.size()).second)
        e.ctx.fail("the layer name is used twice");
      entries.push_back(std::move(e));
    }
    std::vector<TensorRef> inputRefs =
        endpointRefs(modelCtx, member(modelCtx, config, "input_layers"), "input_layers");
    std::vector<TensorRef> outputRefs =
        endpointRefs(modelCtx, member(modelCtx, config, "output_layers"), "output_layers");
    auto entryOf = [&](const LayerContext &ctx, const std::string &name,
                       const std::string &missing) -> Entry & {
      auto it = byName.find(name);
      if (it == byName.end())
        ctx.fail(missing);
      return entries[it->second];
    };
    // The model's inputs: InputLayers, bound to the outer call's tensors when nested.
    if (bound && bound->size() != inputRefs.size())
      modelCtx.fail("the nested model takes " + std::to_string(inputRefs.size()) +
                    " inputs and is called with " + std::to_string(bound->size()));
    for (size_t i = 0; i < inputRefs.size(); ++i) {
      Entry &in = entryOf(modelCtx, inputRefs[i].layer,
                          "model input '" + inputRefs[i].layer + "' is not a layer of the model");
      if (!in.isInput)
        modelCtx.fail("model input '" + inputRefs[i].layer + "' is not an InputLayer");
      if (in.outputs[0])
        modelCtx.fail("model input '" + inputRefs[i].layer + "' is listed twice");
      if (bound) {
        in.outputs[0] = std::vector<std::string>{(*bound)[i]};
      } else {
        checkSize(in.ctx);
        model.layers.push_back({scope.prefix + in.name, in.ctx.className,
                                parseLayerConfig(in.ctx, *in.config, kerasMajor), {}});
        model.inputs.push_back(model.layers.back().name);
        in.outputs[0] = std::vector<std::string>{model.layers.back().name};
      }
    }
    for (const Entry &e : entries)
      if (e.isInput && !e.outputs[0])
        e.ctx.fail("is an InputLayer that is not among the model's inputs");

    // Calls in the order of the file where their inputs allow (Keras lists layers in
    // topological order; a shared layer's later calls may depend on later layers).
    // Kahn's algorithm over (entry, call), smallest position first.
    using Key = std::pair<size_t, size_t>;
    std::map<Key, std::vector<Key>> dependents;
    std::map<Key, size_t> waiting;
    std::set<Key> ready;
    for (size_t i = 0; i < entries.size(); ++i) {
      Entry &e = entries[i];
      if (e.isInput)
        continue;
      for (size_t c = 0; c < e.calls.size(); ++c) {
        size_t count = 0;
        for (const TensorRef &ref : e.calls[c]) {
          Entry &producer = entryOf(e.ctx, ref.layer,
                                    "takes its input from '" + ref.layer +
                                        "', which is not an earlier layer of the model "
                                        "(dangling input or cycle)");
          size_t pc = callOf(e.ctx, producer, ref, producer.inboundBase,
                             kerasMajor >= 3 ? "keras_history" : "inbound_nodes");
          size_t p = byName[ref.layer];
          if (producer.outputs[pc])
            continue;
          dependents[{p, pc}].push_back({i, c});
          ++count;
        }
        if (count)
          waiting[{i, c}] = count;
        else
          ready.insert({i, c});
      }
    }
    auto resolve = [&](const LayerContext &ctx, const TensorRef &ref, uint64_t base,
                       const char *where) -> std::string {
      Entry &producer = entries[byName[ref.layer]];
      const std::vector<std::string> &outs = *producer.outputs[callOf(ctx, producer, ref, base,
                                                                       where)];
      if (ref.tensor >= outs.size())
        ctx.fail(std::string("'") + where + "' refers to tensor " + std::to_string(ref.tensor) +
                 " of layer '" + ref.layer + "', which does not exist ('" + ref.layer +
                 "' has " +
                 (outs.size() == 1 ? std::string("one output tensor")
                                   : std::to_string(outs.size()) + " output tensors") +
                 ")");
      return outs[ref.tensor];
    };
    while (!ready.empty()) {
      Key key = *ready.begin();
      ready.erase(ready.begin());
      Entry &e = entries[key.first];
      size_t call = key.second;
      std::vector<std::string> inputs;
      for (const TensorRef &ref : e.calls[call])
        inputs.push_back(resolve(e.ctx, ref, entries[byName[ref.layer]].inboundBase,
                                 kerasMajor >= 3 ? "keras_history" : "inbound_nodes"));
      if (e.isModel) {
        Scope inner = nestedScope(scope, e.name, call, e.keras3Name);
        e.outputs[call] = inlineModel(e.ctx, e.ctx.className, *e.config, inner, &inputs);
      } else {
        e.outputs[call] = std::vector<std::string>{
            addLayer(e.ctx, e.name, *e.config, scope, e.keras3Name, call, std::move(inputs),
                     call < e.callKwargs.size() ? e.callKwargs[call] : json())};
        addStateOutputs(e.ctx, *e.outputs[call]);
      }
      for (const Key &next : dependents[key])
        if (--waiting[next] == 0)
          ready.insert(next);
    }
    // What is left waits on itself: a cycle.
    for (const Entry &e : entries)
      for (size_t c = 0; c < e.calls.size(); ++c)
        if (!e.outputs[c])
          for (const TensorRef &ref : e.calls[c]) {
            const Entry &producer = entries[byName[ref.layer]];
            if (!producer.outputs[size_t(ref.node - producer.inboundBase)])
              e.ctx.fail("takes its input from '" + ref.layer +
                         "', which is not an earlier layer of the model (dangling input or "
                         "cycle)");
          }
    std::vector<std::string> outputs;
    for (const TensorRef &ref : outputRefs) {
      entryOf(modelCtx, ref.layer, "model output '" + ref.layer + "' is not a layer of the model");
      outputs.push_back(resolve(modelCtx, ref, entries[byName[ref.layer]].endpointBase,
                                "output_layers"));
    }
    if (!bound)
      model.outputs = outputs;
    return outputs;
  }
};

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
    if (className == "Sequential" || className == "Functional" || className == "Model")
      Flattener(sourcePath, root, kerasMajor, model)
          .inlineModel(ctx, className, config, Flattener::Scope{}, nullptr);
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
