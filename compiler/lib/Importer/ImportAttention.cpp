// EinsumDense, MultiHeadAttention, Attention and AdditiveAttention -> kconv ops: an
// EinsumDense that contracts input axes with its kernel is a Dense between reshapes and
// transposes; a MultiHeadAttention is its projections (EinsumDense), batched matrix
// products and a softmax along the last axis; Attention's and AdditiveAttention's
// scores are a batched matrix product or kconv.additive_scores.
#include "Importer.h"

#include "llvm/Support/CheckedArithmetic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace kconv::dialect {

namespace {

/// True when the file's Keras version (`model.kerasVersion`) is major.minor or later.
bool kerasAtLeast(const std::string &version, int major, int minor) {
  int fileMajor = 0, fileMinor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &fileMajor, &fileMinor) != 2)
    return false;
  return fileMajor > major || (fileMajor == major && fileMinor >= minor);
}

bool isIdentity(ArrayRef<int64_t> perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != (int64_t)i)
      return false;
  return true;
}

} // namespace

FailureOr<Value> Importer::buildEinsumDense(const keras::Layer &layer, Value in,
                                            const EinsumSpec &spec,
                                            const keras::WeightTensor *kernelTensor,
                                            const keras::WeightTensor *biasTensor,
                                            const std::optional<keras::Value> &kernelInit,
                                            const std::optional<keras::Value> &biasInit) {
  const std::string &equation = spec.equation;
  auto bad = [&]() -> InFlightDiagnostic {
    auto diag = error(layer);
    diag << "equation '" << equation << "': ";
    return diag;
  };
  // Keras's three forms: "x,y->z", "...x,y->...z" and "x...,y->z...".
  size_t comma = equation.find(','), arrow = equation.find("->");
  if (comma == std::string::npos || arrow == std::string::npos || arrow < comma)
    return bad() << "not of the form 'input,kernel->output'";
  std::string inSpec = equation.substr(0, comma), kerSpec = equation.substr(comma + 1, arrow - comma - 1),
              outSpec = equation.substr(arrow + 2);
  bool left = inSpec.rfind("...", 0) == 0 && outSpec.rfind("...", 0) == 0;
  auto endsDots = [](const std::string &s) {
    return s.size() >= 3 && s.compare(s.size() - 3, 3, "...") == 0;
  };
  bool right = !left && endsDots(inSpec) && endsDots(outSpec);
  if (left) {
    inSpec = inSpec.substr(3);
    outSpec = outSpec.substr(3);
  } else if (right) {
    inSpec.resize(inSpec.size() - 3);
    outSpec.resize(outSpec.size() - 3);
  }
  for (const std::string *part : {&inSpec, &kerSpec, &outSpec})
    for (char ch : *part)
      if (!std::isalpha((unsigned char)ch))
        return bad() << "not of Keras's forms 'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...'";
  if (inSpec.empty() || kerSpec.empty() || outSpec.empty())
    return bad() << "an operand without axes";
  ArrayRef<int64_t> inShape = shapeOf(in);
  int64_t rank = inShape.size();
  int64_t elided = rank - (int64_t)inSpec.size();
  if (elided < 0 || (!left && !right && elided != 0))
    return bad() << "names " << inSpec.size() << " input axes, the input "
                 << formatShape(inShape) << " has " << rank;
  // Full labels: the elided axes get digits.
  std::string elidedLabels;
  for (int64_t i = 0; i < elided; ++i)
    elidedLabels += char('0' + i % 10);
  if (elided > 10)
    return bad() << "more than 10 axes elided";
  std::string inL = left ? elidedLabels + inSpec : inSpec + elidedLabels;
  std::string outL = left ? elidedLabels + outSpec : outSpec + elidedLabels;
  std::string kerL = kerSpec;
  // The full output shape, as Keras resolves it.
  std::vector<keras::Dim> partial = spec.outputShape;
  std::vector<int64_t> outShape;
  size_t expectedPartial = left && elided > 0 ? outSpec.size() : outSpec.size() - 1;
  if (partial.size() != expectedPartial)
    return bad() << "'output_shape' has " << partial.size() << " entries, the equation's output needs "
                 << expectedPartial;
  if (left && elided > 0)
    outShape.assign(inShape.begin(), inShape.begin() + elided);
  else
    outShape.push_back(inShape[0]);
  for (const keras::Dim &d : partial)
    outShape.push_back(d ? *d : ShapedType::kDynamic);
  if (right)
    outShape.insert(outShape.end(), inShape.end() - elided, inShape.end());
  for (const std::string *labels : {&inL, &kerL, &outL})
    for (size_t i = 0; i < labels->size(); ++i)
      if (labels->find((*labels)[i], i + 1) != std::string::npos)
        return bad() << "axis '" << (*labels)[i] << "' appears twice in one operand";
  if (outL[0] != inL[0])
    return bad() << "the batch axis must stay the first axis of the output";
  // Classify the axes: kept (input and output), contracted (input and kernel), new
  // (kernel and output).
  std::string kept, contracted, fresh;
  for (size_t i = 0; i < inL.size(); ++i) {
    char c = inL[i];
    bool inKer = kerL.find(c) != std::string::npos, inOut = outL.find(c) != std::string::npos;
    if (inKer && inOut)
      return bad() << "axis '" << c
                   << "' is in the input, the kernel and the output (a weight per position); "
                      "only contractions of input axes with the kernel are supported";
    if (!inKer && !inOut)
      return bad() << "input axis '" << c << "' is summed without the kernel; not supported";
    size_t o = outL.find(c);
    if (inOut) {
      if (ShapedType::isDynamic(outShape[o]))
        outShape[o] = inShape[i];
      else if (!ShapedType::isDynamic(inShape[i]) && outShape[o] != inShape[i])
        return bad() << "'output_shape' gives axis '" << c << "' size " << outShape[o]
                     << ", the input has " << inShape[i];
      kept += c;
    } else {
      contracted += c;
    }
  }
  if (kept[0] != inL[0])
    return bad() << "the batch axis must not be contracted";
  for (char c : outL)
    if (inL.find(c) == std::string::npos) {
      if (kerL.find(c) == std::string::npos)
        return bad() << "output axis '" << c << "' is in neither the input nor the kernel";
      fresh += c;
    }
  for (char c : kerL)
    if (inL.find(c) == std::string::npos && outL.find(c) == std::string::npos)
      return bad() << "kernel axis '" << c << "' is in neither the input nor the output";
  if (contracted.empty())
    return bad() << "contracts no input axis; not supported";
  auto sizeOf = [&](char c) -> int64_t {
    size_t o = outL.find(c);
    return o != std::string::npos ? outShape[o] : inShape[inL.find(c)];
  };
  for (char c : contracted + fresh)
    if (ShapedType::isDynamic(sizeOf(c)))
      return bad() << "the size of axis '" << c << "' is unknown";
  SmallVector<int64_t> kernelShape;
  for (char c : kerL)
    kernelShape.push_back(sizeOf(c));
  std::optional<int64_t> depth = 1, units = 1;
  for (char c : contracted)
    depth = depth ? llvm::checkedMul(*depth, sizeOf(c)) : std::nullopt;
  for (char c : fresh)
    units = units ? llvm::checkedMul(*units, sizeOf(c)) : std::nullopt;
  std::optional<int64_t> weightCount =
      depth && units ? llvm::checkedMul(*depth, *units) : std::nullopt;
  if (!weightCount || *weightCount > (int64_t(1) << 30))
    return bad() << "the kernel " << formatShape(kernelShape)
                 << " exceeds kconv's limit of 2^30 weights per tensor";

  // The bias: Keras's shape spans the output from its first bias axis, 1 elsewhere.
  SmallVector<int64_t> biasShape;
  std::string biasLabels;
  if (!spec.biasAxes.empty()) {
    size_t first = outSpec.size();
    for (char c : spec.biasAxes) {
      size_t at = outSpec.find(c);
      if (at == std::string::npos)
        return bad() << "'bias_axes' '" << spec.biasAxes << "' names '" << c
                     << "', which is not an output axis";
      if (fresh.find(c) == std::string::npos)
        return bad() << "'bias_axes' '" << spec.biasAxes << "' spans axis '" << c
                     << "', which is not the kernel's; not supported";
      first = std::min(first, at);
    }
    for (char c : outSpec.substr(first)) {
      biasLabels += c;
      biasShape.push_back(spec.biasAxes.find(c) != std::string::npos ? sizeOf(c) : 1);
    }
    if (right)
      for (int64_t i = 0; i < elided; ++i) {
        biasLabels += elidedLabels[i];
        biasShape.push_back(1);
      }
  }

  // Kernel as (contracted in input order, new in output order) = (depth, units).
  SmallVector<int64_t> kernelPerm;
  for (char c : contracted + fresh)
    kernelPerm.push_back(kerL.find(c));
  keras::WeightTensor kernelCopy;
  const keras::WeightTensor *kernelUse = kernelTensor;
  if (kernelTensor && !isIdentity(kernelPerm)) {
    if (ArrayRef<int64_t>(kernelTensor->shape) != ArrayRef<int64_t>(kernelShape))
      return weightShapeError(layer, spec.kernelRole, kernelTensor->shape, kernelShape);
    kernelCopy.shape = {*depth, *units};
    kernelCopy.values = permutedValues(kernelTensor->values, kernelShape, kernelPerm);
    kernelUse = &kernelCopy;
  }
  FailureOr<Value> kernel =
      weightConstant(layer, kernelUse, spec.kernelRole, {*depth, *units}, kernelInit,
                     "glorot_uniform", kernelUse == kernelTensor ? ArrayRef<int64_t>(kernelShape)
                                                                 : ArrayRef<int64_t>());
  if (failed(kernel))
    return failure();
  Value bias;
  if (!spec.biasAxes.empty()) {
    // Per new-axes index (output order), the bias element it reads.
    // Already (units,) in the right order: every new axis a bias axis, in order.
    bool plain = biasLabels == fresh && spec.biasAxes.size() == fresh.size();
    keras::WeightTensor biasCopy;
    const keras::WeightTensor *biasUse = biasTensor;
    if (biasTensor && !plain) {
      if (ArrayRef<int64_t>(biasTensor->shape) != ArrayRef<int64_t>(biasShape))
        return weightShapeError(layer, spec.biasRole, biasTensor->shape, biasShape);
      SmallVector<int64_t> strides(biasShape.size(), 1);
      for (size_t d = biasShape.size(); d-- > 1;)
        strides[d - 1] = strides[d] * biasShape[d];
      biasCopy.shape = {*units};
      biasCopy.values.resize(*units);
      SmallVector<int64_t> index(fresh.size(), 0);
      for (int64_t k = 0; k < *units; ++k) {
        int64_t src = 0;
        for (size_t j = 0; j < fresh.size(); ++j) {
          size_t b = biasLabels.find(fresh[j]);
          if (b != std::string::npos && biasShape[b] > 1)
            src += index[j] * strides[b];
        }
        biasCopy.values[k] = biasTensor->values[src];
        for (size_t j = fresh.size(); j-- > 0;) {
          if (++index[j] < sizeOf(fresh[j]))
            break;
          index[j] = 0;
        }
      }
      biasUse = &biasCopy;
    }
    FailureOr<Value> b = weightConstant(
        layer, biasUse, spec.biasRole, {*units}, biasInit, "zeros",
        biasUse == biasTensor && plain ? ArrayRef<int64_t>(biasShape) : ArrayRef<int64_t>());
    if (failed(b))
      return failure();
    bias = *b;
  }

  // Input as (kept in input order, contracted in input order), flattened.
  Value x = in;
  SmallVector<int64_t> inPerm;
  for (char c : kept + contracted)
    inPerm.push_back(inL.find(c));
  if (!isIdentity(inPerm)) {
    FailureOr<Value> t =
        createLayerOp<TransposeOp>(layer, x, builder.getDenseI64ArrayAttr(inPerm));
    if (failed(t))
      return failure();
    x = *t;
  }
  SmallVector<int64_t> keptSizes;
  for (char c : kept.substr(1))
    keptSizes.push_back(sizeOf(c));
  if (contracted.size() != 1) {
    SmallVector<int64_t> target = keptSizes;
    target.push_back(*depth);
    FailureOr<Value> r = createLayerOp<ReshapeOp>(layer, x, builder.getDenseI64ArrayAttr(target));
    if (failed(r))
      return failure();
    x = *r;
  }
  // The activation: in the Dense unless it is along the last axis and that axis is not
  // the Dense's own last axis; then after the last step.
  std::optional<Activation> activation = symbolizeActivation(spec.activation);
  if (!activation)
    return error(layer) << "activation '" << spec.activation << "' has no kconv equivalent";
  SmallVector<int64_t> outPerm;
  std::string order = kept + fresh;
  for (char c : outL)
    outPerm.push_back(order.find(c));
  bool denseIsLast = fresh.size() == 1 && isIdentity(outPerm);
  bool alongAxis = ActivationOp::isAlongAxis(*activation);
  bool after = alongAxis && (!denseIsLast || *activation == Activation::sparsemax ||
                             *activation == Activation::glu);
  FailureOr<Value> dense = createLayerOp<DenseOp>(
      layer, x, *kernel, bias, builder.getI64IntegerAttr(*units),
      ActivationAttr::get(&context, after ? Activation::linear : *activation),
      builder.getBoolAttr(static_cast<bool>(bias)));
  if (failed(dense))
    return failure();
  x = *dense;
  if (fresh.size() != 1) {
    SmallVector<int64_t> target = keptSizes;
    for (char c : fresh)
      target.push_back(sizeOf(c));
    FailureOr<Value> r = createLayerOp<ReshapeOp>(layer, x, builder.getDenseI64ArrayAttr(target));
    if (failed(r))
      return failure();
    x = *r;
  }
  if (!isIdentity(outPerm)) {
    FailureOr<Value> t =
        createLayerOp<TransposeOp>(layer, x, builder.getDenseI64ArrayAttr(outPerm));
    if (failed(t))
      return failure();
    x = *t;
  }
  if (after) {
    FailureOr<Value> a = createLayerOp<ActivationOp>(
        layer, x, ActivationAttr::get(&context, *activation), FloatAttr(), FloatAttr(),
        FloatAttr(), FloatAttr(), builder.getI64IntegerAttr(outL.size() - 1));
    if (failed(a))
      return failure();
    x = *a;
  }
  return x;
}

