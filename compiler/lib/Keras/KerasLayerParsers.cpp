// Keras layer configurations -> typed LayerConfig, one parser per layer family.
#include "KerasJson.h"
#include "KerasNames.h"
#include "kconv/Keras/Regularizers.h"

#include <algorithm>
#include <cmath>

namespace kconv::keras {

using nlohmann::json;

namespace {
/// Keras's data_format argument (null or absent: channels_last, Keras's default).
DataFormat dataFormat(const LayerContext &ctx, const json &c) {
  std::string format = lowerString(ctx, c, "data_format", "channels_last");
  if (format != "channels_last" && format != "channels_first")
    ctx.fail("'data_format' must be 'channels_last' or 'channels_first', got '" + format + "'");
  return format == "channels_first" ? DataFormat::ChannelsFirst : DataFormat::ChannelsLast;
}

Conv2DConfig parseConv2D(const LayerContext &ctx, const json &c, int kerasMajor) {
  Conv2DConfig conv;
  const std::string &cls = ctx.className;
  conv.kind = cls == "DepthwiseConv2D" || cls == "DepthwiseConv1D"   ? ConvKind::Depthwise
              : cls == "SeparableConv2D" || cls == "SeparableConv1D" ? ConvKind::Separable
              : cls == "Conv2DTranspose" || cls == "Conv1DTranspose" ||
                      cls == "Conv3DTranspose"
                  ? ConvKind::Transpose
                  : ConvKind::Standard;
  bool oneD = cls.find("1D") != std::string::npos;
  if (conv.kind != ConvKind::Depthwise) {
    if (!c.contains("filters"))
      ctx.fail("'filters' is missing");
    conv.filters = positiveInt(ctx, c["filters"], "filters");
  }
  if (conv.kind == ConvKind::Transpose && c.contains("output_padding") &&
      !c["output_padding"].is_null()) {
    auto nonNegative = [&](const json &v) {
      return boundedInt(ctx, v, "output_padding", 0, kMaxDimension);
    };
    const json &op = c["output_padding"];
    if (oneD && op.is_array() && op.size() == 1)
      conv.outputPadding = std::array<int64_t, 2>{0, nonNegative(op[0])};
    else if (oneD && op.is_number_integer())
      conv.outputPadding = std::array<int64_t, 2>{0, nonNegative(op)};
    else if (oneD)
      ctx.fail("'output_padding' must be an int or a list of one int, got " + op.dump());
    else if (cls == "Conv3DTranspose" && op.is_array() && op.size() == 3) {
      conv.outputPaddingDepth = nonNegative(op[0]);
      conv.outputPadding = std::array<int64_t, 2>{nonNegative(op[1]), nonNegative(op[2])};
    } else if (cls == "Conv3DTranspose" && !op.is_number_integer())
      ctx.fail("'output_padding' must be an int or a triple of ints, got " + op.dump());
    else if (cls == "Conv3DTranspose") {
      conv.outputPaddingDepth = nonNegative(op);
      conv.outputPadding = std::array<int64_t, 2>{nonNegative(op), nonNegative(op)};
    } else if (op.is_array() && op.size() == 2)
      conv.outputPadding = std::array<int64_t, 2>{nonNegative(op[0]), nonNegative(op[1])};
    else
      conv.outputPadding = std::array<int64_t, 2>{nonNegative(op), nonNegative(op)};
  }
  if ((conv.kind == ConvKind::Depthwise || conv.kind == ConvKind::Separable) &&
      c.contains("depth_multiplier"))
    conv.depthMultiplier = positiveInt(ctx, c["depth_multiplier"], "depth_multiplier");
  if (!c.contains("kernel_size"))
    ctx.fail("'kernel_size' is missing");
  if (oneD) {
    // One spatial axis: an int or a list of one int, held as the width of a 1 x k conv.
    conv.rank = 1;
    auto single = [&](const char *arg) -> std::array<int64_t, 2> {
      auto it = c.find(arg);
      if (it == c.end())
        return {1, 1};
      if (it->is_array() && it->size() == 1)
        return {1, positiveInt(ctx, (*it)[0], arg)};
      if (!it->is_number_integer())
        ctx.fail(std::string("'") + arg + "' must be an int or a list of one int, got " +
                 it->dump());
      return {1, positiveInt(ctx, *it, arg)};
    };
    conv.kernelSize = single("kernel_size");
    conv.strides = single("strides");
    conv.dilationRate = single("dilation_rate");
  } else if (cls == "Conv3D" || cls == "Conv3DTranspose" || cls == "ConvLSTM3D") {
    // (depth, height, width): the depth apart, height and width in the 2-D pairs.
    conv.rank = 3;
    auto triple = [&](const char *arg, std::array<int64_t, 2> &pair, int64_t &depth) {
      std::array<int64_t, 3> t = intTriple(ctx, c, arg, {1, 1, 1});
      depth = t[0];
      pair = {t[1], t[2]};
    };
    triple("kernel_size", conv.kernelSize, conv.kernelDepth);
    triple("strides", conv.strides, conv.strideDepth);
    triple("dilation_rate", conv.dilationRate, conv.dilationDepth);
    bool strided = conv.strideDepth > 1 || conv.strides[0] > 1 || conv.strides[1] > 1;
    bool dilated =
        conv.dilationDepth > 1 || conv.dilationRate[0] > 1 || conv.dilationRate[1] > 1;
    if (strided && dilated)
      ctx.fail("'strides' > 1 is not supported together with 'dilation_rate' > 1 (Keras "
               "rejects this combination)");
  } else {
    conv.kernelSize = intPair(ctx, c, "kernel_size", {1, 1});
    conv.strides = intPair(ctx, c, "strides", {1, 1});
    conv.dilationRate = intPair(ctx, c, "dilation_rate", {1, 1});
  }
  conv.padding = lowerString(ctx, c, "padding", "valid");
  // Causal padding: Conv1D and SeparableConv1D (tf-keras pads, then convolves); Keras
  // rejects it on DepthwiseConv1D, Conv1DTranspose and ConvLSTM1D.
  bool causalAllowed = conv.rank == 1 && cls != "ConvLSTM1D" &&
                       (conv.kind == ConvKind::Standard || conv.kind == ConvKind::Separable);
  if (causalAllowed && conv.padding != "valid" && conv.padding != "same" &&
      conv.padding != "causal")
    ctx.fail("'padding' must be 'valid', 'same' or 'causal', got '" + conv.padding + "'");
  if (!causalAllowed && conv.padding != "valid" && conv.padding != "same")
    ctx.fail("'padding' must be 'valid' or 'same', got '" + conv.padding + "'");
  conv.dataFormat = dataFormat(ctx, c);
  if (oneD && conv.kind == ConvKind::Transpose && conv.strides[1] > 1 &&
      conv.dilationRate[1] > 1)
    ctx.fail("'strides' > 1 is not supported together with 'dilation_rate' > 1 (Keras "
             "rejects this combination)");
  // Conv1DTranspose: the output padding must be smaller than the stride (or the dilation,
  // as conv2d_transpose's verifier has it).
  if (oneD && conv.outputPadding &&
      (*conv.outputPadding)[1] >= std::max(conv.strides[1], conv.dilationRate[1]))
    ctx.fail("'output_padding' (" + std::to_string((*conv.outputPadding)[1]) +
             ") must be smaller than 'strides' (" + std::to_string(conv.strides[1]) + ")");
  if (conv.kind == ConvKind::Standard && c.contains("groups")) // (null: Keras fails too)
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
  // Depthwise/separable layers name their kernels depthwise_* (and pointwise_*).
  bool standard = conv.kind == ConvKind::Standard || conv.kind == ConvKind::Transpose;
  conv.kernelInitializer =
      optionalSpec(c, standard ? "kernel_initializer" : "depthwise_initializer");
  conv.biasInitializer = optionalSpec(c, "bias_initializer");
  if (conv.kind == ConvKind::Separable) {
    regularizerSpec(ctx, c, "pointwise_regularizer");
    constraintSpec(ctx, c, "pointwise_constraint");
  }
  conv.kernelRegularizer =
      regularizerSpec(ctx, c, standard ? "kernel_regularizer" : "depthwise_regularizer");
  conv.biasRegularizer = regularizerSpec(ctx, c, "bias_regularizer");
  conv.activityRegularizer = regularizerSpec(ctx, c, "activity_regularizer");
  conv.kernelConstraint =
      constraintSpec(ctx, c, standard ? "kernel_constraint" : "depthwise_constraint");
  conv.biasConstraint = constraintSpec(ctx, c, "bias_constraint");
  return conv;
}

/// An axis-like integer (negative counts from the end); `fallback` when absent, and when
/// null only if `nullIsFallback` (Keras requires a value for most axes).
int64_t intArg(const LayerContext &ctx, const json &c, const char *arg, int64_t fallback,
               bool nullIsFallback = false) {
  auto it = c.find(arg);
  if (it == c.end() || (it->is_null() && nullIsFallback))
    return fallback;
  if (it->is_array() && it->size() == 1) // Keras 2 sometimes stores axis as [3]
    return boundedInt(ctx, (*it)[0], arg, -kMaxDimension, kMaxDimension);
  return boundedInt(ctx, *it, arg, -kMaxDimension, kMaxDimension);
}

std::optional<double> optionalNumber(const LayerContext &ctx, const json &c, const char *arg) {
  auto it = c.find(arg);
  if (it == c.end() || it->is_null())
    return std::nullopt;
  if (!it->is_number())
    ctx.fail(std::string("'") + arg + "' must be a number, got " + it->dump());
  return it->get<double>();
}

bool boolArg(const LayerContext &ctx, const json &c, const char *arg, bool fallback) {
  auto it = c.find(arg);
  if (it == c.end() || it->is_null())
    return fallback;
  if (!it->is_boolean())
    ctx.fail(std::string("'") + arg + "' must be true or false, got " + it->dump());
  return it->get<bool>();
}

std::string activationArg(const LayerContext &ctx, const json &c, int kerasMajor) {
  std::string name, problem;
  if (!canonicalActivation(c.contains("activation") ? c["activation"] : json(), kerasMajor, name,
                           problem))
    ctx.fail(problem);
  return name;
}

DenseConfig parseDense(const LayerContext &ctx, const json &c, int kerasMajor) {
  DenseConfig dense;
  if (!c.contains("units"))
    ctx.fail("'units' is missing");
  dense.units = positiveInt(ctx, c["units"], "units");
  dense.activation = activationArg(ctx, c, kerasMajor);
  dense.useBias = boolArg(ctx, c, "use_bias", true);
  dense.kernelInitializer = optionalSpec(c, "kernel_initializer");
  dense.biasInitializer = optionalSpec(c, "bias_initializer");
  for (const char *arg : {"kernel_regularizer", "bias_regularizer", "activity_regularizer"})
    regularizerSpec(ctx, c, arg);
  for (const char *arg : {"kernel_constraint", "bias_constraint"})
    constraintSpec(ctx, c, arg);
  return dense;
}

/// SimpleRNN, GRU, LSTM: every argument of Keras 2 (tf-keras) and Keras 3. Dropouts are
/// the identity at inference, `unroll` changes no value, initializers matter only to
/// --init-seed; a state kept between calls (`stateful`) and time-major inputs are
/// refused.
RecurrentConfig parseRecurrent(const LayerContext &ctx, const json &c, int kerasMajor,
                               const std::string &cls) {
  RecurrentConfig rnn;
  rnn.cell = cls == "GRU"    ? RecurrentCell::Gru
             : cls == "LSTM" ? RecurrentCell::Lstm
                             : RecurrentCell::SimpleRnn;
  if (!c.contains("units"))
    ctx.fail("'units' is missing");
  rnn.units = positiveInt(ctx, c["units"], "units");
  std::string problem;
  if (!canonicalActivation(c.contains("activation") ? c["activation"] : json("tanh"),
                           kerasMajor, rnn.activation, problem))
    ctx.fail(problem);
  if (rnn.cell != RecurrentCell::SimpleRnn &&
      !canonicalActivation(c.contains("recurrent_activation") ? c["recurrent_activation"]
                                                              : json("sigmoid"),
                           kerasMajor, rnn.recurrentActivation, problem))
    ctx.fail("'recurrent_activation': " + problem);
  rnn.useBias = boolArg(ctx, c, "use_bias", true);
  rnn.returnSequences = boolArg(ctx, c, "return_sequences", false);
  rnn.goBackwards = boolArg(ctx, c, "go_backwards", false);
  boolArg(ctx, c, "unroll", false); // the same values either way
  rnn.returnState = boolArg(ctx, c, "return_state", false);
  if (boolArg(ctx, c, "stateful", false))
    ctx.fail("'stateful' true is not supported (kconv keeps no state between calls)");
  if (boolArg(ctx, c, "time_major", false))
    ctx.fail("'time_major' true is not supported (inputs are (batch, timesteps, features))");
  rnn.zeroOutputForMask = boolArg(ctx, c, "zero_output_for_mask", false);
  if (rnn.cell == RecurrentCell::Gru)
    rnn.resetAfter = boolArg(ctx, c, "reset_after", true);
  if (rnn.cell == RecurrentCell::Lstm)
    rnn.unitForgetBias = boolArg(ctx, c, "unit_forget_bias", true);
  for (const char *arg : {"dropout", "recurrent_dropout"})
    if (std::optional<double> rate = optionalNumber(ctx, c, arg); rate && (*rate < 0 || *rate > 1))
      ctx.fail(std::string("'") + arg + "' must be in [0, 1]");
  if (auto it = c.find("implementation");
      it != c.end() && !it->is_null() && !it->is_number_integer())
    ctx.fail("'implementation' must be an int, got " + it->dump());
  rnn.kernelInitializer = optionalSpec(c, "kernel_initializer");
  rnn.recurrentInitializer = optionalSpec(c, "recurrent_initializer");
  rnn.biasInitializer = optionalSpec(c, "bias_initializer");
  for (const char *arg : {"kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                          "activity_regularizer"})
    regularizerSpec(ctx, c, arg);
  for (const char *arg : {"kernel_constraint", "recurrent_constraint", "bias_constraint"})
    constraintSpec(ctx, c, arg);
  return rnn;
}

/// ConvLSTM1D/2D/3D: the input convolution's arguments read as Conv1D/2D/3D reads them,
/// the LSTM's as LSTM reads them (units = filters). recurrent_activation defaults to
/// hard_sigmoid in tf-keras, to sigmoid in Keras 3.
ConvLstmConfig parseConvLstm(const LayerContext &ctx, const json &c, int kerasMajor) {
  ConvLstmConfig cl;
  cl.conv = parseConv2D(ctx, c, kerasMajor);
  cl.conv.activation = "linear"; // the gates' activations are the LSTM's
  bool strided = cl.conv.strides[0] > 1 || cl.conv.strides[1] > 1;
  bool dilated = cl.conv.dilationRate[0] > 1 || cl.conv.dilationRate[1] > 1;
  if (strided && dilated)
    ctx.fail("'strides' > 1 is not supported together with 'dilation_rate' > 1 (Keras "
             "rejects this combination)");
  json lstm = c;
  lstm["units"] = cl.conv.filters;
  if (!c.contains("recurrent_activation") && kerasMajor < 3)
    lstm["recurrent_activation"] = "hard_sigmoid";
  cl.rnn = parseRecurrent(ctx, lstm, kerasMajor, "LSTM");
  // tf-keras's ConvRNN never passes zero_output_for_mask to backend.rnn.
  if (kerasMajor < 3)
    cl.rnn.zeroOutputForMask = false;
  return cl;
}

/// RNN around a built-in cell (SimpleRNNCell, GRUCell, LSTMCell): the layer of that
/// cell, its arguments the cell's and the RNN's; around StackedRNNCells of such cells,
/// a StackedRecurrentConfig. A cell's config is read with the RNN's arguments added.
LayerConfig parseRnnWrapper(const LayerContext &ctx, const json &c, int kerasMajor) {
  auto cellOf = [&](const json &spec, const std::string &what) -> RecurrentConfig {
    if (!spec.is_object() || !spec.contains("class_name") || !spec["class_name"].is_string() ||
        !spec.contains("config") || !spec["config"].is_object())
      ctx.fail(what + " is not a serialized cell");
    std::string cls = spec["class_name"].get<std::string>();
    const char *layer = cls == "SimpleRNNCell" ? "SimpleRNN"
                        : cls == "GRUCell"     ? "GRU"
                        : cls == "LSTMCell"    ? "LSTM"
                                               : nullptr;
    if (!layer)
      ctx.fail(what + " " + cls + " is not supported (SimpleRNNCell, GRUCell or LSTMCell)");
    json merged = spec["config"];
    for (const char *arg : {"return_sequences", "return_state", "go_backwards", "stateful",
                            "unroll", "time_major", "zero_output_for_mask"})
      if (c.contains(arg))
        merged[arg] = c[arg];
      else
        merged.erase(arg);
    return parseRecurrent(ctx, merged, kerasMajor, layer);
  };
  if (!c.contains("cell"))
    ctx.fail("'cell' is missing");
  if (auto constants = c.find("num_constants");
      constants != c.end() && !constants->is_null() && *constants != 0)
    ctx.fail("'num_constants' (cells reading constants) is not supported");
  const json &cell = c["cell"];
  if (!cell.is_object() || cell.value("class_name", json()) != "StackedRNNCells")
    return cellOf(cell, "'cell'");
  const json &inner = cell.contains("config") && cell["config"].is_object()
                          ? cell["config"].value("cells", json())
                          : json();
  if (!inner.is_array() || inner.empty())
    ctx.fail("'cell' StackedRNNCells has no 'cells' list");
  if (inner.size() > 64)
    ctx.fail("'cell' StackedRNNCells has more than 64 cells");
  StackedRecurrentConfig stacked;
  for (size_t i = 0; i < inner.size(); ++i) {
    stacked.cells.push_back(cellOf(inner[i], "cell " + std::to_string(i)));
    stacked.cellClasses.push_back(inner[i]["class_name"].get<std::string>());
  }
  // tf-keras's StackedRNNCells(reverse_state_order=True) orders the states last cell
  // first; its get_config never writes it, so only a hand-written file can have it.
  if (const json &reverse = cell["config"].value("reverse_state_order", json());
      !reverse.is_null() && reverse != false)
    ctx.fail("'cell' StackedRNNCells with 'reverse_state_order' " + reverse.dump() +
             " is not supported (states in cell order only)");
  return stacked;
}

/// TimeDistributed: `layer`, any layer kconv reads that takes one tensor and makes one
/// (not a model, another wrapper of steps, or a recurrent layer's states).
TimeDistributedConfig parseTimeDistributed(const LayerContext &ctx, const json &c,
                                           int kerasMajor) {
  const json spec = c.value("layer", json());
  if (!spec.is_object() || !spec.contains("class_name") || !spec["class_name"].is_string() ||
      !spec.contains("config") || !spec["config"].is_object())
    ctx.fail("'layer' is not a serialized layer");
  TimeDistributedConfig td;
  td.innerClass = spec["class_name"].get<std::string>();
  static const char *const refused[] = {"TimeDistributed", "InputLayer", "Sequential",
                                        "Functional", "Model", "MultiHeadAttention",
                                        "GroupedQueryAttention", "Attention",
                                        "AdditiveAttention"};
  for (const char *cls : refused)
    if (td.innerClass == cls)
      ctx.fail("'layer' " + td.innerClass + " is not supported inside TimeDistributed");
  LayerContext inner{ctx.path, ctx.name, td.innerClass, ctx.warnings};
  LayerConfig config = parseLayerConfig(inner, spec["config"], kerasMajor);
  const auto *rnn = std::get_if<RecurrentConfig>(&config);
  if (rnn && rnn->returnState)
    ctx.fail("'layer' " + td.innerClass + " with 'return_state' is not supported inside "
             "TimeDistributed (one output per layer)");
  td.inner = std::make_shared<const TimeDistributedInner>(TimeDistributedInner{std::move(config)});
  return td;
}

/// Bidirectional around SimpleRNN, GRU or LSTM: `layer` and, when given (Keras 3 always
/// writes it), `backward_layer`, else `layer` with go_backwards flipped, as Keras builds
/// it; `merge_mode` None (two outputs) is refused.
BidirectionalConfig parseBidirectional(const LayerContext &ctx, const json &c, int kerasMajor) {
  BidirectionalConfig bi;
  auto inner = [&](const char *arg, std::string &cls) -> RecurrentConfig {
    const json &spec = c[arg];
    if (!spec.is_object() || !spec.contains("class_name") || !spec["class_name"].is_string() ||
        !spec.contains("config") || !spec["config"].is_object())
      ctx.fail(std::string("'") + arg + "' is not a serialized layer");
    cls = spec["class_name"].get<std::string>();
    if (cls != "SimpleRNN" && cls != "GRU" && cls != "LSTM")
      ctx.fail(std::string("'") + arg + "' " + cls +
               " is not supported (SimpleRNN, GRU or LSTM)");
    return parseRecurrent(ctx, spec["config"], kerasMajor, cls);
  };
  if (!c.contains("layer"))
    ctx.fail("'layer' is missing");
  bi.forward = inner("layer", bi.forwardClass);
  if (c.contains("backward_layer") && !c["backward_layer"].is_null()) {
    bi.backward = inner("backward_layer", bi.backwardClass);
  } else {
    bi.backward = bi.forward;
    bi.backwardClass = bi.forwardClass;
    bi.backward.goBackwards = !bi.forward.goBackwards;
  }
  if (bi.forward.returnState || bi.backward.returnState)
    ctx.fail("'return_state' in a Bidirectional layer is not supported");
  if (bi.forward.returnSequences != bi.backward.returnSequences)
    ctx.fail("the forward and backward layers must agree on 'return_sequences'");
  // Keras forces both layers' zero_output_for_mask to their return_sequences.
  bi.forward.zeroOutputForMask = bi.backward.zeroOutputForMask = bi.forward.returnSequences;
  auto mode = c.find("merge_mode");
  if (mode != c.end() && mode->is_null())
    ctx.fail("'merge_mode' None (two outputs) is not supported");
  if (mode != c.end() && !mode->is_string())
    ctx.fail("'merge_mode' must be a string, got " + mode->dump());
  if (mode != c.end())
    bi.mergeMode = mode->get<std::string>();
  if (bi.mergeMode != "concat" && bi.mergeMode != "sum" && bi.mergeMode != "mul" &&
      bi.mergeMode != "ave")
    ctx.fail("'merge_mode' must be 'concat', 'sum', 'mul' or 'ave', got '" + bi.mergeMode + "'");
  if (c.contains("num_constants") && !c["num_constants"].is_null() &&
      !(c["num_constants"].is_number_integer() && c["num_constants"].get<int64_t>() == 0))
    ctx.fail("'num_constants' is not supported");
  return bi;
}

BatchNormConfig parseBatchNorm(const LayerContext &ctx, const json &c) {
  BatchNormConfig bn;
  if (c.contains("axis") && c["axis"].is_array() && c["axis"].size() != 1)
    ctx.fail("normalizing over several axes " + c["axis"].dump() + " is not supported");
  bn.axis = intArg(ctx, c, "axis", -1);
  bn.epsilon = optionalNumber(ctx, c, "epsilon").value_or(1e-3);
  if (bn.epsilon < 0)
    ctx.fail("'epsilon' must be >= 0");
  bn.center = boolArg(ctx, c, "center", true);
  bn.scale = boolArg(ctx, c, "scale", true);
  if (boolArg(ctx, c, "renorm", false))
    ctx.fail("'renorm' is not supported");
  return bn;
}

/// LayerNormalization's and RMSNormalization's `axis`: an int or a non-empty list of
/// ints, kept as written.
std::vector<int64_t> normAxes(const LayerContext &ctx, const json &c) {
  auto it = c.find("axis");
  if (it == c.end())
    return {-1};
  if (it->is_array() && !it->empty()) {
    std::vector<int64_t> axes;
    for (const json &v : *it)
      axes.push_back(boundedInt(ctx, v, "axis", -kMaxDimension, kMaxDimension));
    return axes;
  }
  if (!it->is_number_integer())
    ctx.fail("'axis' must be an integer or a non-empty list of integers, got " + it->dump());
  return {boundedInt(ctx, *it, "axis", -kMaxDimension, kMaxDimension)};
}

LayerNormConfig parseLayerNorm(const LayerContext &ctx, const json &c) {
  LayerNormConfig ln;
  ln.axes = normAxes(ctx, c);
  if (ctx.className == "RMSNormalization") {
    // x * rsqrt(mean(x^2) + epsilon) * scale: one weight, no centring.
    ln.epsilon = optionalNumber(ctx, c, "epsilon").value_or(1e-6);
    ln.center = false;
    ln.rmsScaling = ln.meanSquare = true;
  } else {
    ln.epsilon = optionalNumber(ctx, c, "epsilon").value_or(1e-3);
    ln.center = boolArg(ctx, c, "center", true);
    ln.scale = boolArg(ctx, c, "scale", true);
    ln.rmsScaling = boolArg(ctx, c, "rms_scaling", false);
  }
  if (!(ln.epsilon >= 0) || !std::isfinite(ln.epsilon))
    ctx.fail("'epsilon' must be a finite number >= 0");
  return ln;
}

/// Normalization's `mean` / `variance` given at construction: a number or a flat list of
/// finite numbers; nullopt when absent or null (the values are then weights).
std::optional<std::vector<double>> normalizationValues(const LayerContext &ctx, const json &c,
                                                       const char *arg) {
  auto it = c.find(arg);
  if (it == c.end() || it->is_null())
    return std::nullopt;
  std::vector<double> values;
  auto number = [&](const json &v) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      ctx.fail(std::string("'") + arg + "' must be a finite number or a list of them, got " +
               it->dump());
    values.push_back(v.get<double>());
  };
  if (it->is_array()) {
    if (it->size() > size_t(kMaxDimension))
      ctx.fail(std::string("'") + arg + "' has too many values");
    for (const json &v : *it)
      number(v);
  } else {
    number(*it);
  }
  return values;
}

NormalizationConfig parseNormalization(const LayerContext &ctx, const json &c) {
  NormalizationConfig norm;
  auto axis = c.find("axis");
  if (axis != c.end() && (axis->is_null() || (axis->is_array() && axis->empty())))
    norm.axis = std::nullopt; // axis=None (Keras 3 writes it as an empty tuple)
  else if (axis != c.end() && axis->is_array() && axis->size() != 1)
    ctx.fail("normalizing with several axes " + axis->dump() +
             " is not supported (only one axis or None)");
  else
    norm.axis = intArg(ctx, c, "axis", -1);
  norm.invert = boolArg(ctx, c, "invert", false);
  norm.mean = normalizationValues(ctx, c, "mean");
  norm.variance = normalizationValues(ctx, c, "variance");
  if (norm.mean.has_value() != norm.variance.has_value())
    ctx.fail("'mean' and 'variance' must be given together");
  if (norm.mean && norm.mean->size() != norm.variance->size())
    ctx.fail("'mean' and 'variance' must have the same shape");
  if (norm.variance)
    for (double v : *norm.variance)
      if (v < 0)
        ctx.fail("'variance' must not be negative, got " + json(v).dump());
  return norm;
}

Pool2DConfig parsePool2D(const LayerContext &ctx, const json &c) {
  Pool2DConfig pool;
  pool.max = ctx.className.find("Max") != std::string::npos;
  if (ctx.className.find("1D") != std::string::npos) {
    // One spatial axis: an int or a list of one int, held as the width of a 1 x k pool.
    pool.rank = 1;
    auto single = [&](const char *arg, int64_t fallback) -> int64_t {
      auto it = c.find(arg);
      if (it == c.end() || it->is_null())
        return fallback;
      if (it->is_array() && it->size() == 1)
        return positiveInt(ctx, (*it)[0], arg);
      if (!it->is_number_integer())
        ctx.fail(std::string("'") + arg + "' must be an int or a list of one int, got " +
                 it->dump());
      return positiveInt(ctx, *it, arg);
    };
    int64_t size = single("pool_size", 2);
    pool.poolSize = {1, size};
    pool.strides = {1, single("strides", size)}; // Keras: None means the pool size
  } else if (ctx.className.find("3D") != std::string::npos) {
    // (depth, height, width): the depth apart, height and width in the 2-D pairs.
    pool.rank = 3;
    std::array<int64_t, 3> size = intTriple(ctx, c, "pool_size", {2, 2, 2});
    std::array<int64_t, 3> strides = intTriple(ctx, c, "strides", size, /*nullIsFallback=*/true);
    pool.poolDepth = size[0];
    pool.strideDepth = strides[0];
    pool.poolSize = {size[1], size[2]};
    pool.strides = {strides[1], strides[2]};
  } else {
    pool.poolSize = intPair(ctx, c, "pool_size", {2, 2});
    // Keras: strides None means the pool size.
    pool.strides = intPair(ctx, c, "strides", pool.poolSize, /*nullIsFallback=*/true);
  }
  pool.padding = lowerString(ctx, c, "padding", "valid");
  if (pool.padding != "valid" && pool.padding != "same")
    ctx.fail("'padding' must be 'valid' or 'same', got '" + pool.padding + "'");
  pool.dataFormat = dataFormat(ctx, c);
  return pool;
}

AdaptivePool2DConfig parseAdaptivePool2D(const LayerContext &ctx, const json &c) {
  AdaptivePool2DConfig pool;
  pool.max = ctx.className.find("Max") != std::string::npos;
  pool.rank = ctx.className.find("1D") != std::string::npos   ? 1
              : ctx.className.find("3D") != std::string::npos ? 3
                                                              : 2;
  auto it = c.find("output_size");
  if (it == c.end() || it->is_null())
    ctx.fail("'output_size' is missing");
  // An int, or a list of one int per spatial axis (Keras stores the tuple).
  if (it->is_number_integer()) {
    int64_t size = positiveInt(ctx, *it, "output_size");
    pool.outputSize = {pool.rank == 1 ? 1 : size, size};
    pool.outputDepth = size;
  } else if (it->is_array() && it->size() == size_t(pool.rank)) {
    pool.outputSize = {pool.rank == 1 ? 1 : positiveInt(ctx, (*it)[pool.rank - 2], "output_size"),
                       positiveInt(ctx, it->back(), "output_size")};
    if (pool.rank == 3)
      pool.outputDepth = positiveInt(ctx, (*it)[0], "output_size");
  } else {
    static const char *const counts[] = {"", "one int", "two ints", "three ints"};
    ctx.fail(std::string("'output_size' must be an int or a list of ") + counts[pool.rank] +
             ", got " + it->dump());
  }
  pool.dataFormat = dataFormat(ctx, c);
  return pool;
}

GlobalPool2DConfig parseGlobalPool2D(const LayerContext &ctx, const json &c) {
  GlobalPool2DConfig pool;
  pool.max = ctx.className.find("Max") != std::string::npos;
  pool.rank = ctx.className.find("1D") != std::string::npos   ? 1
              : ctx.className.find("3D") != std::string::npos ? 3
                                                              : 2;
  pool.dataFormat = dataFormat(ctx, c);
  pool.keepdims = boolArg(ctx, c, "keepdims", false);
  return pool;
}

ActivationConfig parseActivation(const LayerContext &ctx, const json &c, int kerasMajor) {
  ActivationConfig act;
  const std::string &cls = ctx.className;
  if (cls == "Activation") {
    act.activation = activationArg(ctx, c, kerasMajor);
  } else if (cls == "ReLU") {
    act.activation = "relu";
    act.maxValue = optionalNumber(ctx, c, "max_value");
    act.negativeSlope = optionalNumber(ctx, c, "negative_slope");
    act.threshold = optionalNumber(ctx, c, "threshold");
    if (act.maxValue && *act.maxValue < 0)
      ctx.fail("'max_value' must be >= 0");
    if (act.negativeSlope && *act.negativeSlope < 0)
      ctx.fail("'negative_slope' must be >= 0");
    // The common cases are plain activations (fusable into a convolution).
    if (act.negativeSlope == 0.0)
      act.negativeSlope.reset();
    if (act.threshold == 0.0)
      act.threshold.reset();
    if (!act.negativeSlope && !act.threshold && act.maxValue == 6.0) {
      act.activation = "relu6";
      act.maxValue.reset();
    }
  } else if (cls == "ThresholdedReLU") {
    // Keras 2's `x * (x > theta)`: ReLU's threshold with no slope (theta 0 is a ReLU).
    act.activation = "relu";
    std::optional<double> theta = c.contains("theta") ? optionalNumber(ctx, c, "theta") : 1.0;
    if (!theta)
      ctx.fail("'theta' must be a number, got None");
    if (*theta < 0)
      ctx.fail("'theta' must be >= 0");
    if (*theta != 0.0)
      act.threshold = theta;
  } else if (cls == "LeakyReLU") {
    act.activation = "leaky_relu"; // Keras 2 'alpha', Keras 3 'negative_slope'; both 0.3
    act.alpha = optionalNumber(ctx, c, c.contains("negative_slope") ? "negative_slope" : "alpha")
                    .value_or(0.3);
  } else if (cls == "ELU") {
    act.activation = "elu";
    act.alpha = optionalNumber(ctx, c, "alpha").value_or(1.0);
  } else { // Softmax
    act.activation = "softmax";
    if (c.contains("axis") && c["axis"].is_array() && c["axis"].size() != 1)
      ctx.fail("softmax over several axes " + c["axis"].dump() + " is not supported");
    // Keras leaves a None axis to the backend; TensorFlow's is the last axis.
    act.axis = intArg(ctx, c, "axis", -1, /*nullIsFallback=*/true);
  }
  return act;
}

/// The merge kind of a merge layer's (or keras.ops operation's) class: "Add" -> "add".
std::string mergeKind(std::string cls) {
  cls[0] = char(std::tolower(cls[0]));
  return cls;
}

/// An activation of keras.ops (class "keras.ops.<Class>", see tensorOperationClass):
/// the function's arguments as its config holds them, Keras's defaults where absent.
/// Arguments equal to the plain activation's defaults are dropped, so the activation
/// can still become a convolution's.
ActivationConfig parseActivationOperation(const LayerContext &ctx, const json &c,
                                          const std::string &op) {
  ActivationConfig act;
  act.activation = activationOperation(op);
  auto argument = [&](const char *arg, double fallback) {
    return optionalNumber(ctx, c, arg).value_or(fallback);
  };
  auto nonDefault = [](double value, double fallback) {
    return value == fallback ? std::nullopt : std::optional<double>(value);
  };
  if (op == "LeakyRelu") {
    act.alpha = nonDefault(argument("negative_slope", 0.2), 0.2);
  } else if (op == "Elu" || op == "Celu") {
    act.alpha = nonDefault(argument("alpha", 1.0), 1.0);
    if (op == "Celu" && act.alpha == 0.0)
      ctx.fail("'alpha' must not be 0 (celu divides by it)");
  } else if (op == "Squareplus") {
    act.alpha = nonDefault(argument("b", 4.0), 4.0);
  } else if (op == "SoftShrink" || op == "HardShrink") {
    act.alpha = nonDefault(argument("threshold", 0.5), 0.5);
  } else if (op == "Threshold") {
    // Both required; Keras 3.0's names were threshold_value and value.
    const char *threshold = c.contains("threshold") ? "threshold" : "threshold_value";
    const char *value = c.contains("default_value") ? "default_value" : "value";
    act.threshold = optionalNumber(ctx, c, threshold);
    act.alpha = optionalNumber(ctx, c, value);
    if (!act.threshold || !act.alpha)
      ctx.fail("'threshold' and 'default_value' must both be numbers");
  } else if (op == "Gelu") {
    act.activation = boolArg(ctx, c, "approximate", true) ? "gelu_tanh" : "gelu";
  } else if (op == "Softmax" || op == "LogSoftmax" || op == "Sparsemax" || op == "Glu") {
    auto axis = c.find("axis");
    if (axis != c.end() && axis->is_array()) {
      if (axis->size() != 1)
        ctx.fail(act.activation + " over several axes " + axis->dump() + " is not supported");
      act.axis = boundedInt(ctx, (*axis)[0], "axis", -kMaxDimension, kMaxDimension);
    } else {
      act.axis = intArg(ctx, c, "axis", -1, /*nullIsFallback=*/true);
    }
  }
  return act;
}

/// An int or a list of ints; empty when absent, or when null unless `required`.
std::vector<int64_t> intList(const LayerContext &ctx, const json &c, const char *arg,
                             bool required = false) {
  std::vector<int64_t> values;
  auto it = c.find(arg);
  if (it == c.end() || (it->is_null() && !required))
    return values;
  if (it->is_number_integer())
    return {boundedInt(ctx, *it, arg, -kMaxDimension, kMaxDimension)};
  if (!it->is_array())
    ctx.fail(std::string("'") + arg + "' must be a list of integers, got " + it->dump());
  for (const json &v : *it)
    values.push_back(boundedInt(ctx, v, arg, -kMaxDimension, kMaxDimension));
  return values;
}

/// ZeroPadding2D / Cropping2D (axes 2) and ZeroPadding3D / Cropping3D (axes 3)
/// amounts: an int, one int per axis (symmetric) or one (before, after) pair per axis;
/// absent: padding 1, cropping 0. Returned as (before, after) per axis.
std::vector<int64_t> padAmounts(const LayerContext &ctx, const json &c, const char *arg,
                                size_t axes) {
  auto it = c.find(arg);
  std::vector<int64_t> out(2 * axes, std::string(arg) == "padding" ? 1 : 0);
  if (it == c.end()) // (null: Keras fails too)
    return out;
  auto amount = [&](const json &v) { return boundedInt(ctx, v, arg, 0, kMaxDimension); };
  if (it->is_number_integer())
    return std::vector<int64_t>(2 * axes, amount(*it));
  if (!it->is_array() || it->size() != axes)
    ctx.fail(std::string("'") + arg + "' must be an int, " +
             (axes == 2 ? "a pair, or a pair of pairs" : "a triple, or a triple of pairs") +
             ", got " + it->dump());
  for (size_t axis = 0; axis < axes; ++axis) {
    const json &v = (*it)[axis];
    if (v.is_array() && v.size() == 2) {
      out[2 * axis] = amount(v[0]);
      out[2 * axis + 1] = amount(v[1]);
    } else {
      out[2 * axis] = out[2 * axis + 1] = amount(v);
    }
  }
  return out;
}

ReshapeConfig parseReshape(const LayerContext &ctx, const json &c) {
  ReshapeConfig reshape;
  if (ctx.className == "Flatten") {
    reshape.flatten = true;
    reshape.dataFormat = dataFormat(ctx, c);
    return reshape;
  }
  if (!c.contains("target_shape"))
    ctx.fail("'target_shape' is missing");
  reshape.targetShape = intList(ctx, c, "target_shape", /*required=*/true);
  int unknown = 0;
  for (int64_t d : reshape.targetShape) {
    if (d == -1)
      ++unknown;
    else if (d < 1 || d > kMaxDimension)
      ctx.fail("'target_shape' dimensions must be >= 1 (or one -1)");
  }
  if (unknown > 1)
    ctx.fail("'target_shape' may contain -1 only once");
  return reshape;
}

/// Regularization and augmentation layers: the identity at inference. (RandomCrop is
/// not: at inference it crops/resizes to its target size.)
bool isIdentityAtInference(const std::string &cls) {
  return cls == "Dropout" || cls == "SpatialDropout1D" || cls == "SpatialDropout2D" ||
         cls == "SpatialDropout3D" || cls == "GaussianNoise" || cls == "GaussianDropout" ||
         cls == "AlphaDropout" || cls == "ActivityRegularization" || cls == "RandomFlip" ||
         cls == "RandomRotation" || cls == "RandomZoom" || cls == "RandomTranslation" ||
         cls == "RandomContrast" || cls == "RandomBrightness" || cls == "Identity" ||
         // Keras 3's augmentations, which change images only when training.
         cls == "RandomGrayscale" || cls == "RandomHue" || cls == "RandomSaturation" ||
         cls == "RandomSharpness" || cls == "RandomColorDegeneration" ||
         cls == "RandomColorJitter" || cls == "RandomInvert" || cls == "RandomPosterization" ||
         cls == "RandomErasing" || cls == "RandomGaussianBlur" || cls == "Solarization" ||
         cls == "AugMix" || cls == "RandAugment" || cls == "CutMix" || cls == "MixUp" ||
         cls == "RandomPerspective" || cls == "RandomShear" ||
         cls == "RandomElasticTransform" || cls == "MaxNumBoundingBoxes" ||
         // tf-keras's, and the efficientnet package's Dropout (saved as its own class).
         cls == "RandomHeight" || cls == "RandomWidth" || cls == "FixedDropout";
}

UnitNormConfig parseUnitNorm(const LayerContext &ctx, const json &c) {
  UnitNormConfig un;
  auto it = c.find("axis");
  if (it == c.end() || it->is_number_integer())
    un.axes = {intArg(ctx, c, "axis", -1)};
  else if (it->is_array() && !it->empty())
    un.axes = intList(ctx, c, "axis", /*required=*/true);
  else
    ctx.fail("'axis' must be an integer or a non-empty list of integers, got " + it->dump());
  return un;
}

GroupNormConfig parseGroupNorm(const LayerContext &ctx, const json &c) {
  GroupNormConfig gn;
  auto groups = c.find("groups");
  if (groups != c.end() && !groups->is_null()) {
    // Keras: a positive integer, or -1 for one group per channel.
    gn.groups = boundedInt(ctx, *groups, "groups", -kMaxDimension, kMaxDimension);
    if (gn.groups < 1 && gn.groups != -1)
      ctx.fail("'groups' must be a positive integer or -1, got " + groups->dump());
  }
  gn.axis = intArg(ctx, c, "axis", -1);
  gn.epsilon = optionalNumber(ctx, c, "epsilon").value_or(1e-3);
  if (!(gn.epsilon >= 0) || !std::isfinite(gn.epsilon))
    ctx.fail("'epsilon' must be a finite number >= 0");
  gn.center = boolArg(ctx, c, "center", true);
  gn.scale = boolArg(ctx, c, "scale", true);
  gn.gammaInitializer = optionalSpec(c, "gamma_initializer");
  gn.betaInitializer = optionalSpec(c, "beta_initializer");
  for (const char *arg : {"gamma_regularizer", "beta_regularizer"})
    regularizerSpec(ctx, c, arg);
  for (const char *arg : {"gamma_constraint", "beta_constraint"})
    constraintSpec(ctx, c, arg);
  return gn;
}

RescalingConfig parseRescaling(const LayerContext &ctx, const json &c) {
  RescalingConfig r;
  for (const char *arg : {"scale", "offset"})
    if (c.contains(arg) && !c[arg].is_null() && !c[arg].is_number())
      ctx.fail(std::string("'") + arg + "' must be a number (per-channel lists are not supported), got " +
               c[arg].dump());
  r.scale = optionalNumber(ctx, c, "scale").value_or(1.0);
  r.offset = optionalNumber(ctx, c, "offset").value_or(0.0);
  return r;
}

/// Resizing / CenterCrop. Interpolation names of both Keras versions are known (tf-keras:
/// also gaussian, mitchellcubic); kconv computes bilinear, nearest and bicubic.
ResizeConfig parseResize(const LayerContext &ctx, const json &c) {
  ResizeConfig r;
  r.centerCrop = ctx.className == "CenterCrop";
  for (const char *arg : {"height", "width"})
    if (!c.contains(arg) || c[arg].is_null())
      ctx.fail(std::string("'") + arg + "' is missing");
  r.height = positiveInt(ctx, c["height"], "height");
  r.width = positiveInt(ctx, c["width"], "width");
  r.dataFormat = dataFormat(ctx, c);
  if (r.centerCrop)
    return r;
  r.interpolation = lowerString(ctx, c, "interpolation", "bilinear");
  const std::string &i = r.interpolation;
  if (i == "area" || i == "lanczos3" || i == "lanczos5" || i == "gaussian" ||
      i == "mitchellcubic")
    ctx.fail("interpolation '" + i +
             "' is not supported (only 'bilinear', 'nearest' and 'bicubic')");
  if (i != "bilinear" && i != "nearest" && i != "bicubic")
    ctx.fail("'interpolation' must be one of 'bilinear', 'nearest', 'bicubic', 'area', "
             "'lanczos3', 'lanczos5', 'gaussian', 'mitchellcubic', got '" + i + "'");
  r.cropToAspectRatio = boolArg(ctx, c, "crop_to_aspect_ratio", false);
  bool pad = boolArg(ctx, c, "pad_to_aspect_ratio", false); // Keras 3
  if (pad && r.cropToAspectRatio)
    ctx.fail("only one of 'pad_to_aspect_ratio' and 'crop_to_aspect_ratio' can be true");
  if (pad)
    ctx.fail("'pad_to_aspect_ratio' is not supported");
  std::string fill = lowerString(ctx, c, "fill_mode", "constant");
  if (fill != "constant")
    ctx.fail("'fill_mode' must be 'constant', got '" + fill + "'");
  if (boolArg(ctx, c, "antialias", false))
    ctx.fail("'antialias' is not supported");
  return r;
}

EmbeddingConfig parseEmbedding(const LayerContext &ctx, const json &c) {
  EmbeddingConfig e;
  for (const char *arg : {"input_dim", "output_dim"})
    if (!c.contains(arg))
      ctx.fail(std::string("'") + arg + "' is missing");
  e.inputDim = positiveInt(ctx, c["input_dim"], "input_dim");
  e.outputDim = positiveInt(ctx, c["output_dim"], "output_dim");
  e.maskZero = boolArg(ctx, c, "mask_zero", false);
  e.embeddingsInitializer = optionalSpec(c, "embeddings_initializer");
  regularizerSpec(ctx, c, "embeddings_regularizer");
  regularizerSpec(ctx, c, "activity_regularizer");
  constraintSpec(ctx, c, "embeddings_constraint");
  if (boolArg(ctx, c, "sparse", false))
    ctx.fail("'sparse' outputs are not supported");
  // Keras 3 saves a LoRA-enabled table with the low-rank product merged in, so
  // lora_rank and lora_alpha change nothing at inference; a quantized table does.
  auto q = c.find("quantization_config");
  if (q != c.end() && !q->is_null())
    ctx.fail("quantized embeddings are not supported: 'quantization_config' is set");
  return e;
}

/// Keras's encodings of ids ("one_hot", "multi_hot", "count"); nullopt for another name.
std::optional<CategoryEncodingConfig::Mode> encodingMode(const std::string &mode) {
  using Mode = CategoryEncodingConfig::Mode;
  if (mode == "one_hot")
    return Mode::OneHot;
  if (mode == "multi_hot")
    return Mode::MultiHot;
  if (mode == "count")
    return Mode::Count;
  return std::nullopt;
}

CategoryEncodingConfig parseCategoryEncoding(const LayerContext &ctx, const json &c) {
  CategoryEncodingConfig e;
  auto tokens = c.find("num_tokens");
  if (tokens == c.end() || tokens->is_null())
    ctx.fail("'num_tokens' must be set (Keras requires it)");
  e.numTokens = positiveInt(ctx, *tokens, "num_tokens");
  std::string mode = lowerString(ctx, c, "output_mode", "multi_hot");
  std::optional<CategoryEncodingConfig::Mode> encoding =
      encodingMode(mode == "binary" ? "multi_hot" : mode); // "binary": the older name
  if (!encoding)
    ctx.fail("'output_mode' must be 'one_hot', 'multi_hot' or 'count', got '" + mode + "'");
  e.mode = *encoding;
  if (boolArg(ctx, c, "sparse", false))
    ctx.fail("'sparse' outputs are not supported");
  return e;
}

DiscretizationConfig parseDiscretization(const LayerContext &ctx, const json &c) {
  DiscretizationConfig d;
  auto bounds = c.find("bin_boundaries");
  if (bounds == c.end() || bounds->is_null())
    ctx.fail(c.contains("num_bins") && !c["num_bins"].is_null()
                 ? "'bin_boundaries' is not in the config: the layer was saved before it was "
                   "adapted, and kconv reads the boundaries"
                 : "'bin_boundaries' must be set (Keras requires it or an adapted 'num_bins')");
  if (!bounds->is_array())
    ctx.fail("'bin_boundaries' must be a list of numbers, got " + bounds->dump());
  // Each boundary is a compare in the generated code.
  constexpr size_t kMaxBoundaries = 1024;
  if (bounds->size() > kMaxBoundaries)
    ctx.fail("'bin_boundaries' holds " + std::to_string(bounds->size()) +
             " values; kconv compiles at most " + std::to_string(kMaxBoundaries));
  for (const json &b : *bounds) {
    if (!b.is_number())
      ctx.fail("'bin_boundaries' must be a list of numbers, got " + b.dump());
    double value = b.get<double>();
    if (!d.binBoundaries.empty() && float(value) < float(d.binBoundaries.back()))
      ctx.fail("'bin_boundaries' must not decrease: " + json(d.binBoundaries.back()).dump() +
               " then " + b.dump());
    d.binBoundaries.push_back(value);
  }
  std::string mode = lowerString(ctx, c, "output_mode", "int");
  d.mode = encodingMode(mode);
  if (!d.mode && mode != "int")
    ctx.fail("'output_mode' must be 'int', 'one_hot', 'multi_hot' or 'count', got '" + mode +
             "'");
  if (boolArg(ctx, c, "sparse", false))
    ctx.fail("'sparse' outputs are not supported");
  return d;
}

/// An output shape: an int, or a list of ints and nulls (`allowNull`).
std::vector<Dim> outputShapeArg(const LayerContext &ctx, const json &v, const char *arg,
                                bool allowNull) {
  std::vector<Dim> shape;
  if (v.is_number_integer())
    return {positiveInt(ctx, v, arg)};
  if (!v.is_array() || v.empty() || v.size() > 16)
    ctx.fail(std::string("'") + arg + "' must be an int or a list of 1 to 16 ints, got " +
             v.dump());
  for (const json &d : v) {
    if (d.is_null() && allowNull)
      shape.push_back(std::nullopt);
    else
      shape.push_back(positiveInt(ctx, d, arg));
  }
  return shape;
}

EinsumDenseConfig parseEinsumDense(const LayerContext &ctx, const json &c, int kerasMajor) {
  EinsumDenseConfig e;
  auto eq = c.find("equation");
  if (eq == c.end() || !eq->is_string())
    ctx.fail("'equation' is missing or not a string");
  e.equation = eq->get<std::string>();
  if (e.equation.size() > 64)
    ctx.fail("'equation' is longer than 64 characters");
  auto out = c.find("output_shape");
  if (out == c.end() || out->is_null())
    ctx.fail("'output_shape' is missing");
  e.outputShape = outputShapeArg(ctx, *out, "output_shape", /*allowNull=*/true);
  auto bias = c.find("bias_axes");
  if (bias != c.end() && !bias->is_null()) {
    if (!bias->is_string())
      ctx.fail("'bias_axes' must be a string or null, got " + bias->dump());
    e.biasAxes = bias->get<std::string>();
    if (e.biasAxes.empty())
      ctx.fail("'bias_axes' must name at least one output axis");
  }
  e.activation = activationArg(ctx, c, kerasMajor);
  e.kernelInitializer = optionalSpec(c, "kernel_initializer");
  e.biasInitializer = optionalSpec(c, "bias_initializer");
  for (const char *arg : {"kernel_regularizer", "bias_regularizer", "activity_regularizer"})
    regularizerSpec(ctx, c, arg);
  for (const char *arg : {"kernel_constraint", "bias_constraint"})
    constraintSpec(ctx, c, arg);
  for (const char *arg : {"lora_rank", "quantization_config"})
    if (c.contains(arg) && !c[arg].is_null())
      ctx.fail(std::string("'") + arg + "' is not supported");
  return e;
}

/// What MultiHeadAttention and GroupedQueryAttention share: the gated and sliding-window
/// variants refused, the projections' initializers kept, regularizers and constraints
/// checked.
void parseAttentionWeightsArgs(const LayerContext &ctx, const json &c,
                               MultiHeadAttentionConfig &m) {
  if (boolArg(ctx, c, "use_gate", false))
    ctx.fail("'use_gate' is not supported");
  if (c.contains("sliding_window") && !c["sliding_window"].is_null())
    ctx.fail("'sliding_window' is not supported");
  m.kernelInitializer = optionalSpec(c, "kernel_initializer");
  m.biasInitializer = optionalSpec(c, "bias_initializer");
  m.dropout = optionalNumber(ctx, c, "dropout").value_or(0.0);
  for (const char *arg : {"kernel_regularizer", "bias_regularizer", "activity_regularizer"})
    regularizerSpec(ctx, c, arg);
  for (const char *arg : {"kernel_constraint", "bias_constraint"})
    constraintSpec(ctx, c, arg);
}

MultiHeadAttentionConfig parseMultiHeadAttention(const LayerContext &ctx, const json &c) {
  MultiHeadAttentionConfig m;
  for (const char *arg : {"num_heads", "key_dim"})
    if (!c.contains(arg) || c[arg].is_null())
      ctx.fail(std::string("'") + arg + "' is missing");
  m.numHeads = positiveInt(ctx, c["num_heads"], "num_heads");
  m.keyDim = positiveInt(ctx, c["key_dim"], "key_dim");
  m.valueDim = c.contains("value_dim") && !c["value_dim"].is_null()
                   ? positiveInt(ctx, c["value_dim"], "value_dim")
                   : m.keyDim;
  m.useBias = boolArg(ctx, c, "use_bias", true);
  auto out = c.find("output_shape");
  if (out != c.end() && !out->is_null() && !(out->is_array() && out->empty()))
    for (const Dim &d : outputShapeArg(ctx, *out, "output_shape", /*allowNull=*/false))
      m.outputShape.push_back(*d);
  auto axes = c.find("attention_axes");
  if (axes != c.end() && !axes->is_null()) {
    // Keras's default for (batch, steps, features) inputs is (1,); other axes are refused.
    std::vector<int64_t> list = intList(ctx, c, "attention_axes");
    if (list != std::vector<int64_t>{1} && list != std::vector<int64_t>{-2})
      ctx.fail("'attention_axes' " + axes->dump() +
               " is not supported (only the default: attention over axis 1 of "
               "(batch, steps, features) inputs)");
  }
  parseAttentionWeightsArgs(ctx, c, m);
  return m; // dropout: the identity at inference
}

/// GroupedQueryAttention: a MultiHeadAttention of num_query_heads heads of head_dim
/// whose key and value heads are shared by groups of query heads.
MultiHeadAttentionConfig parseGroupedQueryAttention(const LayerContext &ctx, const json &c) {
  MultiHeadAttentionConfig m;
  for (const char *arg : {"head_dim", "num_query_heads", "num_key_value_heads"})
    if (!c.contains(arg) || c[arg].is_null())
      ctx.fail(std::string("'") + arg + "' is missing");
  m.keyDim = m.valueDim = positiveInt(ctx, c["head_dim"], "head_dim");
  m.numHeads = positiveInt(ctx, c["num_query_heads"], "num_query_heads");
  m.keyValueHeads = positiveInt(ctx, c["num_key_value_heads"], "num_key_value_heads");
  if (m.numHeads % m.keyValueHeads != 0)
    ctx.fail("'num_query_heads' (" + std::to_string(m.numHeads) +
             ") must be divisible by 'num_key_value_heads' (" +
             std::to_string(m.keyValueHeads) + ")");
  m.useBias = boolArg(ctx, c, "use_bias", true);
  parseAttentionWeightsArgs(ctx, c, m);
  return m; // dropout: the identity at inference
}

AttentionConfig parseAttention(const LayerContext &ctx, const json &c) {
  AttentionConfig a;
  a.additive = ctx.className == "AdditiveAttention";
  a.useScale = boolArg(ctx, c, "use_scale", a.additive);
  if (!a.additive) {
    std::string mode = lowerString(ctx, c, "score_mode", "dot");
    if (mode != "dot" && mode != "concat")
      ctx.fail("'score_mode' must be 'dot' or 'concat', got '" + mode + "'");
    a.concat = mode == "concat";
  }
  a.useCausalMask = boolArg(ctx, c, "causal", false); // tf-keras before use_causal_mask
  return a; // dropout: the identity at inference
}

} // namespace

void applyCallArguments(const LayerContext &ctx, const json &kwargs, LayerConfig &config) {
  auto *mha = std::get_if<MultiHeadAttentionConfig>(&config);
  auto *attention = std::get_if<AttentionConfig>(&config);
  if (!mha && !attention)
    return;
  bool &useCausalMask = mha ? mha->useCausalMask : attention->useCausalMask;
  for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
    const std::string &arg = it.key();
    const json &v = it.value();
    if (arg == "use_causal_mask") {
      if (!v.is_boolean() && !v.is_null())
        ctx.fail("the call argument 'use_causal_mask' must be true or false, got " + v.dump());
      useCausalMask = useCausalMask || (v.is_boolean() && v.get<bool>());
    } else if (arg == "return_attention_scores") {
      if (v.is_boolean() && v.get<bool>())
        ctx.fail("the call argument 'return_attention_scores=True' is not supported (one "
                 "output per layer)");
    } else if (arg == "attention_mask" && mha) {
      // attentionCall's mark of a tensor, the call's last input; null: no mask.
      mha->attentionMask = v.is_boolean() && v.get<bool>();
    } else if (arg != "training" && arg != "mask") {
      ctx.fail("the call argument '" + arg + "' is not supported");
    }
  }
}

LayerConfig parseLayerConfig(const LayerContext &ctx, const json &config, int kerasMajor) {
  // An input may hold integers (Embedding's indices): they arrive as float32 values,
  // exact up to 2^24, and every layer computes in float32.
  checkDtype(ctx, config, /*integersAllowed=*/ctx.className == "InputLayer");
  if (ctx.className == "InputLayer") {
    std::optional<std::vector<Dim>> shape = declaredInputShape(ctx, config);
    if (!shape)
      ctx.fail("has no 'batch_input_shape' or 'batch_shape'");
    return InputConfig{*shape};
  }
  const std::string &cls = ctx.className;
  const json &c = config;
  if (cls == "Conv2D" || cls == "DepthwiseConv2D" || cls == "SeparableConv2D" ||
      cls == "Conv2DTranspose" || cls == "Conv1D" || cls == "DepthwiseConv1D" ||
      cls == "SeparableConv1D" || cls == "Conv1DTranspose" || cls == "Conv3D" ||
      cls == "Conv3DTranspose")
    return parseConv2D(ctx, c, kerasMajor);
  if (cls == "Dense")
    return parseDense(ctx, c, kerasMajor);
  if (cls == "SimpleRNN" || cls == "GRU" || cls == "LSTM")
    return parseRecurrent(ctx, c, kerasMajor, cls);
  if (cls == "ConvLSTM1D" || cls == "ConvLSTM2D" || cls == "ConvLSTM3D")
    return parseConvLstm(ctx, c, kerasMajor);
  if (cls == "Bidirectional")
    return parseBidirectional(ctx, c, kerasMajor);
  if (cls == "RNN")
    return parseRnnWrapper(ctx, c, kerasMajor);
  if (cls == "TimeDistributed")
    return parseTimeDistributed(ctx, c, kerasMajor);
  if (cls == "BatchNormalization")
    return parseBatchNorm(ctx, c);
  if (cls == "Normalization")
    return parseNormalization(ctx, c);
  if (cls == "LayerNormalization" || cls == "RMSNormalization")
    return parseLayerNorm(ctx, c);
  if (cls == "UnitNormalization")
    return parseUnitNorm(ctx, c);
  if (cls == "MaxPooling2D" || cls == "AveragePooling2D" || cls == "MaxPool2D" ||
      cls == "AvgPool2D" || cls == "MaxPooling1D" || cls == "AveragePooling1D" ||
      cls == "MaxPool1D" || cls == "AvgPool1D" || cls == "MaxPooling3D" ||
      cls == "AveragePooling3D" || cls == "MaxPool3D" || cls == "AvgPool3D")
    return parsePool2D(ctx, c);
  if (cls == "GlobalAveragePooling2D" || cls == "GlobalMaxPooling2D" ||
      cls == "GlobalAvgPool2D" || cls == "GlobalMaxPool2D" || cls == "GlobalAveragePooling1D" ||
      cls == "GlobalMaxPooling1D" || cls == "GlobalAvgPool1D" || cls == "GlobalMaxPool1D" ||
      cls == "GlobalAveragePooling3D" || cls == "GlobalMaxPooling3D" ||
      cls == "GlobalAvgPool3D" || cls == "GlobalMaxPool3D")
    return parseGlobalPool2D(ctx, c);
  if (cls == "AdaptiveAveragePooling1D" || cls == "AdaptiveAveragePooling2D" ||
      cls == "AdaptiveAveragePooling3D" || cls == "AdaptiveMaxPooling1D" ||
      cls == "AdaptiveMaxPooling2D" || cls == "AdaptiveMaxPooling3D")
    return parseAdaptivePool2D(ctx, c);
  if (cls.rfind("keras.ops.", 0) == 0 && activationOperation(cls.substr(10)))
    return parseActivationOperation(ctx, c, cls.substr(10));
  if (cls.rfind("keras.ops.", 0) == 0 && isMergeOperation(cls.substr(10)))
    return MergeConfig{mergeKind(cls.substr(10)), /*operation=*/true};
  if (cls == "Activation" || cls == "ReLU" || cls == "LeakyReLU" || cls == "ELU" ||
      cls == "Softmax" || cls == "ThresholdedReLU")
    return parseActivation(ctx, c, kerasMajor);
  if (cls == "PReLU")
    return PReluConfig{intList(ctx, c, "shared_axes")};
  if (isMergeOperation(cls) || cls == "Average")
    return MergeConfig{mergeKind(cls)};
  if (cls == "Concatenate")
    return ConcatenateConfig{intArg(ctx, c, "axis", -1)};
  if (cls == "Dot") {
    // `axes`: an int for both inputs, or a pair (no default: Keras requires it).
    auto axes = c.find("axes");
    if (axes == c.end())
      ctx.fail("'axes' is missing");
    DotConfig dot;
    if (axes->is_array()) {
      if (axes->size() != 2)
        ctx.fail("'axes' must be an int or a list of two ints, got " + axes->dump());
      dot.axes = {boundedInt(ctx, (*axes)[0], "axes", -64, 64),
                  boundedInt(ctx, (*axes)[1], "axes", -64, 64)};
    } else {
      int64_t axis = boundedInt(ctx, *axes, "axes", -64, 64);
      dot.axes = {axis, axis};
    }
    dot.normalize = boolArg(ctx, c, "normalize", false);
    return dot;
  }
  if (cls == "ZeroPadding2D" || cls == "Cropping2D") {
    bool crop = cls == "Cropping2D";
    std::vector<int64_t> a = padAmounts(ctx, c, crop ? "cropping" : "padding", 2);
    return Pad2DConfig{crop, {a[0], a[1], a[2], a[3]}, dataFormat(ctx, c)};
  }
  if (cls == "UpSampling2D") {
    UpSample2DConfig up{intPair(ctx, c, "size", {2, 2}),
                        lowerString(ctx, c, "interpolation", "nearest"), dataFormat(ctx, c)};
    if (up.interpolation != "nearest" && up.interpolation != "bilinear")
      ctx.fail("interpolation '" + up.interpolation +
               "' is not supported (only 'nearest' and 'bilinear')");
    return up;
  }
  if (cls == "ZeroPadding1D" || cls == "Cropping1D") {
    // One (left, right) pair: an int or a list of two ints. Only Keras 3's ZeroPadding1D
    // has a data_format; Cropping1D reads (batch, steps, features).
    bool crop = cls == "Cropping1D";
    const char *arg = crop ? "cropping" : "padding";
    std::array<int64_t, 2> lr{1, 1};
    auto it = c.find(arg);
    auto amount = [&](const json &v) { return boundedInt(ctx, v, arg, 0, kMaxDimension); };
    if (it != c.end() && it->is_number_integer())
      lr = {amount(*it), amount(*it)};
    else if (it != c.end() && it->is_array() && it->size() == 2)
      lr = {amount((*it)[0]), amount((*it)[1])};
    else if (it != c.end())
      ctx.fail(std::string("'") + arg + "' must be an int or a list of two ints, got " +
               it->dump());
    return Pad2DConfig{crop, {0, 0, lr[0], lr[1]},
                       crop ? DataFormat::ChannelsLast : dataFormat(ctx, c), 1};
  }
  if (cls == "ZeroPadding3D" || cls == "Cropping3D") {
    // (depth, height, width): the depth's amounts apart, the others as the 2-D layer's.
    bool crop = cls == "Cropping3D";
    std::vector<int64_t> a = padAmounts(ctx, c, crop ? "cropping" : "padding", 3);
    Pad2DConfig pad{crop, {a[2], a[3], a[4], a[5]}, dataFormat(ctx, c), 3};
    pad.depthAmounts = {a[0], a[1]};
    return pad;
  }
  if (cls == "UpSampling3D") {
    std::array<int64_t, 3> size = intTriple(ctx, c, "size", {2, 2, 2});
    UpSample2DConfig up{{size[1], size[2]}, "nearest", dataFormat(ctx, c), 3};
    up.depthSize = size[0];
    return up;
  }
  if (cls == "UpSampling1D") {
    // Repeats each step `size` times (an int in both Keras versions).
    auto it = c.find("size");
    int64_t size = 2;
    if (it != c.end() && !it->is_number_integer())
      ctx.fail("'size' must be an int, got " + it->dump());
    if (it != c.end())
      size = positiveInt(ctx, *it, "size");
    return UpSample2DConfig{{1, size}, "nearest", DataFormat::ChannelsLast, 1};
  }
  if (cls == "Resizing" || cls == "CenterCrop")
    return parseResize(ctx, c);
  if (cls == "Flatten" || cls == "Reshape")
    return parseReshape(ctx, c);
  if (cls == "Permute") {
    if (!c.contains("dims"))
      ctx.fail("'dims' is missing");
    return PermuteConfig{intList(ctx, c, "dims", /*required=*/true)};
  }
  if (cls == "Rescaling")
    return parseRescaling(ctx, c);
  if (isIdentityAtInference(cls))
    return IdentityConfig{};
  if (cls == "GroupNormalization")
    return parseGroupNorm(ctx, c);
  if (cls == "Embedding")
    return parseEmbedding(ctx, c);
  if (cls == "CategoryEncoding")
    return parseCategoryEncoding(ctx, c);
  if (cls == "Discretization")
    return parseDiscretization(ctx, c);
  if (cls == "Masking") {
    double value = optionalNumber(ctx, c, "mask_value").value_or(0.0);
    if (std::isfinite(value) && std::fabs(value) > 3.4028234663852886e38)
      ctx.fail("'mask_value' is outside float32's range");
    return MaskingConfig{value};
  }
  if (cls == "RepeatVector") {
    if (!c.contains("n"))
      ctx.fail("'n' is missing");
    return RepeatVectorConfig{positiveInt(ctx, c["n"], "n")};
  }
  if (cls == "EinsumDense")
    return parseEinsumDense(ctx, c, kerasMajor);
  if (cls == "MultiHeadAttention")
    return parseMultiHeadAttention(ctx, c);
  if (cls == "GroupedQueryAttention")
    return parseGroupedQueryAttention(ctx, c);
  if (cls == "Attention" || cls == "AdditiveAttention")
    return parseAttention(ctx, c);
  ctx.fail("unsupported layer class '" + cls + "'");
}

} // namespace kconv::keras
