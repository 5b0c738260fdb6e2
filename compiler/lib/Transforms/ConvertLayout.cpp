// --kconv-convert-layout: channels_first layers computed channels_last, with
// transposes that cancel between consecutive layers.
#include "WeightValues.h"
#include "kconv/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kconv::dialect {
#define GEN_PASS_DEF_KCONVCONVERTLAYOUT
#include "kconv/Transforms/Passes.h.inc"

namespace {
constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};

Value transpose(OpBuilder &builder, Location loc, Value input, ArrayRef<int64_t> perm) {
  auto op = builder.create<TransposeOp>(loc, UnrankedTensorType::get(builder.getF32Type()),
                                        input, builder.getDenseI64ArrayAttr(perm));
  bool failed = false;
  op.getResult().setType(
      RankedTensorType::get(*tryInferShape(op, failed), builder.getF32Type()));
  return op.getResult();
}

/// Rewrites one channels_first layer op in place; true if it was one.
bool convertToChannelsLast(Operation *op) {
  auto format = op->getAttrOfType<DataFormatAttr>("data_format");
  if (!format || format.getValue() != DataFormat::channels_first)
    return false;
  OpBuilder builder(op);
  Location loc = op->getLoc();
  // A fused softmax runs over the layer's last axis, the width when channels_first: it
  // becomes an activation of its own over that axis, which the transposes renumber
  // like any other, and the layer itself is converted with a linear epilogue.
  if (auto activation = op->getAttrOfType<ActivationAttr>("activation");
      activation && (activation.getValue() == Activation::softmax ||
                     activation.getValue() == Activation::log_softmax)) {
    Value result = op->getResult(0);
    builder.setInsertionPointAfter(op);
    auto softmax = builder.create<ActivationOp>(
        loc, result.getType(), result, activation, FloatAttr(), FloatAttr(), FloatAttr(),
        FloatAttr(), builder.getI64IntegerAttr(/*width of NCHW=*/3));
    result.replaceAllUsesExcept(softmax.getResult(), softmax);
    op->setAttr("activation", ActivationAttr::get(op->getContext(), Activation::linear));
    builder.setInsertionPoint(op);
  }
  // The image operands (input, and a conv2d's residual) are read channels_last.
  op->setOperand(0, transpose(builder, loc, op->getOperand(0), kToChannelsLast));
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && conv.getResidual())
    conv.getResidualMutable().assign(
        transpose(builder, loc, conv.getResidual(), kToChannelsLast));
  op->setAttr("data_format", DataFormatAttr::get(op->getContext(), DataFormat::channels_last));
  Value result = op->getResult(0);
  Type original = result.getType();
  bool failed = false;
  result.setType(RankedTensorType::get(*tryInferShape(op, failed), builder.getF32Type()));
  if (auto pool = dyn_cast<GlobalPool2DOp>(op); pool && !pool.getKeepdims())
    return true; // (N, C) either way
  builder.setInsertionPointAfter(op);
  Value back = transpose(builder, loc, result, kToChannelsFirst);
  assert(back.getType() == original && "layout conversion changed the layer's shape");
  (void)original;
  result.replaceAllUsesExcept(back, back.getDefiningOp());
  return true;
}

/// How many leading operands of a layer are images it computes the same way in any
/// layout: all of a merge's or a concatenation's, the input of the others (a batch
/// norm's gamma, beta, mean and variance are per channel; a group norm's statistics
/// span every non-batch axis but its channel axis, renumbered like the others); 0 for
/// layers that depend on the layout (reshape, dense, ... read it).
unsigned layoutFreeImageOperands(Operation *op) {
  if (isa<MergeOp, ConcatenateOp>(op))
    return op->getNumOperands();
  if (isa<ActivationOp, RescaleOp, BatchNormOp, IdentityOp, PReluOp, GroupNormOp>(op))
    return 1; // (PReLU's alpha is transposed with it: see transposedAlpha)
  return 0;
}

