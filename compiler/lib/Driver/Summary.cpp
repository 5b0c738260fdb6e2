#include "Summary.h"

#include "kconv/Dialect/KconvOps.h"
#include "kconv/Keras/Regularizers.h"
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

  int64_t total = 0;
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
    func.walk([&](mlir::kconv::Conv2DOp conv) {
      std::string name = "conv2d";
      if (auto loc = mlir::dyn_cast<mlir::NameLoc>(conv.getLoc()))
        name = loc.getName().str();
      int64_t params = elementCount(conv.getKernel()) + elementCount(conv.getBias());
      total += params;
      row(os, name + " (Conv2D)", shapeText(conv.getType()), std::to_string(params));

      auto found = layers.find(name);
      if (found == layers.end())
        return;
      const auto &config = std::get<keras::Conv2DConfig>(found->second->config);
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
    });
  });
  os << doubleRule << "\nTotal params: " << total << "\nTrainable params: " << total
     << "\nNon-trainable params: 0\n" << rule << "\n";
  if (report.empty())
    return;
  os << "Regularizers and constraints" << (hasWeights ? "" : " (no weights loaded)") << ":\n";
  for (const std::string &line : report)
    os << " " << line << "\n";
  if (anyPenalty)
    os << "Total regularization penalty: " << llvm::formatv("{0:g}", totalPenalty) << "\n";
}

} // namespace kconv::driver
