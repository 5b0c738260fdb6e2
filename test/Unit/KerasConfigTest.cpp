// Keras model-configuration parsing: the variations of shared/KERAS-FORMATS.md and
// the messages for what is rejected.
#include "KerasInternal.h"
#include "kconv/Keras/KerasLoader.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace kconv::keras;
using kconv::Status;

const char *kConvConfig = R"({"name": "conv2d_8", "filters": 4, "kernel_size": [3, 3],
  "strides": [1, 1], "padding": "same", "data_format": null, "dilation_rate": [1, 1],
  "activation": "relu", "use_bias": true,
  "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
  "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}})";

std::string sequential(const std::string &layers, const std::string &extra = "") {
  return R"({"class_name": "Sequential", "config": {"name": "seq", "layers": [)" + layers +
         "]" + extra + R"(}, "keras_version": "2.4.0", "backend": "tensorflow"})";
}

Model parseOk(const std::string &text) {
  Model model;
  Status status = parseModelJson(text, "m.json", model);
  EXPECT_TRUE(status.isOk()) << status.message();
  return model;
}

std::string parseError(const std::string &text) {
  Model model;
  Status status = parseModelJson(text, "m.json", model);
  EXPECT_FALSE(status.isOk());
  return status.message();
}

TEST(KerasConfig, SequentialWithInputLayer) {
  Model m = parseOk(sequential(
      R"({"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 8, 3], "name": "in"}},
         {"class_name": "Conv2D", "config": )" + std::string(kConvConfig) + "}"));
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.inputs, std::vector<std::string>{"in"});
  EXPECT_EQ(m.outputs, std::vector<std::string>{"conv2d_8"});
  const auto &conv = std::get<Conv2DConfig>(m.layers[1].config);
  EXPECT_EQ(conv.filters, 4);
  EXPECT_EQ(conv.padding, "same");
  EXPECT_EQ(conv.dataFormat, DataFormat::ChannelsLast); // null means Keras's default
  EXPECT_EQ(conv.groups, 1);                   // absent before Keras 2.3
  EXPECT_EQ(conv.activation, "relu");
  ASSERT_TRUE(conv.kernelRegularizer.has_value());
  EXPECT_EQ(conv.kernelRegularizer->dict[0].second.string, "L2");
  EXPECT_FALSE(conv.biasConstraint.has_value());
}

// Conv1D and the 1-D pools hold their one spatial axis as the width of a 1 x k 2-D op;
// Keras writes each size as an int or a list of one int; strides None is the pool size.
TEST(KerasConfig, Conv1DAndPool1DSizes) {
  Model m = parseOk(sequential(
      R"({"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 3], "name": "in"}},
         {"class_name": "Conv1D", "config": {"name": "c", "filters": 4, "kernel_size": [5],
          "strides": 1, "dilation_rate": [2], "padding": "Causal"}},
         {"class_name": "MaxPooling1D", "config": {"name": "p", "pool_size": [3], "strides": null}},
         {"class_name": "GlobalAveragePooling1D", "config": {"name": "g", "keepdims": true}})"));
  const auto &conv = std::get<Conv2DConfig>(m.layers[1].config);
  EXPECT_EQ(conv.rank, 1);
  EXPECT_EQ(conv.kernelSize, (std::array<int64_t, 2>{1, 5}));
  EXPECT_EQ(conv.strides, (std::array<int64_t, 2>{1, 1}));
  EXPECT_EQ(conv.dilationRate, (std::array<int64_t, 2>{1, 2}));
  EXPECT_EQ(conv.padding, "causal");
  const auto &pool = std::get<Pool2DConfig>(m.layers[2].config);
  EXPECT_EQ(pool.rank, 1);
  EXPECT_TRUE(pool.max);
  EXPECT_EQ(pool.poolSize, (std::array<int64_t, 2>{1, 3}));
  EXPECT_EQ(pool.strides, (std::array<int64_t, 2>{1, 3}));
  const auto &global = std::get<GlobalPool2DConfig>(m.layers[3].config);
  EXPECT_EQ(global.rank, 1);
  EXPECT_FALSE(global.max);
  EXPECT_TRUE(global.keepdims);
}

