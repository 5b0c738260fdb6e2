// Transpose (Permute, and the NCHW <-> NHWC copies at the model's boundary): a view
// of the input, and the schedule of its copy when it is a model output.
// THE ALGORITHM on Funcs in Halide order (see LayerFuncs.h), then THE SCHEDULE.
#include "Activation.h"
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
Func defineTranspose(const TransposeLayer &layer, const TensorInfo &out, const Func &input) {
  TensorVars v(out.rank());
  std::vector<Expr> index(out.rank());
  for (int i = 0; i < out.rank(); ++i)
    index[layer.permutation[i]] = v.keras[i];
  Func result(layer.name);
  result(v.halide()) = callKeras(input, index);
  return result;
}
} // namespace

LayerFuncs defineStep(const TransposeLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineTranspose(layer, in.value(layer.output), in.funcs[0]);
  f.view = true;
  return f;
}

/// THE SCHEDULE of a Transpose step that is a model output (it is a view otherwise).
std::optional<Var> scheduleTransposeCopy(Func store, const std::vector<int64_t> &permutation,
                                         const TensorInfo &out, int vectorWidth, int threads,
                                         int bandRows) {
  int rank = out.rank();
  // The Halide dimension (innermost first) that is the source's innermost one.
  int across = -1;
  for (int k = 0; k < rank; ++k)
    if (permutation[k] == rank - 1)
      across = rank - 1 - k;
  if (across <= 0 || rank < 3) { // the innermost dimension stays innermost: a plain copy
    vectorizeAndParallelize(store, store, out.shape, vectorWidth, threads);
    return std::nullopt;
  }
  // Vectorized along the output's rows, unrolled over 16 of the source's innermost
  // elements: each tile reads 8 source lines of 64 bytes and writes 16 output vectors,
  // where a copy vectorized only reads a cache line per element (docs/codegen.md).
  std::vector<Var> args = store.args();
  Var inner = args[0], acrossVar = args[across];
  Var innerO("inner_o"), innerI("inner_i"), acrossO("across_o"), acrossI("across_i");
  int lanes = std::min(vectorWidth, 8);
  store.split(inner, innerO, innerI, lanes, TailStrategy::GuardWithIf)
      .split(acrossVar, acrossO, acrossI, 16, TailStrategy::GuardWithIf);
  std::vector<VarOrRVar> order = {innerI, acrossI, innerO};
  bool banded = bandRows > 0 && rank == 4 && across == 2 && bandRows <= out.shape[2];
  Var band("band"), rowInBand("row_in_band");
  if (banded) {
    // (w, h, c, n): rows split into bands, all channels of a band before the next.
    store.split(args[1], band, rowInBand, bandRows, TailStrategy::ShiftInwards);
    order.insert(order.end(), {rowInBand, acrossO, band, args[3]});
  } else {
    for (int d = 1; d < rank; ++d)
      order.push_back(d == across ? acrossO : args[d]);
  }
  store.reorder(order).vectorize(innerI).unroll(acrossI);
  if (banded) {
    store.parallel(band);
    return band;
  }
  // Parallel over the outermost non-batch dimension (rows, or blocks of the source's
  // innermost dimension when that is the outermost).
  store.parallel(rank - 2 == across ? VarOrRVar(acrossO) : VarOrRVar(args[rank - 2]));
  return std::nullopt;
}

namespace {
/// Whether a Transpose step copying an NHWC image to NCHW can compute its source a
/// band of rows at a time: the copy's rows (Halide dimension 1) are the source's rows
/// and its channels the next dimension out (see scheduleTransposeCopy).
bool copiesRowsInBands(const TransposeLayer &transpose) {
  return transpose.permutation == std::vector<int64_t>{0, 3, 1, 2};
}
} // namespace

int bandingTransposeOf(const PipelinePlan &plan, const Conv2DLayer &conv,
                       const std::map<int, std::string> &outputName) {
  if (outputName.count(conv.output) || isAxisActivation(conv.activation))
    return -1;
  int found = -1, readers = 0;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    std::vector<int> reads = layerInputs(plan.nodes[i]);
    if (const auto *step = std::get_if<ConvStep>(&plan.nodes[i])) {
      const Conv2DLayer &other = plan.convs.at(step->conv);
      reads = {other.input, other.residual};
    }
    int count = (int)std::count(reads.begin(), reads.end(), conv.output);
    readers += count;
    const auto *transpose = std::get_if<TransposeLayer>(&plan.nodes[i]);
    if (count && transpose && copiesRowsInBands(*transpose) && outputName.count(transpose->output))
      found = (int)i;
  }
  return readers == 1 ? found : -1;
}

} // namespace kconv::codegen
