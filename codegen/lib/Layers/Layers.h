// Internal: the Halide algorithm of each plan step other than Conv2D, one overload of
// defineStep per step type, each in Layers/<Layer>.cpp; LayerFuncs.cpp's defineLayer
// dispatches a PlanNode to them. Adding a step type adds its file and its line here.
#ifndef KCONV_CODEGEN_LAYERS_LAYERS_H
#define KCONV_CODEGEN_LAYERS_LAYERS_H

#include "../LayerFuncs.h"

namespace kconv::codegen {

/// What a step's algorithm reads: the plan (the shapes of its values) and the Funcs of
/// its inputs, in order, in Halide order.
struct StepInputs {
  const PipelinePlan &plan;
  const std::vector<Halide::Func> &funcs;
  WeightSink *weights = nullptr; // where its weights go (embedded if none)
  const TensorInfo &value(int index) const { return plan.values.at(index); }
  /// The layer's constant tensor `values` (constantTensor), embedded or a parameter.
  ConstantTensor constant(const std::vector<float> &values, std::vector<int> halideExtents,
                          const std::string &name) const {
    return constantTensor(values, std::move(halideExtents), name, weights);
  }
};

LayerFuncs defineStep(const Conv2DTransposeLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const DenseLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const EmbeddingLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const CategoryEncodingLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const DiscretizationLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const MaskedAveragePool1DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const SequenceMaskLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const BatchNormLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const RescalingLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const LayerNormLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const UnitNormLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const Pool2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const GlobalPool2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const AdaptivePool2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const ActivationLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const PReluLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const MergeLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const ConcatenateLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const ZeroPadding2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const Cropping2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const UpSample2DLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const ResizeLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const ReshapeLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const TransposeLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const GroupNormLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const BatchMatMulLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const AdditiveScoresLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const AttentionMaskLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const RecurrentLayer &layer, const StepInputs &in);
LayerFuncs defineStep(const DepthUnfoldLayer &layer, const StepInputs &in);

} // namespace kconv::codegen

#endif