TEST(KerasConfig, InputShapeFromTheFirstLayerOrBuildInputShape) {
  std::string conv = R"({"class_name": "Conv2D", "config": {"name": "c", "filters": 2,
      "kernel_size": 3, "batch_input_shape": [null, 5, 5, 1]}})";
  Model a = parseOk(sequential(conv));
  const auto &input = std::get<InputConfig>(a.layers[0].config);
  ASSERT_EQ(input.batchShape.size(), 4u);
  EXPECT_FALSE(input.batchShape[0].has_value());
  EXPECT_EQ(*input.batchShape[1], 5);
  EXPECT_EQ(a.inputs[0], "c_input");
  EXPECT_EQ(std::get<Conv2DConfig>(a.layers[1].config).kernelSize[1], 3); // int -> pair

  std::string noShape = R"({"class_name": "Conv2D", "config": {"name": "c", "filters": 2,
      "kernel_size": [3, 3]}})";
  Model b = parseOk(sequential(noShape, R"(, "build_input_shape": [null, 7, 7, 2])"));
  EXPECT_EQ(*std::get<InputConfig>(b.layers[0].config).batchShape[3], 2);

  // Keras <= 2.1: the config is a bare list of layers.
  Model c = parseOk(R"({"class_name": "Sequential", "config": [)" + conv + "]}");
  EXPECT_EQ(c.layers.size(), 2u);
  EXPECT_EQ(c.name, "model");
}

TEST(KerasConfig, FunctionalKeras2AndKeras3InboundNodes) {
  std::string keras2 = R"({"class_name": "Functional", "config": {"name": "f", "layers": [
      {"class_name": "InputLayer", "name": "input_1", "config": {"batch_input_shape": [null, 4, 4, 1], "name": "input_1"}, "inbound_nodes": []},
      {"class_name": "Conv2D", "name": "conv2d", "config": {"name": "conv2d", "filters": 1, "kernel_size": [2, 2]},
       "inbound_nodes": [[["input_1", 0, 0, {}]]]}],
      "input_layers": [["input_1", 0, 0]], "output_layers": [["conv2d", 0, 0]]},
      "keras_version": "2.11.0"})";
  Model a = parseOk(keras2);
  EXPECT_EQ(a.layers[1].inbound, std::vector<std::string>{"input_1"});

  std::string keras3 = R"({"class_name": "Functional", "config": {"name": "f", "layers": [
      {"class_name": "InputLayer", "name": "input_layer", "config": {"batch_shape": [null, 4, 4, 1], "dtype": "float32", "name": "input_layer"}, "inbound_nodes": []},
      {"module": "keras.layers", "class_name": "Conv2D", "name": "conv2d", "config": {"name": "conv2d",
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
        "filters": 1, "kernel_size": [2, 2], "activation": "hard_sigmoid"},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4, 4, 1], "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]}],
      "input_layers": ["input_layer", 0, 0], "output_layers": ["conv2d", 0, 0]}})";
  Model b = parseOk(keras3);
  EXPECT_EQ(b.layers[1].inbound, std::vector<std::string>{"input_layer"});
  // No keras_version, but a Keras 3 config: hard_sigmoid has its Keras 3 meaning.
  EXPECT_EQ(std::get<Conv2DConfig>(b.layers[1].config).activation, "hard_sigmoid");
}

