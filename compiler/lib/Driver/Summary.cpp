#include "Summary.h"

#include "kconv/Dialect/KconvOps.h"
#include "kconv/Keras/Regularizers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

namespace kconv::driver {
namespace {

std::string shapeText(mlir::Type type) {
  auto tensor = mlir::cast<mlir::RankedTensorType>(type);
  std::string text = "(";
  for (auto [i, d] : llvm::enumerate(tensor.getShape()))
    text += (i ? ", " : "") + (mlir::ShapedType::isDynamic(d) ? std::string("None")
                                                               : std::to_string(d));
  return text + ")";
}

struct Weight {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

std::optional<Weight> constantWeight(mlir::Value value) {
  auto constant = value ? value.getDefiningOp<mlir::arith::ConstantOp>() : nullptr;
  auto attr = constant ? mlir::dyn_cast<mlir::DenseF32ResourceElementsAttr>(constant.getValue())
                       : nullptr;
  if (!attr)
    return std::nullopt;
  std::optional<llvm::ArrayRef<float>> data = attr.tryGetAsArrayRef();
  if (!data)
    return std::nullopt;
  auto shape = mlir::cast<mlir::ShapedType>(attr.getType()).getShape();
  return Weight{{shape.begin(), shape.end()}, {data->begin(), data->end()}};
}

int64_t elementCount(mlir::Value value) {
  return value ? mlir::cast<mlir::ShapedType>(value.getType()).getNumElements() : 0;
}

void row(llvm::raw_ostream &os, const std::string &a, const std::string &b, const std::string &c) {
  os << " " << llvm::left_justify(a, 28) << llvm::left_justify(b, 26) << c << "\n";
}

} // namespace

void printSummary(mlir::ModuleOp module, const keras::Model &model, bool hasWeights,
                  llvm::raw_ostream &os) {
  std::map<std::string, const keras::Layer *> layers;
  for (const keras::Layer &layer : model.layers)
    layers[layer.name] = &layer;
  std::string rule(65, '_'), doubleRule(65, '=');
  os << "Model: \"" << model.name << "\"\n" << rule << "\n";
  row(os, "Layer (type)", "Output Shape", "Param #");
  os << doubleRule << "\n";

  int64_t total = 0, nonTrainable = 0;
  std::vector<std::string> report;
  double totalPenalty = 0;
  bool anyPenalty = false;
  module.walk([&](mlir::func::FuncOp func) {
    // Keras lists the InputLayer of Functional models only.
    for (mlir::BlockArgument arg : func.getArguments()) {
      if (!model.functional)
        break;
      auto name = func.getArgAttrOfType<mlir::StringAttr>(arg.getArgNumber(), "kconv.name");
      row(os, (name ? name.str() : "input") + " (InputLayer)", shapeText(arg.getType()), "0");
    }
    // One row per Keras layer: ops a layer expands into ("sep/depthwise") join it.
    struct Row {
      std::string name, cls, shape;
      int64_t params;
    };
    std::vector<Row> rows;
    llvm::DenseSet<mlir::Value> counted;
    for (mlir::Operation &op : func.getBody().front()) {
      if (!mlir::isa<kconv::dialect::KconvDialect>(op.getDialect()))
        continue;
      std::string name = "layer";
      if (auto loc = mlir::dyn_cast<mlir::NameLoc>(op.getLoc()))
        name = loc.getName().getValue().split('/').first.str();
      auto found = layers.find(name);
      if (found == layers.end() && name.find('#') != std::string::npos) {
        // An op of one step of a layer unrolled over its steps ("convlstm#3").
        name = name.substr(0, name.find('#'));
        found = layers.find(name);
      }
      int64_t params = 0;
      for (mlir::Value operand : op.getOperands()) {
        auto constant = operand.getDefiningOp<mlir::arith::ConstantOp>();
        if (constant && mlir::isa<mlir::DenseResourceElementsAttr>(constant.getValue()) &&
            counted.insert(operand).second) // (a kernel every step reads counts once)
          params += elementCount(operand); // imported weights, not synthesized constants
      }
      const auto *norm = found != layers.end()
                             ? std::get_if<keras::NormalizationConfig>(&found->second->config)
                             : nullptr;
      if (auto bn = mlir::dyn_cast<kconv::dialect::BatchNormOp>(op)) {
        if (norm) {
          // A Normalization, imported as scale and offset: Keras's non-trainable
          // mean, variance (per index of its axis, or one) and count, unless the
          // config gave the values.
          if (!norm->mean)
            params = 2 * (norm->axis ? elementCount(bn.getGamma()) : 1) + 1;
          nonTrainable += params;
        } else { // moving statistics
          nonTrainable += elementCount(bn.getMovingMean()) + elementCount(bn.getMovingVariance());
        }
      }
      total += params;
      std::string cls = found != layers.end() ? found->second->className : "?";
      if (!rows.empty() && rows.back().name == name) {
        rows.back().params += params;
        rows.back().shape = shapeText(op.getResult(0).getType());
      } else {
        rows.push_back({name, cls, shapeText(op.getResult(0).getType()), params});
      }
      auto conv = mlir::dyn_cast<kconv::dialect::Conv2DOp>(op);
      if (!conv || found == layers.end())
        continue;
      const auto *configPtr = std::get_if<keras::Conv2DConfig>(&found->second->config);
      if (!configPtr)
        continue;
      const keras::Conv2DConfig &config = *configPtr;
      std::optional<Weight> kernel = constantWeight(conv.getKernel());
      std::optional<Weight> bias = constantWeight(conv.getBias());
      auto regularize = [&](const char *arg, const std::optional<keras::Value> &spec,
                            const std::optional<Weight> &weight, bool activity) {
        keras::Regularizer r;
        if (!spec || !keras::parseRegularizer(*spec, r))
          return;
        std::string line = name + ": " + arg + " " + r.describe() + ": ";
        std::string why;
        std::optional<double> penalty;
        if (activity)
          why = "depends on the layer's output at run time: not evaluated";
        else if (r.kind == keras::Regularizer::Kind::Custom)
          why = "custom: not evaluated";
        else if (!weight)
          why = "no weights loaded";
        else
          penalty = keras::regularizerPenalty(r, weight->shape, weight->values, why);
        if (penalty) {
          line += "penalty " + llvm::formatv("{0:g}", *penalty).str();
          totalPenalty += *penalty;
          anyPenalty = true;
        } else {
          line += why;
        }
        report.push_back(line);
      };
      regularize("kernel_regularizer", config.kernelRegularizer, kernel, false);
      regularize("bias_regularizer", config.biasRegularizer, bias, false);
      regularize("activity_regularizer", config.activityRegularizer, std::nullopt, true);
      auto constrain = [&](const char *arg, const std::optional<keras::Value> &spec,
                           const std::optional<Weight> &weight) {
        keras::Constraint c;
        if (!spec || !keras::parseConstraint(*spec, c))
          return;
        std::string line = name + ": " + arg + " " + c.describe() + ": ";
        std::string detail = "no weights loaded";
        std::optional<bool> holds;
        if (weight)
          holds = keras::constraintHolds(c, weight->shape, weight->values, detail);
        if (holds)
          line += std::string(*holds ? "holds" : "VIOLATED") + " (" + detail + ")";
        else
          line += detail;
        report.push_back(line);
      };
      constrain("kernel_constraint", config.kernelConstraint, kernel);
      constrain("bias_constraint", config.biasConstraint, bias);
    }
    for (const Row &r : rows)
      row(os, r.name + " (" + r.cls + ")", r.shape, std::to_string(r.params));
  });
  os << doubleRule << "\nTotal params: " << total << "\nTrainable params: " << total - nonTrainable
     << "\nNon-trainable params: " << nonTrainable << "\n" << rule << "\n";
  if (report.empty())
    return;
  os << "Regularizers and constraints" << (hasWeights ? "" : " (no weights loaded)") << ":\n";
  for (const std::string &line : report)
    os << " " << line << "\n";
  if (anyPenalty)
    os << "Total regularization penalty: " << llvm::formatv("{0:g}", totalPenalty) << "\n";
}

} // namespace kconv::driver