/// PReLU's alpha (the input's shape without the batch) for the input transposed by
/// `permutation`'s inverse: a new constant, or null when alpha is not one (a model
/// imported without weights).
Value transposedAlpha(PReluOp prelu, ArrayRef<int64_t> permutation, OpBuilder &builder) {
  auto type = dyn_cast<RankedTensorType>(prelu.getAlpha().getType());
  std::optional<std::vector<float>> values = constantFloats(prelu.getAlpha());
  if (!type || !values || type.getRank() + 1 != (int64_t)permutation.size())
    return Value();
  // Alpha dimension i (result dimension i + 1) is dimension permutation[i + 1] - 1 of
  // the transposed alpha.
  int64_t rank = type.getRank();
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> newShape(rank), newStrides(rank);
  for (int64_t i = 0; i < rank; ++i)
    newShape[permutation[i + 1] - 1] = shape[i];
  for (int64_t j = rank - 1, stride = 1; j >= 0; --j) {
    newStrides[j] = stride;
    stride *= newShape[j];
  }
  std::vector<float> moved(values->size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t linear = 0; linear < values->size(); ++linear) {
    int64_t target = 0;
    for (int64_t i = 0; i < rank; ++i)
      target += index[i] * newStrides[permutation[i + 1] - 1];
    moved[target] = (*values)[linear];
    for (int64_t i = rank - 1; i >= 0 && ++index[i] == shape[i]; --i)
      index[i] = 0;
  }
  return createWeightConstant(builder, prelu.getLoc(),
                              RankedTensorType::get(newShape, builder.getF32Type()),
                              weightNamePrefix(prelu, "prelu") + ".alpha_channels_last", moved);
}

/// The channels_last value that channels_first `v` is the transpose of, computed
/// already: the input of the transpose defining v, or a transpose of v to channels_last
/// before `user` (a channels_first model input that a converted layer reads, and a
/// residual Add reads as it is). Null if there is none.
Value channelsLastForm(Value v, Operation *user) {
  if (auto transpose = v.getDefiningOp<TransposeOp>())
    return transpose.getPermutation() == ArrayRef(kToChannelsFirst) ? transpose.getInput()
                                                                     : Value();
  for (Operation *other : v.getUsers())
    if (auto transpose = dyn_cast<TransposeOp>(other))
      if (transpose.getPermutation() == ArrayRef(kToChannelsLast) &&
          transpose->getBlock() == user->getBlock() && transpose->isBeforeInBlock(user))
        return transpose.getResult();
  return Value();
}

/// Whether merge operand `v` is broadcast to the merge's 4-D `result`: it has fewer
/// elements per sample (e.g. a squeeze-and-excite scale (N, C, 1, 1), or (N, W) of a
/// rank-different Add), so putting it in the other layout costs little.
bool isSmallBroadcastOperand(Value v, Value result) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  auto resultType = dyn_cast<RankedTensorType>(result.getType());
  if (!type || !resultType || resultType.getRank() != 4 || type.getRank() > 4)
    return false;
  auto perSample = [](ArrayRef<int64_t> shape) -> std::optional<int64_t> {
    int64_t count = 1;
    for (int64_t d : shape.drop_front()) {
      if (ShapedType::isDynamic(d))
        return std::nullopt;
      count *= d;
    }
    return count;
  };
  std::optional<int64_t> mine = perSample(type.getShape());
  std::optional<int64_t> full = perSample(resultType.getShape());
  return mine && full && *mine < *full;
}

/// Merge operand `v` in the layout of a merge computed channels_last: expanded to
/// rank 4 after the batch (as Keras's Merge.call does), then transposed.
Value channelsLastBroadcastOperand(OpBuilder &builder, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() < 4) {
    SmallVector<int64_t> shape(4 - type.getRank(), 1); // without the batch
    shape.append(type.getShape().begin() + 1, type.getShape().end());
    auto reshape =
        builder.create<ReshapeOp>(loc, UnrankedTensorType::get(builder.getF32Type()), v,
                                  builder.getDenseI64ArrayAttr(shape));
    bool failed = false;
    reshape.getResult().setType(
        RankedTensorType::get(*tryInferShape(reshape, failed), builder.getF32Type()));
    v = reshape.getResult();
  }
  return transpose(builder, loc, v, kToChannelsLast);
}