TEST(KerasConfig, ActivationNamesFollowTheKerasVersion) {
  auto activationOf = [](const std::string &activation, const std::string &version) {
    std::string text = R"({"class_name": "Sequential", "config": [{"class_name": "Conv2D",
        "config": {"name": "c", "filters": 1, "kernel_size": 1, "batch_input_shape": [null, 1, 1, 1],
        "activation": )" + activation + R"(}}], "keras_version": ")" + version + "\"}";
    Model m = parseOk(text);
    return std::get<Conv2DConfig>(m.layers[1].config).activation;
  };
  EXPECT_EQ(activationOf("\"hard_sigmoid\"", "2.13.1"), "hard_sigmoid_keras2");
  EXPECT_EQ(activationOf("\"hard_sigmoid\"", "3.4.1"), "hard_sigmoid");
  EXPECT_EQ(activationOf("\"swish\"", "2.13.1"), "silu");
  EXPECT_EQ(activationOf("null", "2.13.1"), "linear");
  EXPECT_EQ(activationOf(R"({"module": "keras.activations", "class_name": "function",
      "config": "gelu", "registered_name": "function"})", "3.4.1"), "gelu");
}

TEST(KerasConfig, RejectsWithMessagesNamingFileLayerAndArgument) {
  auto conv = [](const std::string &extra) {
    return sequential(R"({"class_name": "Conv2D", "config": {"name": "conv_x", "filters": 2,
        "kernel_size": [3, 3], "batch_input_shape": [null, 8, 8, 2])" + extra + "}}");
  };
  EXPECT_EQ(parseError(conv(R"(, "padding": "causal")")),
            "m.json: layer 'conv_x' (Conv2D): 'padding' must be 'valid' or 'same', got 'causal'");
  EXPECT_EQ(parseError(conv(R"(, "activation": "wobbly")")),
            "m.json: layer 'conv_x' (Conv2D): unknown activation 'wobbly'");
  EXPECT_EQ(parseError(conv(R"(, "strides": [1, 0])")),
            "m.json: layer 'conv_x' (Conv2D): 'strides' must be >= 1, got 0");
  EXPECT_EQ(parseError(conv(R"(, "kernel_size": "3")")),
            "m.json: layer 'conv_x' (Conv2D): 'kernel_size' must be an int or a pair of ints, got \"3\"");
  EXPECT_EQ(parseError(conv(R"(, "dtype": "float16")")),
            "m.json: layer 'conv_x' (Conv2D): dtype 'float16' is not supported: kconv computes in float32");
  EXPECT_EQ(parseError(conv(R"(, "data_format": "channels_middle")")),
            "m.json: layer 'conv_x' (Conv2D): 'data_format' must be 'channels_last' or "
            "'channels_first', got 'channels_middle'");
  EXPECT_NE(parseError(conv(R"(, "filters": 1000000000000)")).find("exceeds kconv's limit"),
            std::string::npos);
  EXPECT_EQ(parseError(sequential(R"({"class_name": "StringLookup", "config": {"name": "s_1",
      "batch_input_shape": [null, 4]}})")),
            "m.json: layer 's_1' (StringLookup): unsupported layer class 'StringLookup'");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "ConvLSTM1D", "config": {"name": "c_1",
      "filters": 3, "batch_input_shape": [null, 4, 4, 2]}})")),
            "m.json: layer 'c_1' (ConvLSTM1D): 'kernel_size' is missing");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "GRU", "config": {"name": "gru_1",
      "units": 3, "stateful": true, "batch_input_shape": [null, 4, 4]}})")),
            "m.json: layer 'gru_1' (GRU): 'stateful' true is not supported (kconv keeps no "
            "state between calls)");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "Dense", "config": {"name": "dense_1",
      "batch_input_shape": [null, 4]}})")),
            "m.json: layer 'dense_1' (Dense): 'units' is missing");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "ZeroPadding2D", "config": {"name": "zp",
      "padding": [1, 2, 3], "batch_input_shape": [null, 4, 4, 1]}})")),
            "m.json: layer 'zp' (ZeroPadding2D): 'padding' must be an int, a pair, or a pair of "
            "pairs, got [1,2,3]");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "UpSampling2D", "config": {"name": "up",
      "interpolation": "bicubic", "batch_input_shape": [null, 4, 4, 1]}})")),
            "m.json: layer 'up' (UpSampling2D): interpolation 'bicubic' is not supported (only "
            "'nearest' and 'bilinear')");
  EXPECT_EQ(parseError(sequential(R"({"class_name": "Reshape", "config": {"name": "r",
      "target_shape": [-1, -1], "batch_input_shape": [null, 4, 4, 1]}})")),
            "m.json: layer 'r' (Reshape): 'target_shape' may contain -1 only once");
  EXPECT_NE(parseError(sequential(R"({"class_name": "Lambda", "config": {"name": "l",
      "batch_input_shape": [null, 4]}})")).find("Python code"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"class_name": "Sequential", "config": [{"class_name": "Convolution2D",
      "config": {"name": "c", "nb_filter": 2, "border_mode": "same"}}]})").find("Keras 1"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"class_name": "Sequential", "backend": "theano", "config": []})")
                .find("Theano"),
            std::string::npos);
  EXPECT_EQ(parseError("{\"class_name\": \"Sequential\", \"config\": [").substr(0, 23),
            "m.json: malformed JSON:");
  EXPECT_NE(parseError(std::string(1000, '[') + std::string(1000, ']')).find("nesting deeper"),
            std::string::npos);
  EXPECT_NE(parseError(R"({"class_name": "Sequential", "config": [{"class_name": "Conv2D",
      "config": {"name": "c", "filters": 2, "kernel_size": 1}}]})").find("input shape is unknown"),
            std::string::npos);
}