LogicalResult Importer::importEinsumDense(const keras::Layer &layer,
                                          const keras::EinsumDenseConfig &config) {
  if (failed(expectInputs(layer, 1)))
    return failure();
  bool useBias = !config.biasAxes.empty();
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      layerWeights(layer, useBias ? 2 : 1);
  if (failed(tensors))
    return failure();
  EinsumSpec spec{config.equation, config.outputShape, config.biasAxes, config.activation,
                  "kernel", "bias"};
  return buildEinsumDense(layer, input(layer, 0), spec, (*tensors)[0],
                          useBias ? (*tensors)[1] : nullptr, config.kernelInitializer,
                          config.biasInitializer);
}

FailureOr<Importer::AttentionInputs>
Importer::attentionInputs(const keras::Layer &layer, const char *expected, const char *note,
                          size_t trailing) {
  size_t count = layer.inbound.size() - std::min(trailing, layer.inbound.size());
  if (count < 2 || count > 3)
    return error(layer) << "expects " << expected << ", got " << count << " input"
                        << (count == 1 ? "" : "s");
  Value query = input(layer, 0), value = input(layer, 1);
  Value key = count > 2 ? input(layer, 2) : value;
  for (auto [what, v] : {std::pair<const char *, Value>{"query", query},
                         std::pair<const char *, Value>{"value", value},
                         std::pair<const char *, Value>{"key", key}}) {
    ArrayRef<int64_t> s = shapeOf(v);
    if (s.size() != 3 || ShapedType::isDynamic(s[1]) || ShapedType::isDynamic(s[2]))
      return error(layer) << "the " << what << " " << formatShape(s)
                          << " is not (batch, steps, features) with known steps and features"
                          << note;
  }
  return AttentionInputs{query, value, key, count > 2};
}