/// op(transpose(x, P)) = transpose(op'(x), P) for a layer computed element by element,
/// or along an axis (renumbered: result axis a of the transpose is axis P[a] of x).
/// Moving the transpose down lets it meet the next channels_first layer's inverse
/// and fold away: between two converted convolutions, a batch norm, an activation or a
/// residual Add then reads the convolution's own output, and the later passes fold or
/// fuse it into the convolution instead of computing it in the other layout.
struct SinkTransposeBelowLayoutFreeLayer : RewritePattern {
  explicit SinkTransposeBelowLayoutFreeLayer(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    unsigned images = layoutFreeImageOperands(op);
    if (images == 0)
      return failure();
    // Only the conversions back to channels_first move (the other way round, a merge
    // whose operands are available in both layouts would flip back and forth): at
    // least one operand is one, the others are available channels_last already.
    ArrayRef<int64_t> permutation(kToChannelsFirst);
    bool anyTransposed = false;
    for (unsigned i = 0; i < images; ++i)
      if (auto transpose = op->getOperand(i).getDefiningOp<TransposeOp>())
        anyTransposed |= transpose.getPermutation() == permutation;
    if (!anyTransposed)
      return failure();
    // A merge's small broadcast operand with no channels_last form gets one (below);
    // any other operand without one keeps the merge where it is.
    SmallVector<Value> sources;
    SmallVector<unsigned> broadcastOperands;
    for (unsigned i = 0; i < images; ++i) {
      Value source = channelsLastForm(op->getOperand(i), op);
      if (!source) {
        if (!isa<MergeOp>(op) || !isSmallBroadcastOperand(op->getOperand(i), op->getResult(0)))
          return failure(); // a merge of different layouts stays where it is
        broadcastOperands.push_back(i);
      }
      sources.push_back(source);
    }
    auto axis = op->getAttrOfType<IntegerAttr>("axis");
    if (axis && (axis.getInt() < 0 || axis.getInt() >= (int64_t)permutation.size()))
      return failure(); // (the verifier rejects it)
    // (Without weights, alpha cannot be transposed: nothing is created, the PReLU stays.)
    auto prelu = dyn_cast<PReluOp>(op);
    Value alpha = prelu ? transposedAlpha(prelu, permutation, rewriter) : Value();
    if (prelu && !alpha)
      return failure();
    SmallVector<Operation *> created; // erased again if the moved op does not verify
    for (unsigned i : broadcastOperands) {
      // Right after the operand's definition, where channelsLastForm finds the
      // transpose for every later merge that reads the same operand.
      Value operand = op->getOperand(i);
      OpBuilder::InsertionGuard guard(rewriter);
      if (Operation *definition = operand.getDefiningOp())
        rewriter.setInsertionPointAfter(definition);
      else
        rewriter.setInsertionPointToStart(operand.getParentBlock());
      sources[i] = channelsLastBroadcastOperand(rewriter, op->getLoc(), operand);
      for (Value v = sources[i]; v != op->getOperand(i); v = v.getDefiningOp()->getOperand(0))
        created.push_back(v.getDefiningOp());
    }
    Operation *moved = rewriter.clone(*op);
    for (unsigned i = 0; i < images; ++i)
      moved->setOperand(i, sources[i]);
    if (alpha)
      moved->setOperand(1, alpha);
    if (axis)
      moved->setAttr("axis", rewriter.getI64IntegerAttr(permutation[axis.getInt()]));
    bool failed = false;
    std::optional<SmallVector<int64_t>> shape = tryInferShape(moved, failed);
    if (!shape || failed) {
      rewriter.eraseOp(moved);
      if (alpha)
        rewriter.eraseOp(alpha.getDefiningOp());
      for (Operation *extra : created) // (users first: transpose, then reshape)
        rewriter.eraseOp(extra);
      return failure();
    }
    moved->getResult(0).setType(RankedTensorType::get(*shape, rewriter.getF32Type()));
    auto back = rewriter.create<TransposeOp>(op->getLoc(), op->getResult(0).getType(),
                                             moved->getResult(0),
                                             rewriter.getDenseI64ArrayAttr(permutation));
    rewriter.replaceOp(op, back.getResult());
    return success();
  }
};

struct ConvertLayoutPass : impl::KconvConvertLayoutBase<ConvertLayoutPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> layers;
    func.walk([&](Operation *op) {
      if (isa<Conv2DOp, Conv2DTransposeOp, Pool2DOp, GlobalPool2DOp, ZeroPad2DOp, Crop2DOp,
              UpSample2DOp, AdaptivePool2DOp, ResizeOp>(op))
        layers.push_back(op);
    });
    bool changed = false;
    for (Operation *op : layers)
      changed |= convertToChannelsLast(op);
    // A channels_first depth_unfold (Conv3D) writes a channels_last image either way:
    // it reads its (N, C, D, H, W) input through a transpose to (N, D, H, W, C), which
    // cancels against a channels_first Conv3D's transpose before it.
    func.walk([&](DepthUnfoldOp unfold) {
      if (unfold.getDataFormat() != DataFormat::channels_first)
        return;
      OpBuilder builder(unfold);
      unfold->setOperand(0, transpose(builder, unfold.getLoc(), unfold.getInput(),
                                      {0, 2, 3, 4, 1}));
      unfold.setDataFormat(DataFormat::channels_last);
      changed = true;
    });
    // Transposes move below layout-free layers; pairs fold away (TransposeOp::fold);
    // dead ones are erased.
    RewritePatternSet patterns(&getContext());
    patterns.add<SinkTransposeBelowLayoutFreeLayer>(&getContext());
    if (changed && failed(applyPatternsAndFoldGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
} // namespace kconv::dialect