TEST(KerasConfig, RejectsBrokenGraphs) {
  std::string dangling = R"({"class_name": "Functional", "config": {"name": "f", "layers": [
      {"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 4, 4, 1], "name": "in"}, "inbound_nodes": []},
      {"class_name": "Conv2D", "name": "c", "config": {"name": "c", "filters": 1, "kernel_size": 1},
       "inbound_nodes": [[["nowhere", 0, 0, {}]]]}],
      "input_layers": [["in", 0, 0]], "output_layers": [["c", 0, 0]]}})";
  EXPECT_EQ(parseError(dangling),
            "m.json: layer 'c' (Conv2D): takes its input from 'nowhere', which is not an "
            "earlier layer of the model (dangling input or cycle)");
}

} // namespace

namespace {
TEST(KerasNames, Keras3SnakeCaseMatchesKeras) {
  EXPECT_EQ(kconv::keras::kerasSnakeCase("Conv2D"), "conv2d");
  EXPECT_EQ(kconv::keras::kerasSnakeCase("DepthwiseConv2D"), "depthwise_conv2d");
  EXPECT_EQ(kconv::keras::kerasSnakeCase("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(kconv::keras::kerasSnakeCase("ReLU"), "re_lu");
  EXPECT_EQ(kconv::keras::kerasSnakeCase("InputLayer"), "input_layer");
  EXPECT_EQ(kconv::keras::kerasSnakeCase("Conv2DTranspose"), "conv2d_transpose");
}

// The depth limit (128 levels) is enforced before parsing, without a parser callback;
// brackets inside strings (escaped quotes included) do not count.
TEST(KerasConfig, JsonDepthLimitCountsOnlyStructure) {
  auto parse = [](const std::string &text) {
    Model model;
    return parseModelJson(text, "m.json", model).message();
  };
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  const char *tooDeep = "m.json: JSON nesting deeper than 128 levels";
  EXPECT_EQ(parse(nested(129)), tooDeep);
  EXPECT_EQ(parse("{\"a\": " + nested(128) + "}"), tooDeep);
  EXPECT_NE(parse(nested(128)), tooDeep);
  EXPECT_EQ(parse(nested(128)), "m.json: not a Keras model configuration (expected a JSON object)");
  // 1000 brackets inside a string, after an escaped quote and an escaped backslash.
  std::string inString = "[\"\\\"\\\\" + std::string(1000, '[') + "\"]";
  EXPECT_EQ(parse(inString), "m.json: not a Keras model configuration (expected a JSON object)");
  EXPECT_EQ(parse("[" + std::string(200, '{') + "]"), tooDeep);
}

// The bound a .keras weights entry is checked against: never below the parameters the
// layers really have, exact where shapes are exact, unknown where a needed size is.
TEST(KerasConfig, ParameterBoundIsNeverBelowTheLayersParameters) {
  auto bound = [](const std::string &input, const std::string &layers) {
    Model model = parseOk(sequential(
        R"({"class_name": "InputLayer", "config": {"batch_input_shape": )" + input +
        R"(, "name": "in"}}, )" + layers));
    return parameterBound(model);
  };
  std::string conv = R"({"class_name": "Conv2D", "config": {"name": "c", "filters": 4,
      "kernel_size": 3, "strides": 2, "padding": "valid"}})";
  std::string dense = R"({"class_name": "Flatten", "config": {"name": "f"}},
      {"class_name": "Dense", "config": {"name": "d", "units": 10}})";
  // Conv2D: 3*3*3*4 + 4 = 112. Its valid output is 3x3x4 (Dense: 36*10 + 10 = 370);
  // the bound rounds the strided size up to 4x4x4 (64*10 + 10 = 650).
  EXPECT_EQ(bound("[null, 8, 8, 3]", conv), std::optional<uint64_t>(112));
  EXPECT_EQ(bound("[null, 8, 8, 3]", conv + ", " + dense), std::optional<uint64_t>(762));
  // BatchNormalization: gamma, beta, moving mean and variance per channel.
  EXPECT_EQ(bound("[null, 8, 8, 3]",
                  R"({"class_name": "BatchNormalization", "config": {"name": "b", "axis": -1}})"),
            std::optional<uint64_t>(12));
  // LayerNormalization: gamma and beta per channel, at most.
  EXPECT_EQ(bound("[null, 8, 8, 3]",
                  R"({"class_name": "LayerNormalization", "config": {"name": "l", "axis": [-1]}})"),
            std::optional<uint64_t>(6));
  // Unknown spatial sizes do not matter to a convolution, but do to a Dense after Flatten.
  EXPECT_EQ(bound("[null, null, null, 3]", conv), std::optional<uint64_t>(112));
  EXPECT_EQ(bound("[null, null, null, 3]", conv + ", " + dense), std::nullopt);
  // Conv3D: 2*3*3*3*4 + 4 = 220; its valid output (3, 3, 2, 4) bounded by (4, 4, 3, 4)
  // after strides (1, 2, 2) (Dense: 192*10 + 10 = 1930), MaxPooling3D halving it first
  // ((2, 2, 2, 4): 330); ZeroPadding3D adds to every axis.
  std::string conv3d = R"({"class_name": "Conv3D", "config": {"name": "c", "filters": 4,
      "kernel_size": [2, 3, 3], "strides": [1, 2, 2], "padding": "valid"}})";
  std::string pool3d = R"({"class_name": "MaxPooling3D", "config": {"name": "p",
      "pool_size": 2}})";
  std::string pad3d = R"({"class_name": "ZeroPadding3D", "config": {"name": "z",
      "padding": [1, 0, [0, 2]]}})";
  EXPECT_EQ(bound("[null, 4, 8, 6, 3]", conv3d), std::optional<uint64_t>(220));
  EXPECT_EQ(bound("[null, 4, 8, 6, 3]", conv3d + ", " + dense), std::optional<uint64_t>(2150));
  EXPECT_EQ(bound("[null, 4, 8, 6, 3]", conv3d + ", " + pool3d + ", " + dense),
            std::optional<uint64_t>(550));
  EXPECT_EQ(bound("[null, 4, 8, 6, 3]", pad3d + ", " + dense),
            std::optional<uint64_t>(6 * 8 * 8 * 3 * 10 + 10));
}
// LayerNormalization: an int axis or a list kept as written, Keras's defaults, Keras 3's
// rms_scaling, RMSNormalization's defaults; an empty axis list and a negative epsilon
// are errors naming the layer.
TEST(KerasConfig, LayerNormalizationArguments) {
  auto layer = [](const std::string &config) {
    return sequential(R"({"class_name": "InputLayer", "config": {"batch_input_shape":
        [null, 4, 4, 3], "name": "in"}}, {"class_name": "LayerNormalization", "config": )" +
                      config + "}");
  };
  Model a = parseOk(layer(R"({"name": "ln", "axis": [3], "rms_scaling": true})"));
  const auto &ln = std::get<LayerNormConfig>(a.layers[1].config);
  EXPECT_EQ(ln.axes, std::vector<int64_t>{3});
  EXPECT_DOUBLE_EQ(ln.epsilon, 1e-3);
  EXPECT_TRUE(ln.center && ln.scale && ln.rmsScaling);
  Model b = parseOk(layer(R"({"name": "ln", "epsilon": 1e-6, "center": false})"));
  const auto &plain = std::get<LayerNormConfig>(b.layers[1].config);
  EXPECT_EQ(plain.axes, std::vector<int64_t>{-1});
  EXPECT_DOUBLE_EQ(plain.epsilon, 1e-6);
  EXPECT_FALSE(plain.center || plain.rmsScaling);
  Model c = parseOk(layer(R"({"name": "ln", "axis": [2, -3]})"));
  EXPECT_EQ(std::get<LayerNormConfig>(c.layers[1].config).axes, (std::vector<int64_t>{2, -3}));
  EXPECT_NE(parseError(layer(R"({"name": "ln", "axis": []})"))
                .find("layer 'ln' (LayerNormalization): 'axis' must be an integer or a "
                      "non-empty list of integers, got []"),
            std::string::npos);
  Model d = parseOk(sequential(R"({"class_name": "InputLayer", "config": {"batch_input_shape":
      [null, 4, 3], "name": "in"}}, {"class_name": "RMSNormalization", "config": {"name": "rms",
      "axis": -1}})"));
  const auto &rms = std::get<LayerNormConfig>(d.layers[1].config);
  EXPECT_DOUBLE_EQ(rms.epsilon, 1e-6);
  EXPECT_TRUE(rms.scale && rms.rmsScaling && rms.meanSquare && !rms.center);
  EXPECT_NE(parseError(layer(R"({"name": "ln", "epsilon": -1.0})"))
                .find("'epsilon' must be a finite number >= 0"),
            std::string::npos);
}
} // namespace