FailureOr<Value> Importer::inputMaskIds(const keras::Layer &layer, size_t index,
                                        const char *what) {
  auto found = masks.find(layer.inbound[index]);
  if (found == masks.end())
    return Value();
  if (!found->second.ids)
    return error(layer) << "the " << what << " carries a mask that Keras combines from "
                        << "several masks (from " << found->second.source
                        << "); kconv applies one layer's mask";
  return found->second.ids;
}

FailureOr<Value> Importer::maskScores(const keras::Layer &layer, const AttentionInputs &inputs,
                                      const keras::MultiHeadAttentionConfig &mha,
                                      Value scores, bool zeroMasked) {
  // Keras's masks of the query, value and key (an Embedding's mask_zero ids), as
  // Keras 3 passes them to query_mask, value_mask and key_mask and tf-keras reads
  // them; the key's only where the key is given (else it is the value's).
  FailureOr<Value> query = inputMaskIds(layer, 0, "query");
  FailureOr<Value> value = inputMaskIds(layer, 1, "value");
  FailureOr<Value> key =
      inputs.keyGiven ? inputMaskIds(layer, 2, "key") : FailureOr<Value>(Value());
  if (failed(query) || failed(value) || failed(key))
    return failure();
  if (*key == *value) // one mask AND itself
    *key = Value();
  Value attentionMask;
  if (mha.attentionMask) {
    attentionMask = input(layer, layer.inbound.size() - 1);
    ArrayRef<int64_t> m = shapeOf(attentionMask), s = shapeOf(scores);
    if (m.size() != 3 || (!ShapedType::isDynamic(m[1]) && m[1] != s[2]) ||
        (!ShapedType::isDynamic(m[2]) && m[2] != s[3]))
      return error(layer) << "the attention_mask " << formatShape(m) << " is not (batch, "
                          << s[2] << " query steps, " << s[3] << " key steps)";
  }
  if (!*query && !*value && !*key && !attentionMask && !mha.useCausalMask)
    return scores; // nothing to mask
  return createLayerOp<AttentionMaskOp>(layer, scores, *query, *value, *key, attentionMask,
                                        builder.getBoolAttr(mha.useCausalMask),
                                        builder.getBoolAttr(zeroMasked));
}

