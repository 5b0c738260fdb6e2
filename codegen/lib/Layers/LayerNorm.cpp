// LayerNormalization (and RMSNormalization) over a list of axes: the moments over those
// axes as stages, then the affine map. THE ALGORITHM on Funcs in Halide order (see
// LayerFuncs.h). Not fusable: the moments are reductions.
// Schedule: over the last axes (the usual case: axis -1), the last a multiple of 8 long,
// the moments of a block of positions are computed where their output is, from partial
// sums in vector lanes (scheduleRows), so the input is read from memory once and the
// blocks' reduction chains overlap; otherwise the common one of non-convolution steps
// (scheduleLayer), the moments computed whole.
#include "Layers.h"

#include <algorithm>

namespace kconv::codegen {

using namespace Halide;

namespace {
/// Positions whose moments are computed together (their accumulators interleaved, so
/// one position's sum does not wait on the previous one's).
constexpr int kBlockPositions = 4;

/// Lanes of the partial sums when the normalized axes are the last ones and the last
/// one's length is a multiple of 8 (16 or 8: with kBlockPositions positions, at most
/// 8 AVX2 accumulators); 0 otherwise.
int partialLanes(const LayerNormLayer &layer, const TensorInfo &in) {
  int rank = in.rank(), k = (int)layer.axes.size();
  for (int j = 0; j < k; ++j)
    if (layer.axes[k - 1 - j] != rank - 1 - j)
      return 0;
  for (int lanes : {16, 8})
    if (in.shape.back() % lanes == 0)
      return lanes;
  return 0;
}

/// The sum of `terms`, adding the second half to the first until one is left (lane i to
/// lane i + n/2, as vector halves add).
Expr halvingSum(std::vector<Expr> terms) {
  while (terms.size() > 1) {
    size_t half = terms.size() / 2, odd = terms.size() % 2;
    std::vector<Expr> next;
    for (size_t i = 0; i < half; ++i)
      next.push_back(terms[i] + terms[i + half + odd]);
    if (odd)
      next.push_back(terms[half]);
    terms = std::move(next);
  }
  return terms.front();
}

/// The moments over the last axes from partial sums: lane l of `name`_lanes sums the
/// elements l, l + lanes, ... of each last-axis row (and every row of the other
/// reduced axes), and the moment adds the lanes. Returns the Funcs to compute per
/// position (lane sums, then moments) after `mean` and `variance` are defined.
std::vector<Func> laneMoments(const LayerNormLayer &layer, const TensorInfo &in,
                              const Func &input, int lanes, Func &mean, Func &variance,
                              Var &lane, std::vector<RVar> &rvars) {
  int rank = in.rank(), k = (int)layer.axes.size();
  TensorVars v(rank);
  std::vector<Var> kept;
  std::vector<Expr> keptExprs;
  for (int d = rank - k - 1; d >= 0; --d) {
    kept.push_back(v.keras[d]);
    keptExprs.push_back(v.keras[d]);
  }
  Region extents{Range(0, int(in.shape.back() / lanes))};
  int64_t count = in.shape.back();
  for (int j = 1; j < k; ++j) {
    extents.push_back(Range(0, (int)in.shape[rank - 1 - j]));
    count *= in.shape[rank - 1 - j];
  }
  RDom r(extents, layer.name + "_r");
  for (int j = 0; j < r.dimensions(); ++j)
    rvars.push_back(r[j]);
  std::vector<Expr> along = v.kerasExprs();
  along[rank - 1] = r[0] * lanes + lane;
  for (int j = 1; j < k; ++j)
    along[rank - 1 - j] = r[j];
  Expr x = callKeras(input, along);
  std::vector<Var> laneArgs{lane};
  laneArgs.insert(laneArgs.end(), kept.begin(), kept.end());
  auto total = [&](const Func &f) {
    std::vector<Expr> terms;
    for (int l = 0; l < lanes; ++l) {
      std::vector<Expr> index{Expr(l)};
      index.insert(index.end(), keptExprs.begin(), keptExprs.end());
      terms.push_back(f(index));
    }
    return halvingSum(terms) / float(count);
  };
  Func meanLanes(layer.name + "_mean_lanes"), varianceLanes(layer.name + "_variance_lanes");
  std::vector<Func> perPosition;
  if (!layer.meanSquare) {
    meanLanes(laneArgs) = 0.0f;
    meanLanes(laneArgs) += x;
    mean(kept) = total(meanLanes);
    perPosition = {meanLanes, mean};
    x = x - mean(keptExprs);
  }
  varianceLanes(laneArgs) = 0.0f;
  varianceLanes(laneArgs) += x * x;
  variance(kept) = total(varianceLanes);
  perPosition.push_back(varianceLanes);
  perPosition.push_back(variance);
  return perPosition;
}

/// The output's loop nest when positions are normalized kBlockPositions at a time:
/// vectorized along the last axis, the position loop (Keras dimension `positionDim`, at
/// least a block long) split into blocks (the last shifted inwards), and bands of the
/// outermost non-batch dimension (of blocks if that is the position; and of a row's
/// blocks where rows are few) run in parallel, so that no band ends inside a block (a
/// band holding only the last, shifted block rewrites some of its neighbour's outputs
/// with the same values). Returns the block loop.
Var blockLoops(Func store, int positionDim, const std::vector<int64_t> &shape, int vectorWidth,
               int threads) {
  std::vector<Var> args = store.args();
  int rank = (int)args.size();
  auto halideVar = [&](int kerasDim) { return args.at(rank - 1 - kerasDim); };
  if (shape.back() >= vectorWidth)
    store.vectorize(args[0], vectorWidth, TailStrategy::GuardWithIf);
  Var position = halideVar(positionDim), block(position.name() + "_block");
  store.split(position, block, position, kBlockPositions, TailStrategy::ShiftInwards);
  double elements = 1;
  for (int d = 1; d < rank; ++d)
    elements *= double(shape[d]);
  // Where the rows are fewer than the tasks wanted, blocks of a row as columns too.
  int64_t blocks = (shape[positionDim] + kBlockPositions - 1) / kBlockPositions;
  parallelizeBands(store, positionDim == 1 ? block : halideVar(1),
                   positionDim == 1 ? blocks : shape[1], block, positionDim == 2 ? blocks : 1,
                   elements, args[rank - 1], shape[0], threads);
  return block;
}

/// The moments computed where their positions' output is, the lane sums vectorized
/// with the reduction outside the lanes (and outside a block's positions, unrolled):
/// by blocks of kBlockPositions positions when the position is a non-batch dimension at
/// least a block long, one position at a time otherwise.
void scheduleRows(Func store, const std::vector<Func> &perPosition, Var lane,
                  const std::vector<RVar> &rvars, int lanes, int reduced,
                  const std::vector<int64_t> &shape, int vectorWidth, int threads) {
  int positionDim = (int)shape.size() - 1 - reduced;
  bool blocks = positionDim >= 1 && shape[positionDim] >= kBlockPositions;
  Var at;
  if (blocks) {
    at = blockLoops(store, positionDim, shape, vectorWidth, threads);
  } else {
    vectorizeAndParallelize(store, store, shape, vectorWidth, threads);
    at = store.args().at(reduced);
  }
  int width = std::min(vectorWidth, lanes);
  for (Func f : perPosition) {
    f.compute_at(store, at);
    // The Funcs' first kept argument is the position (after the lane, if any).
    Var position = f.args().at(f.has_update_definition() ? 1 : 0);
    if (blocks)
      f.bound_extent(position, kBlockPositions).unroll(position);
    if (!f.has_update_definition())
      continue;
    f.vectorize(lane, width);
    Var outer(lane.name() + "_o"), inner(lane.name() + "_i");
    std::vector<VarOrRVar> order{inner, outer, position};
    order.insert(order.end(), rvars.begin(), rvars.end());
    f.update().split(lane, outer, inner, width).reorder(order).vectorize(inner).unroll(outer);
    if (blocks)
      f.update().unroll(position);
  }
}

Func defineLayerNorm(const LayerNormLayer &layer, const StepInputs &step, const TensorInfo &in,
                     const Func &input, LayerFuncs &funcs) {
  TensorVars v(in.rank());
  // The kept axes index the moments (the batch is never reduced, so the moments keep at
  // least one dimension).
  AxesReduction red = reduceOver(v, in.shape, layer.axes, layer.name + "_r");
  const std::vector<Var> &kept = red.kept;
  const std::vector<Expr> &keptExprs = red.keptExprs;
  // Keras's moments in float32: the mean, then the mean of squared deviations (or,
  // for RMSNormalization, the mean of squares).
  Func mean(layer.name + "_mean"), variance(layer.name + "_variance");
  int lanes = partialLanes(layer, in);
  Var lane(layer.name + "_lane");
  std::vector<RVar> rvars;
  std::vector<Func> perPosition;
  if (lanes) {
    perPosition = laneMoments(layer, in, input, lanes, mean, variance, lane, rvars);
  } else {
    Expr x = callKeras(input, red.along);
    float count = float(red.count);
    if (layer.meanSquare) {
      variance(kept) = sum(x * x) / count;
      funcs.stages.push_back(variance);
    } else {
      mean(kept) = sum(x) / count;
      Expr deviation = x - mean(keptExprs);
      variance(kept) = sum(deviation * deviation) / count;
      funcs.stages.push_back(mean);
      funcs.stages.push_back(variance);
    }
  }
  // Multiplied by the inverse of the root, as Keras's rsqrt (one division per position).
  Func inverse(layer.name + "_inverse");
  inverse(kept) = 1.0f / Halide::sqrt(variance(keptExprs) + float(layer.epsilon));
  if (lanes) {
    perPosition.push_back(inverse);
    int reduced = (int)layer.axes.size();
    std::vector<int64_t> shape = in.shape;
    funcs.schedule = [=](Func store, int vectorWidth, int threads) {
      scheduleRows(store, perPosition, lane, rvars, lanes, reduced, shape, vectorWidth,
                   threads);
    };
  } else {
    funcs.stages.push_back(inverse);
  }
  // gamma and beta are row-major over the axes: Halide extents innermost first.
  std::vector<int> weightExtents;
  std::vector<Expr> weightIndex;
  for (auto it = layer.axes.rbegin(); it != layer.axes.rend(); ++it) {
    weightExtents.push_back((int)in.shape.at(*it));
    weightIndex.push_back(v.keras[*it]);
  }
  ConstantTensor gamma = step.constant(layer.gamma, weightExtents, layer.name + "_gamma");
  ConstantTensor beta = step.constant(layer.beta, weightExtents, layer.name + "_beta");
  Func result(layer.name);
  if (layer.rmsScaling)
    result(v.halide()) = input(v.halide()) * inverse(keptExprs) * gamma(weightIndex);
  else
    result(v.halide()) =
        (input(v.halide()) - mean(keptExprs)) * inverse(keptExprs) * gamma(weightIndex) +
        beta(weightIndex);
  return result;
}
} // namespace

LayerFuncs defineStep(const LayerNormLayer &layer, const StepInputs &in) {
  LayerFuncs f;
  f.result = defineLayerNorm(layer, in, in.value(layer.input), in.funcs[0], f);
  return f;
}

} // namespace kconv::codegen