namespace {
// Issue 20: a Functional model nested in a Functional model, called twice (Keras 2
// numbers its calls from 1), holding a Dense layer called twice (shared).
const char *kNestedKeras2 = R"({"class_name": "Functional", "config": {"name": "outer", "layers": [
  {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
  {"class_name": "Functional", "name": "block", "config": {"name": "block", "layers": [
     {"class_name": "InputLayer", "name": "i", "config": {"name": "i", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
     {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 4},
      "inbound_nodes": [[["i", 0, 0, {}]], [["d", 0, 0, {}]]]}],
     "input_layers": [["i", 0, 0]], "output_layers": [["d", 1, 0]]},
   "inbound_nodes": [[["x", 0, 0, {}]], [["block", 1, 0, {}]]]}],
  "input_layers": [["x", 0, 0]], "output_layers": [["block", 2, 0]]},
  "keras_version": "2.13.1"})";

TEST(KerasConfig, NestedModelsAndSharedLayersAreFlattened) {
  Model m = parseOk(kNestedKeras2);
  std::vector<std::string> names;
  for (const Layer &l : m.layers)
    names.push_back(l.name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "block/d", "block/d@1", "block@1/d",
                                             "block@1/d@1"}));
  EXPECT_EQ(m.layers[1].inbound, std::vector<std::string>{"x"});
  EXPECT_EQ(m.layers[2].inbound, std::vector<std::string>{"block/d"});
  EXPECT_EQ(m.layers[3].inbound, std::vector<std::string>{"block/d@1"});
  EXPECT_EQ(m.outputs, std::vector<std::string>{"block@1/d@1"});
  EXPECT_EQ(m.layers[1].weightOwner, "");
  for (size_t i = 2; i < 5; ++i)
    EXPECT_EQ(m.layers[i].weightOwner, "block/d");
  EXPECT_EQ(m.layers[1].keras3Path, "functional/layers/dense");
  EXPECT_EQ(m.layers[1].keras2Group, "block");
  EXPECT_EQ(m.layers[1].keras2Scope, "d");

  // Keras 2 stores the nested model as one group: split by weight name.
  Weights w;
  w.sourcePath = "w.h5";
  w.byLayer["block"] = {WeightTensor{"kernel", "d/kernel:0", {4, 4}, {}},
                        WeightTensor{"bias", "d/bias:0", {4}, {}}};
  w.layerOrder = {"block"};
  ASSERT_TRUE(matchNestedKeras2Weights(m, w).isOk());
  EXPECT_EQ(w.layerOrder, std::vector<std::string>{"block/d"});
  ASSERT_EQ(w.byLayer.count("block/d"), 1u);
  EXPECT_EQ(w.byLayer["block/d"].size(), 2u);
  Weights bad;
  bad.sourcePath = "w.h5";
  bad.byLayer["block"] = {WeightTensor{"kernel", "ghost/kernel:0", {4, 4}, {}}};
  bad.layerOrder = {"block"};
  EXPECT_EQ(matchNestedKeras2Weights(m, bad).message(),
            "w.h5: weight 'ghost/kernel:0' of nested model 'block' belongs to no layer of "
            "that model");
}