LogicalResult Importer::importMultiHeadAttention(const keras::Layer &layer,
                                                 const keras::MultiHeadAttentionConfig &mha) {
  FailureOr<AttentionInputs> inputs = attentionInputs(
      layer, "query and value inputs (and optionally key)",
      " (only attention over one axis is supported)", mha.attentionMask ? 1 : 0);
  if (failed(inputs))
    return failure();
  auto [query, value, key, keyGiven] = *inputs;
  if (shapeOf(key)[1] != shapeOf(value)[1])
    return error(layer) << "key " << formatShape(shapeOf(key)) << " and value "
                        << formatShape(shapeOf(value)) << " have different numbers of steps";
  size_t perProjection = mha.useBias ? 2 : 1;
  FailureOr<std::vector<const keras::WeightTensor *>> found =
      layerWeights(layer, 4 * perProjection);
  if (failed(found))
    return failure();
  std::vector<const keras::WeightTensor *> w = *found;
  // Keras 2 names them "<layer>/query/kernel:0", ...: ordered by name when they say.
  if (w[0]) {
    const char *parts[] = {"/query/", "/key/", "/value/", "/attention_output/"};
    std::vector<const keras::WeightTensor *> ordered;
    for (const char *part : parts)
      for (const keras::WeightTensor *t : w)
        if (("/" + t->path).find(part) != std::string::npos)
          ordered.push_back(t);
    if (ordered.size() == w.size())
      w = ordered;
  }
  // GroupedQueryAttention: key and value heads each serve `repeats` consecutive query
  // heads (Keras repeats them along the heads axis): their projections' weights are
  // repeated here, so the rest is MultiHeadAttention's.
  int64_t kvHeads = mha.keyValueHeads ? mha.keyValueHeads : mha.numHeads;
  int64_t repeats = mha.numHeads / kvHeads;
  std::vector<keras::WeightTensor> repeated;
  repeated.reserve(4);
  auto repeatHeads = [&](const keras::WeightTensor *t, ArrayRef<int64_t> fileShape,
                         const char *role) -> FailureOr<const keras::WeightTensor *> {
    if (!t || repeats == 1)
      return t;
    if (ArrayRef<int64_t>(t->shape) != fileShape)
      return weightShapeError(layer, role, t->shape, fileShape);
    // (outer..., kvHeads, inner) -> (outer..., kvHeads * repeats, inner).
    int64_t inner = fileShape.back(), outer = t->values.size() / (kvHeads * inner);
    keras::WeightTensor r;
    r.shape.assign(fileShape.begin(), fileShape.end());
    r.shape[r.shape.size() - 2] = mha.numHeads;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t h = 0; h < mha.numHeads; ++h)
        for (int64_t i = 0; i < inner; ++i)
          r.values.push_back(t->values[(o * kvHeads + h / repeats) * inner + i]);
    repeated.push_back(std::move(r));
    return &repeated.back();
  };
  auto project = [&](Value x, int which, int64_t dim, const char *name) -> FailureOr<Value> {
    std::string kernelRole = std::string(name) + "_kernel", biasRole = std::string(name) + "_bias";
    EinsumSpec spec{"abc,cde->abde", {std::nullopt, mha.numHeads, dim},
                    mha.useBias ? "de" : "", "linear", kernelRole.c_str(), biasRole.c_str()};
    const keras::WeightTensor *kernel = w[which * perProjection];
    const keras::WeightTensor *bias = mha.useBias ? w[which * perProjection + 1] : nullptr;
    if (which > 0) {
      FailureOr<const keras::WeightTensor *> k =
          repeatHeads(kernel, {shapeOf(x)[2], kvHeads, dim}, kernelRole.c_str());
      if (failed(k))
        return failure();
      FailureOr<const keras::WeightTensor *> b =
          repeatHeads(bias, {kvHeads, dim}, biasRole.c_str());
      if (failed(b))
        return failure();
      kernel = *k;
      bias = *b;
    }
    return buildEinsumDense(layer, x, spec, kernel, bias, mha.kernelInitializer,
                            mha.biasInitializer);
  };
  FailureOr<Value> q = project(query, 0, mha.keyDim, "query");
  if (failed(q))
    return failure();
  FailureOr<Value> k = project(key, 1, mha.keyDim, "key");
  if (failed(k))
    return failure();
  FailureOr<Value> v = project(value, 2, mha.valueDim, "value");
  if (failed(v))
    return failure();
  // Keras scales the projected query by 1/sqrt(key_dim) before the scores.
  FailureOr<Value> scaled =
      createLayerOp<RescaleOp>(layer, *q, builder.getF64FloatAttr(1.0 / std::sqrt(double(mha.keyDim))),
                               builder.getF64FloatAttr(0.0));
  if (failed(scaled))
    return failure();
  auto heads = [&](Value x) { // (B, T, H, D) <-> (B, H, T, D)
    return createLayerOp<TransposeOp>(layer, x, builder.getDenseI64ArrayAttr({0, 2, 1, 3}));
  };
  FailureOr<Value> qh = heads(*scaled), kh = heads(*k), vh = heads(*v);
  if (failed(qh) || failed(kh) || failed(vh))
    return failure();
  // The causal mask alone is batch_matmul's; with other masks, kconv.attention_mask
  // applies them all, as Keras combines them into one mask.
  bool otherMasks = mha.attentionMask;
  for (size_t i = 0; i < (keyGiven ? 3u : 2u); ++i)
    otherMasks |= masks.count(layer.inbound[i]) > 0;
  FailureOr<Value> scores = createLayerOp<BatchMatMulOp>(
      layer, *qh, *kh, builder.getBoolAttr(false), builder.getBoolAttr(true),
      builder.getBoolAttr(mha.useCausalMask && !otherMasks));
  if (failed(scores))
    return failure();
  if (otherMasks)
    scores = maskScores(layer, *inputs, mha, *scores);
  if (failed(scores))
    return failure();
  FailureOr<Value> probs = createLayerOp<ActivationOp>(
      layer, *scores, ActivationAttr::get(&context, Activation::softmax), FloatAttr(),
      FloatAttr(), FloatAttr(), FloatAttr(), builder.getI64IntegerAttr(3));
  if (failed(probs))
    return failure();
  // Keras 3.10 and later, where a dropout keeps the layer off the dot-product path,
  // zero the masked probabilities: a query that attends nothing gets 0, not the
  // uniform softmax of equal scores.
  if (otherMasks && mha.dropout > 0 && kerasAtLeast(model.kerasVersion, 3, 10))
    probs = maskScores(layer, *inputs, mha, *probs, /*zeroMasked=*/true);
  if (failed(probs))
    return failure();
  FailureOr<Value> context_ = createLayerOp<BatchMatMulOp>(
      layer, *probs, *vh, builder.getBoolAttr(false), builder.getBoolAttr(false),
      builder.getBoolAttr(false));
  if (failed(context_))
    return failure();
  FailureOr<Value> merged = heads(*context_);
  if (failed(merged))
    return failure();
  // The output projection: (B, T, H, Dv) . (H, Dv, out...) -> (B, T, out...).
  std::vector<int64_t> outShape = mha.outputShape;
  if (outShape.empty())
    outShape.push_back(shapeOf(query)[2]);
  if (outShape.size() > 8)
    return error(layer) << "'output_shape' has more than 8 axes";
  std::string outLabels;
  for (size_t i = 0; i < outShape.size(); ++i)
    outLabels += char('e' + i);
  std::vector<keras::Dim> partial{std::nullopt};
  for (int64_t d : outShape)
    partial.push_back(d);
  EinsumSpec spec{"abcd,cd" + outLabels + "->ab" + outLabels, partial,
                  mha.useBias ? outLabels : "", "linear", "attention_output_kernel",
                  "attention_output_bias"};
  FailureOr<Value> out = buildEinsumDense(layer, *merged, spec, w[3 * perProjection],
                                          mha.useBias ? w[3 * perProjection + 1] : nullptr,
                                          mha.kernelInitializer, mha.biasInitializer);
  return failure(failed(out));
}

