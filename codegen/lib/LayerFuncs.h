// Internal: what the Halide algorithms of the plan's steps share (each step's own is in
// Layers/<Layer>.cpp), and the common schedule of the steps other than Conv2D.
//
// A tensor of Keras shape (d0 = batch, d1, ..., dk) is a Func whose arguments are the
// Keras dimensions reversed (Halide's innermost first): NHWC is (c, x, y, n).
#ifndef KCONV_CODEGEN_LAYERFUNCS_H
#define KCONV_CODEGEN_LAYERFUNCS_H

#include "kconv/Codegen/PipelinePlan.h"

#include <Halide.h>

#include <functional>
#include <map>
#include <optional>

namespace kconv::codegen {

/// Vars for a tensor of `rank`, indexed in Keras order.
struct TensorVars {
  std::vector<Halide::Var> keras;
  explicit TensorVars(int rank);
  std::vector<Halide::Var> halide() const;      // Func argument order
  std::vector<Halide::Expr> kerasExprs() const; // to call with a modified index
};

/// A reduction of a tensor over some of its Keras axes: `kept` (Halide order, without
/// the reduced axes) index the reduced Funcs, `along` is the tensor's Keras-order index
/// with the reduced axes replaced by the RDom `r`'s dimensions (in `axes`' order).
struct AxesReduction {
  std::vector<Halide::Var> kept;
  std::vector<Halide::Expr> keptExprs;
  Halide::RDom r;
  std::vector<Halide::Expr> along;
  int64_t count = 1; // elements reduced per kept position
};
AxesReduction reduceOver(const TensorVars &v, const std::vector<int64_t> &kerasShape,
                         const std::vector<int64_t> &axes, const std::string &name);

/// Weights given to a pipeline as parameters: each parameter and the values it is bound to.
using WeightBindings = std::vector<std::pair<Halide::ImageParam, Halide::Buffer<float>>>;

/// Where a pipeline's weights go: all embedded in its code, or (`asParams`) those over a
/// few KB made parameters, listed in `bindings`; `bytes` counts them all.
struct WeightSink {
  bool asParams = false;
  WeightBindings bindings;
  size_t bytes = 0;
};

/// A layer's constant tensor (its weights), indexed in Halide order: the values embedded
/// in the compiled pipeline, or a parameter of their shape and dense strides (the same
/// code) bound to them when the pipeline runs, which keeps large weights out of LLVM's
/// module (a split model's weights: docs/codegen.md); as `sink` (if any) says.
class ConstantTensor {
public:
  ConstantTensor(Halide::Buffer<float> values, WeightSink *sink);
  Halide::Expr operator()(const std::vector<Halide::Expr> &index) const;
  template <typename... Index> Halide::Expr operator()(Index... index) const {
    return (*this)(std::vector<Halide::Expr>{Halide::Expr(index)...});
  }
  operator Halide::ExternFuncArgument() const;

private:
  Halide::Buffer<float> values_;
  std::optional<Halide::ImageParam> param_;
};

/// `values` as a constant tensor with the given extents (Halide order) named `name`.
ConstantTensor constantTensor(const std::vector<float> &values, std::vector<int> halideExtents,
                              const std::string &name, WeightSink *sink);

/// A row-major (rows, columns) kernel that register tiles read a few columns at a time
/// down every row (scheduleMatMulTiles): its rows padded to an odd number of 64-byte
/// lines (`stride` floats), as rows a multiple of 4 KB apart all map to one L1 set and
/// such a tile's reads would evict each other.
std::vector<float> padKernelRows(const std::vector<float> &values, int rows, int columns,
                                 int &stride);

/// f at a Keras-order index.
Halide::Expr callKeras(const Halide::Func &f, std::vector<Halide::Expr> kerasIndex);

/// The NHWC tensor as an image whose dimensions are named (c, x, y, n), as schedules
/// name them: the tensor itself when its dimensions have those names already.
Halide::Func imageView(const Halide::Func &tensor);

/// A layer's Funcs: `result` holds its output; `stages` are intermediate Funcs
/// (reductions) its schedule computes first; a `view` only re-indexes its input.
struct LayerFuncs {
  Halide::Func result;
  std::vector<Halide::Func> stages;
  /// Where given, each stage's Keras shape (its Halide arguments reversed); else a
  /// stage of the output's rank is taken to have the output's shape. An extern stage
  /// is computed at the root as it is.
  std::vector<std::vector<int64_t>> stageShapes;
  bool view = false;
  /// Computed on the host under the GPU schedule (GpuSchedule.h), never inlined into a
  /// kernel: it reports errors from inside (an index check), which a kernel cannot.
  bool hostOnly = false;
  /// A matrix product to schedule in register tiles: `tiles` (the result, or a stage)
  /// reads `product` (not a stage) element-wise at its own coordinates; their first
  /// Halide argument is the columns, the second the rows. Null Funcs: none.
  struct MatMul {
    Halide::Func tiles, product;
    std::vector<int64_t> shape; // Keras shape of `tiles`
    int64_t reduction = 0;      // a constant kernel's rows (scheduleMatMulTiles)
  };
  std::optional<MatMul> matmul;
  /// The layer's own schedule, where the common one (scheduleLayer) does not fit:
  /// called with the Func that stores its output, the vector width and the threads;
  /// it schedules the stages too.
  std::function<void(Halide::Func store, int vectorWidth, int threads)> schedule;
};

/// The Funcs of `node` (any PlanNode but ConvStep) over the Funcs of its inputs; its
/// weights go where `weights` says.
LayerFuncs defineLayer(const PlanNode &node, const PipelinePlan &plan,
                       const std::vector<Halide::Func> &inputs, WeightSink *weights = nullptr);
std::vector<int> layerInputs(const PlanNode &node);
int layerOutput(const PlanNode &node);
const std::string &layerName(const PlanNode &node);

/// Vectorizes `stage` of `f` along the innermost dimension when it fills a vector, and
/// parallelizes the outermost non-batch dimension (the batch for 2-D tensors) in
/// tasks for `threads` threads: bands of rows (of columns too where rows are few), or
/// only the batch when an image is too little work for two tasks (kconv::parallelSplit).
void vectorizeAndParallelize(Halide::Func f, Halide::Stage stage,
                             const std::vector<int64_t> &kerasShape, int vectorWidth,
                             int threads);

/// Parallelizes `stage` for `threads` threads over `rows` loop `y` (of `cols` loop `x`
/// too where rows are few) in tasks holding `elements` per image in all
/// (kconv::parallelSplit), or only over the `batch` loop when an image is too little
/// work for two tasks (a batch of `batchSize` one in place).
void parallelizeBands(Halide::Stage stage, Halide::Var y, int64_t rows, Halide::Var x,
                      int64_t cols, double elements, Halide::Var batch, int64_t batchSize,
                      int threads);

/// Vectorizes the image `f` (Halide order (c, x, ...)) of fewer channels than a vector's
/// lanes along x, its `channels` unrolled: the channels' strided loads and stores
/// become dense vectors and shuffles (not vectorized when `width` is below a vector).
void vectorizeAlongWidth(Halide::Func f, int64_t channels, int64_t width, int vectorWidth);

/// Vectorizes the image `f` (Halide order (c, x, ...)) of fewer channels than a vector's
/// lanes along a row's channels and columns as one, in groups of `channels` dense
/// vectors: each vector's lanes see the same channels in every group, so per-channel
/// constants are loaded once, outside the loop.
void vectorizeChannelPattern(Halide::Func f, int64_t channels, int vectorWidth);

/// Schedules a non-convolution layer: its stages at the root, `store` (the Func
/// writing its output) vectorized along the innermost dimension and parallel
/// over the outermost non-batch one, in tasks for `threads` threads.
void scheduleLayer(LayerFuncs &funcs, Halide::Func store, const TensorInfo &out,
                   int vectorWidth, int threads);

/// Schedules `store`, which copies a Keras transpose (Layers/Transpose.cpp) (`permutation`: output dimension
/// i is input dimension permutation[i]) of a stored tensor, in tiles that read and
/// write whole cache lines. With `bandRows` > 0, a rank-4 copy runs over parallel
/// bands of that many rows (the Halide dimension 1): returns the band loop, where the
/// source can be computed band by band.
std::optional<Halide::Var> scheduleTransposeCopy(Halide::Func store,
                                                 const std::vector<int64_t> &permutation,
                                                 const TensorInfo &out, int vectorWidth,
                                                 int threads, int bandRows = 0);

/// THE SCHEDULE of a BatchMatMul step (Layers/BatchMatMul.cpp), whose result `store`
/// writes: register tiles, its packed operand and accumulators inside them.
void scheduleBatchMatMul(LayerFuncs &funcs, Halide::Func store, const BatchMatMulLayer &layer,
                         const PipelinePlan &plan, int vectorWidth);
/// `tiles` in register tiles of up to 4 rows x 2 vectors of columns, parallel over rows
/// and the next axis, with `product` (one update: a reduction) computed per tile, the
/// reduction innermost but for the tile (LayerSchedules.cpp). `reduction`: the extent
/// of the reduction when the right operand is a constant kernel, its columns read in
/// blocks when it is large (0: unknown, no blocks).
void scheduleMatMulTiles(Halide::Func tiles, Halide::Func product,
                         const std::vector<int64_t> &kerasShape, int vectorWidth,
                         int64_t reduction = 0);

/// The Transpose step (a node index) that computes convolution `conv` band by band
/// inside its copy (Layers/Transpose.cpp): one writing a model output (a channels_first
/// model's last layer, whose output the layout pass transposes back) that is the
/// convolution's only reader; else -1. `outputName`: the values that are model outputs.
int bandingTransposeOf(const PipelinePlan &plan, const Conv2DLayer &conv,
                       const std::map<int, std::string> &outputName);

} // namespace kconv::codegen

#endif
