// Internal: what each layer's lowering to its plan step builds on. One lowering per
// layer op, in Layers/<Layer>.cpp, listed in Layers/Layers.def.
#ifndef KCONV_CONVERSION_LAYERLOWERING_H
#define KCONV_CONVERSION_LAYERLOWERING_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Dialect/KconvOps.h"
#include "llvm/ADT/DenseMap.h"

#include <array>
#include <string>
#include <vector>

namespace kconv::dialect {
namespace codegen = ::kconv::codegen;

/// The plan being built: value indices for SSA values (their Keras shapes), the
/// weights of constant operands, and the name of the step being lowered.
class LayerLowering {
public:
  LayerLowering(codegen::PipelinePlan &plan, bool requireWeights)
      : plan(plan), requireWeights(requireWeights) {}

  codegen::PipelinePlan &plan;
  /// The step's name: its Keras layer's, made a unique C identifier.
  std::string name;

  /// The plan value of `value`, added on first use.
  int valueFor(Value value);
  /// `value` is `other` (an identity layer's result: no step computes it).
  void alias(Value value, Value other) { ids[value] = valueFor(other); }

  /// The float32 constant operand `value` of `op` (`role` names it in errors). Without
  /// loaded weights: an error, or zeros when weights are not required.
  FailureOr<std::vector<float>> weights(Operation *op, Value value, StringRef role);

  /// A kernel and an optional bias into a step's kernelValues / biasValues.
  template <typename Step>
  LogicalResult kernelAndBias(Operation *op, Value kernel, Value bias, Step &step) {
    FailureOr<std::vector<float>> k = weights(op, kernel, "kernel");
    if (failed(k))
      return failure();
    step.kernelValues = std::move(*k);
    if (!bias)
      return success();
    FailureOr<std::vector<float>> b = weights(op, bias, "bias");
    if (failed(b))
      return failure();
    step.biasValues = std::move(*b);
    return success();
  }

private:
  bool requireWeights;
  llvm::DenseMap<Value, int> ids;
};

inline std::array<int64_t, 2> pair(ArrayRef<int64_t> values) { return {values[0], values[1]}; }

/// An optional float attribute as a double.
inline std::optional<double> optionalNumber(std::optional<APFloat> v) {
  return v ? std::optional<double>(v->convertToDouble()) : std::nullopt;
}

// The lowering of each layer op to its plan step (Layers/<Layer>.cpp).
#define KCONV_PLAN_LAYER(Op) LogicalResult lowerLayer(Op op, LayerLowering &lowering);
#include "Layers/Layers.def"
#undef KCONV_PLAN_LAYER

} // namespace kconv::dialect

#endif