LogicalResult Importer::importAttention(const keras::Layer &layer,
                                        const keras::AttentionConfig &config) {
  FailureOr<AttentionInputs> inputs =
      attentionInputs(layer, "[query, value] or [query, value, key]", "");
  if (failed(inputs))
    return failure();
  auto [query, value, key, keyGiven] = *inputs;
  int64_t dim = shapeOf(query)[2];
  if (shapeOf(key)[2] != dim)
    return error(layer) << "query " << formatShape(shapeOf(query)) << " and key "
                        << formatShape(shapeOf(key)) << " have different feature sizes";
  if (shapeOf(key)[1] != shapeOf(value)[1])
    return error(layer) << "key " << formatShape(shapeOf(key)) << " and value "
                        << formatShape(shapeOf(value)) << " have different numbers of steps";
  // Weights in Keras's order: Attention's scalar `scale` (use_scale), then
  // `concat_score_weight` (concat); AdditiveAttention's `scale` of one per feature.
  size_t count = config.additive ? (config.useScale ? 1 : 0)
                                 : (config.useScale ? 1 : 0) + (config.concat ? 1 : 0);
  // (A layer without weights takes no place in the weights file's order.)
  FailureOr<std::vector<const keras::WeightTensor *>> tensors =
      count ? layerWeights(layer, count) : std::vector<const keras::WeightTensor *>();
  if (failed(tensors))
    return failure();
  // A scalar weight, read at import (Keras initializes both to ones).
  auto scalar = [&](const keras::WeightTensor *t, const char *role) -> FailureOr<double> {
    if (!t)
      return 1.0;
    if (t->values.size() != 1 || t->shape.size() > 1)
      return weightShapeError(layer, role, t->shape, {});
    if (!std::isfinite(t->values[0]))
      return error(layer) << role << " is not finite";
    return double(t->values[0]);
  };
  // Keras's masks of the inputs (Attention reads [query_mask, value_mask]): the
  // value's masks keys of the scores, combined with the causal mask; the query's
  // zeroes the output rows of masked queries.
  FailureOr<Value> queryIds = inputMaskIds(layer, 0, "query");
  FailureOr<Value> valueIds = inputMaskIds(layer, 1, "value");
  if (failed(queryIds) || failed(valueIds))
    return failure();
  // Scores and outputs are (batch, queries, n); kconv.attention_mask masks (batch,
  // heads, queries, n): a view with one head around it.
  auto withMask = [&](Value x, Value queryMask, Value valueMask, bool causalMask,
                      bool zeroMasked) -> FailureOr<Value> {
    ArrayRef<int64_t> s = shapeOf(x);
    FailureOr<Value> heads = createLayerOp<ReshapeOp>(
        layer, x, builder.getDenseI64ArrayAttr({1, s[1], s[2]}));
    if (failed(heads))
      return failure();
    FailureOr<Value> masked = createLayerOp<AttentionMaskOp>(
        layer, *heads, queryMask, valueMask, Value(), Value(),
        builder.getBoolAttr(causalMask), builder.getBoolAttr(zeroMasked));
    if (failed(masked))
      return failure();
    return createLayerOp<ReshapeOp>(layer, *masked,
                                    builder.getDenseI64ArrayAttr({s[1], s[2]}));
  };
  FailureOr<Value> scores;
  // The causal mask alone is the scores' op's; with the value's mask,
  // kconv.attention_mask applies both.
  BoolAttr causal = builder.getBoolAttr(config.useCausalMask && !*valueIds);
  if (!config.additive && !config.concat) {
    // scores = (query . key^T) * scale, computed as (query * scale) . key^T.
    Value q = query;
    if (config.useScale) {
      FailureOr<double> scale = scalar((*tensors)[0], "scale");
      if (failed(scale))
        return failure();
      FailureOr<Value> scaled = createLayerOp<RescaleOp>(
          layer, q, builder.getF64FloatAttr(*scale), builder.getF64FloatAttr(0.0));
      if (failed(scaled))
        return failure();
      q = *scaled;
    }
    scores = createLayerOp<BatchMatMulOp>(layer, q, key, builder.getBoolAttr(false),
                                          builder.getBoolAttr(true), causal);
  } else if (config.concat) {
    // concat_score_weight * sum(tanh(scale * (query + key))).
    FailureOr<double> inner = config.useScale ? scalar((*tensors)[0], "scale") : 1.0;
    FailureOr<double> outer =
        scalar((*tensors)[config.useScale ? 1 : 0], "concat_score_weight");
    if (failed(inner) || failed(outer))
      return failure();
    scores = createLayerOp<AdditiveScoresOp>(layer, query, key, Value(),
                                             builder.getF64FloatAttr(*inner),
                                             builder.getF64FloatAttr(*outer), causal);
  } else {
    // sum(scale * tanh(query + key)), scale one per feature.
    Value weights;
    if (config.useScale) {
      FailureOr<Value> w = weightConstant(layer, (*tensors)[0], "scale", {dim}, std::nullopt,
                                          "glorot_uniform");
      if (failed(w))
        return failure();
      weights = *w;
    }
    scores = createLayerOp<AdditiveScoresOp>(layer, query, key, weights,
                                             builder.getF64FloatAttr(1.0),
                                             builder.getF64FloatAttr(1.0), causal);
  }
  if (succeeded(scores) && *valueIds)
    scores = withMask(*scores, Value(), *valueIds, config.useCausalMask, false);
  if (failed(scores))
    return failure();
  FailureOr<Value> probs = createLayerOp<ActivationOp>(
      layer, *scores, ActivationAttr::get(&context, Activation::softmax), FloatAttr(),
      FloatAttr(), FloatAttr(), FloatAttr(), builder.getI64IntegerAttr(2));
  if (failed(probs))
    return failure();
  FailureOr<Value> out =
      createLayerOp<BatchMatMulOp>(layer, *probs, value, builder.getBoolAttr(false),
                                   builder.getBoolAttr(false), builder.getBoolAttr(false));
  if (succeeded(out) && *queryIds)
    out = withMask(*out, *queryIds, Value(), false, true);
  return failure(failed(out));
}

} // namespace kconv::dialect