TEST(KerasConfig, RejectsBrokenNestedModels) {
  std::string text = kNestedKeras2;
  auto with = [&](const std::string &from, const std::string &to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return parseError(t);
  };
  EXPECT_EQ(with(R"([["i", 0, 0, {}]], [["d", 0, 0, {}]])", R"([["ghost", 0, 0, {}]])"),
            "m.json: layer 'block/d' (Dense): takes its input from 'ghost', which is not an "
            "earlier layer of the model (dangling input or cycle)");
  EXPECT_EQ(with(R"("output_layers": [["block", 2, 0]])", R"("output_layers": [["block", 7, 0]])"),
            "m.json: 'output_layers' refers to node 7 of layer 'block', which does not exist "
            "('block' is called 2 times, numbered from 1)");
  EXPECT_EQ(with(R"("output_layers": [["block", 2, 0]])", R"("output_layers": [["block", 2, 3]])"),
            "m.json: 'output_layers' refers to tensor 3 of layer 'block', which does not exist "
            "('block' has one output tensor)");
}

// GroupNormalization: Keras's defaults, groups -1, the axis as written; groups 0 or
// below -1 are errors naming the layer.
TEST(KerasConfig, GroupNormalizationArguments) {
  auto layer = [](const std::string &config) {
    return sequential(R"({"class_name": "InputLayer", "config": {"batch_input_shape":
        [null, 4, 4, 8], "name": "in"}}, {"class_name": "GroupNormalization", "config": )" +
                      config + "}");
  };
  Model a = parseOk(layer(R"({"name": "gn"})"));
  const auto &gn = std::get<GroupNormConfig>(a.layers[1].config);
  EXPECT_EQ(gn.groups, 32);
  EXPECT_EQ(gn.axis, -1);
  EXPECT_DOUBLE_EQ(gn.epsilon, 1e-3);
  EXPECT_TRUE(gn.center && gn.scale);
  Model b = parseOk(layer(R"({"name": "gn", "groups": -1, "axis": 1, "epsilon": 1e-5,
      "center": false})"));
  const auto &instance = std::get<GroupNormConfig>(b.layers[1].config);
  EXPECT_EQ(instance.groups, -1);
  EXPECT_EQ(instance.axis, 1);
  EXPECT_FALSE(instance.center);
  EXPECT_NE(parseError(layer(R"({"name": "gn", "groups": -2})"))
                .find("layer 'gn' (GroupNormalization): 'groups' must be a positive integer "
                      "or -1, got -2"),
            std::string::npos);
}
} // namespace
