// The top level of a split model as C: checks the caller's buffers, then calls each
// segment's pipeline in order, allocating each intermediate result before its producer
// runs and freeing it after its last reader.
//
// A Halide top-level pipeline calling the segments as extern stages took minutes to
// lower in networks whose branches rejoin (DenseNet, EfficientNet, Inception): Halide
// 14's argument inference visits an extern stage once per path to it through the
// extern stages' Func arguments (FunctionContents::accept), exponential in the number
// of rejoining branches (docs/codegen.md). The sequencing needs none of Halide's
// analysis, so it is plain C, compiled by the driver's C compiler.
#include "PipelineSegments.h"

#include "kconv/Codegen/CText.h"

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kconv::codegen {

namespace {
/// The generated file's fixed part: Halide's buffer ABI, the runtime functions it
/// calls, and the helpers checking the caller's buffers and allocating intermediates.
constexpr const char *kPrologue = R"(#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Halide's buffer ABI (HalideRuntime.h; unchanged since Halide 10). */
struct halide_type_t {
  uint8_t code, bits;
  uint16_t lanes;
};
typedef struct halide_dimension_t {
  int32_t min, extent, stride;
  uint32_t flags;
} halide_dimension_t;
typedef struct halide_buffer_t {
  uint64_t device;
  const void *device_interface;
  uint8_t *host;
  uint64_t flags;
  struct halide_type_t type;
  int32_t dimensions;
  halide_dimension_t *dim;
  void *padding;
} halide_buffer_t;

/* Halide's runtime, linked in with the segments' pipelines. */
extern void *halide_malloc(void *user_context, size_t size);
extern void halide_free(void *user_context, void *ptr);
extern int halide_error_buffer_argument_is_null(void *user_context, const char *buffer_name);
extern int halide_error_bad_type(void *user_context, const char *func_name, uint32_t type_given,
                                 uint32_t correct_type);
extern int halide_error_bad_dimensions(void *user_context, const char *func_name,
                                       int32_t dimensions_given, int32_t correct_dimensions);
extern int halide_error_constraint_violated(void *user_context, const char *var, int val,
                                            const char *constrained_var, int constrained_val);
extern int halide_error_access_out_of_bounds(void *user_context, const char *func_name,
                                             int dimension, int min_touched, int max_touched,
                                             int min_valid, int max_valid);
extern int halide_error_buffer_allocation_too_large(void *user_context, const char *buffer_name,
                                                    uint64_t allocation_size, uint64_t max_size);
extern int halide_error_out_of_memory(void *user_context);
extern int halide_error_extern_stage_failed(void *user_context, const char *extern_stage_name,
                                            int result);

/* A tensor's shape in Halide's order (dimension 0 innermost); extent -1: the batch. */
typedef struct {
  const char *name;
  int rank;
  int32_t extent[KC_MAX_RANK];
} kc_shape;

/* An intermediate result, in memory from halide_malloc. */
typedef struct {
  halide_buffer_t buf;
  halide_dimension_t dim[KC_MAX_RANK];
} kc_tensor;

static int kc_violated(const char *name, const char *what, int d, int val, int want) {
  char var[256], constrained[16];
  snprintf(var, sizeof var, "%s.%s.%d", name, what, d);
  snprintf(constrained, sizeof constrained, "%d", want);
  return halide_error_constraint_violated(NULL, var, val, constrained, want);
}

/* "Input buffer NAME" or "Output buffer NAME", as Halide's messages name a buffer. */
static const char *kc_buffer(char *text, size_t size, const char *name, int input) {
  snprintf(text, size, "%s buffer %s", input ? "Input" : "Output", name);
  return text;
}

/* Whether a caller's buffer holds the region the run reads or writes: the pinned
 * extents, and an input the batch of the run. */
static int kc_bounds(const halide_buffer_t *b, const kc_shape *s, int input, int32_t bmin,
                     int32_t bext) {
  char text[300];
  for (int d = 0; d < s->rank; ++d) {
    const halide_dimension_t *dim = &b->dim[d];
    int32_t lo = s->extent[d] >= 0 ? 0 : bmin, hi = s->extent[d] >= 0 ? s->extent[d] - 1
                                                                     : bmin + bext - 1;
    if (s->extent[d] < 0 && !input)
      continue; /* an output's batch is the region asked for */
    if (dim->min > lo || (int64_t)dim->min + dim->extent - 1 < hi)
      return halide_error_access_out_of_bounds(NULL, kc_buffer(text, sizeof text, s->name, input),
                                               d, lo, hi, dim->min, dim->min + dim->extent - 1);
  }
  return 0;
}

/* A caller's buffer against its pinned shape, as the pipeline's constraints check it:
 * dense, mins 0 but the batch's, and an output's batch that of the run. */
static int kc_check(const halide_buffer_t *b, const kc_shape *s, int input, int32_t bmin,
                    int32_t bext) {
  int64_t stride = 1;
  for (int d = 0; d < s->rank; ++d) {
    const halide_dimension_t *dim = &b->dim[d];
    if (s->extent[d] >= 0) {
      if (dim->min != 0)
        return kc_violated(s->name, "min", d, dim->min, 0);
      if (dim->extent != s->extent[d])
        return kc_violated(s->name, "extent", d, dim->extent, s->extent[d]);
    } else if (!input && dim->min != bmin) {
      return kc_violated(s->name, "min", d, dim->min, bmin);
    } else if (!input && dim->extent != bext) {
      return kc_violated(s->name, "extent", d, dim->extent, bext);
    }
    if (dim->stride != stride)
      return kc_violated(s->name, "stride", d, dim->stride, (int)stride);
    stride *= dim->extent;
  }
  return 0;
}

/* Answers a bounds query for a buffer without memory: the shape the run needs. */
static void kc_query(halide_buffer_t *b, const kc_shape *s, int input, int32_t bmin,
                     int32_t bext) {
  int32_t stride = 1;
  for (int d = 0; d < s->rank; ++d) {
    halide_dimension_t *dim = &b->dim[d];
    if (s->extent[d] >= 0) {
      dim->min = 0;
      dim->extent = s->extent[d];
    } else if (input) {
      dim->min = bmin;
      dim->extent = bext;
    }
    dim->stride = stride;
    stride *= dim->extent;
  }
}

/* The caller's buffers, checked as Halide checks a pipeline's arguments. Returns 0 to
 * run, 1 after answering a bounds query, or Halide's error code. The batch of the run
 * is that of the boundary buffer `source` (-1: no dynamic batch). */
static int kc_arguments(halide_buffer_t **args, const kc_shape *shapes, int inputs, int count,
                        int source, int32_t *bmin, int32_t *bext) {
  int query = 0;
  for (int i = 0; i < count; ++i)
    if (!args[i])
      return halide_error_buffer_argument_is_null(NULL, shapes[i].name);
  for (int i = 0; i < count; ++i) {
    const struct halide_type_t *t = &args[i]->type;
    uint32_t given = (uint32_t)t->code | (uint32_t)t->bits << 8 | (uint32_t)t->lanes << 16;
    char text[300];
    if (given != (2u | 32u << 8 | 1u << 16)) /* float32 */
      return halide_error_bad_type(NULL, kc_buffer(text, sizeof text, shapes[i].name, i < inputs),
                                   given, 2u | 32u << 8 | 1u << 16);
    if (args[i]->dimensions != shapes[i].rank)
      return halide_error_bad_dimensions(
          NULL, kc_buffer(text, sizeof text, shapes[i].name, i < inputs), args[i]->dimensions,
          shapes[i].rank);
    query |= args[i]->host == NULL && args[i]->device == 0;
  }
  *bmin = 0;
  *bext = 1;
  if (source >= 0) {
    *bmin = args[source]->dim[shapes[source].rank - 1].min;
    *bext = args[source]->dim[shapes[source].rank - 1].extent;
  }
  if (query) {
    for (int i = 0; i < count; ++i)
      if (args[i]->host == NULL && args[i]->device == 0)
        kc_query(args[i], &shapes[i], i < inputs, *bmin, *bext);
    return 1;
  }
  /* As Halide orders its checks: every buffer's bounds, then the constraints. */
  for (int i = 0; i < count; ++i) {
    int r = kc_bounds(args[i], &shapes[i], i < inputs, *bmin, *bext);
    if (r != 0)
      return r;
  }
  for (int i = 0; i < count; ++i) {
    int r = kc_check(args[i], &shapes[i], i < inputs, *bmin, *bext);
    if (r != 0)
      return r;
  }
  return 0;
}

/* Allocates an intermediate result, dense, as the segments' pinned shapes want it. */
static int kc_alloc(kc_tensor *t, const kc_shape *s, int32_t bmin, int32_t bext) {
  int64_t size = 4;
  memset(t, 0, sizeof *t);
  for (int d = 0; d < s->rank; ++d) {
    int32_t extent = s->extent[d] >= 0 ? s->extent[d] : bext;
    t->dim[d].min = s->extent[d] >= 0 ? 0 : bmin;
    t->dim[d].extent = extent;
    t->dim[d].stride = (int32_t)(size / 4);
    size *= extent;
    if (size > INT32_MAX)
      return halide_error_buffer_allocation_too_large(NULL, s->name, (uint64_t)size, INT32_MAX);
  }
  t->buf.host = (uint8_t *)halide_malloc(NULL, size > 0 ? (size_t)size : 1);
  if (!t->buf.host)
    return halide_error_out_of_memory(NULL);
  t->buf.type.code = 2; /* float */
  t->buf.type.bits = 32;
  t->buf.type.lanes = 1;
  t->buf.dimensions = s->rank;
  t->buf.dim = t->dim;
  return 0;
}

static void kc_release(kc_tensor *t) {
  if (t->buf.host)
    halide_free(NULL, t->buf.host);
  t->buf.host = NULL;
}

/* A model output that is a model input or another output: the run's batch, copied. */
static void kc_copy(halide_buffer_t *to, const halide_buffer_t *from) {
  int d = to->dimensions - 1;
  size_t item = d >= 0 ? (size_t)to->dim[d].stride * 4 : 4;
  int64_t skip = d >= 0 ? (int64_t)to->dim[d].min - from->dim[d].min : 0;
  size_t count = d >= 0 ? (size_t)to->dim[d].extent : 1;
  memcpy(to->host, from->host + skip * (int64_t)item, count * item);
}
)";

/// `name`, which the generated C uses as an identifier: it is one, by construction
/// (derived from the validated symbol prefix), but nothing else may reach the source.
const std::string &identifier(const std::string &name) {
  if (!isCIdentifier(name))
    throw std::invalid_argument("internal error: '" + name + "' is not a C identifier");
  return name;
}

/// The weights' block, included by the assembler from `path` into read-only data (so
/// neither LLVM nor the C compiler holds it), and a Halide buffer for each weight in it.
std::string weightTables(const SegmentWeights &weights, const std::string &path,
                         const std::string &function) {
  if (weights.tensors.empty())
    return "";
  // The path as the assembler's string, then as C's: only printable characters.
  std::string quoted = "\"";
  for (char c : path) {
    if (c < 0x20 || c == 0x7f)
      throw std::invalid_argument("the weights' path '" + path +
                                  "' has a control character");
    if (c == '"' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  quoted += "\"";
  std::string block = identifier(function + "_weights");
  std::ostringstream os;
  os << "\n/* The weights, " << weights.bytes << " bytes, 64-byte aligned. */\n"
     << "__asm__(" << cStringLiteral(".pushsection .rodata\n.balign 64\n" + block + ":\n.incbin " +
                                      quoted + "\n.popsection\n")
     << ");\n"
     << "extern const uint8_t " << block << "[] __attribute__((visibility(\"hidden\")));\n"
     << "static halide_dimension_t kc_weight_dims[] = {\n";
  size_t dims = 0;
  std::ostringstream buffers;
  for (const SegmentWeights::Tensor &tensor : weights.tensors) {
    buffers << "  {0, NULL, (uint8_t *)" << block << " + " << tensor.offset
            << ", 0, {2, 32, 1}, " << tensor.extents.size() << ", &kc_weight_dims[" << dims
            << "], NULL}, /* " << cCommentText(tensor.name) << " */\n";
    int64_t stride = 1;
    for (int extent : tensor.extents) {
      os << "  {0, " << extent << ", " << stride << ", 0},\n";
      stride *= extent;
      ++dims;
    }
  }
  os << "};\n/* Read only: a pipeline writes none of its input buffers. */\n"
     << "static halide_buffer_t kc_weights[" << weights.tensors.size() << "] = {\n"
     << buffers.str() << "};\n";
  return os.str();
}

/// "{name, rank, {extents in Halide order}}" for the kc_shape tables.
std::string shapeEntry(const std::string &name, const TensorInfo &info) {
  std::ostringstream os;
  os << "{" << cStringLiteral(name) << ", " << info.rank() << ", {";
  for (int d = 0; d < info.rank(); ++d)
    os << (d ? ", " : "") << info.shape[info.rank() - 1 - d];
  os << "}}";
  return os.str();
}
} // namespace

std::string topLevelSource(const PipelinePlan &plan, const std::vector<PipelineSegment> &segments,
                           const std::vector<std::string> &boundaryNames,
                           const std::string &functionName, const SegmentWeights &weights,
                           const std::string &weightBlockPath) {
  const std::string &function = identifier(functionName);
  size_t inputs = plan.inputs.size(), count = inputs + plan.outputs.size();
  int maxRank = 1;
  for (const TensorInfo &info : plan.values)
    maxRank = std::max(maxRank, info.rank());

  // Where each value is: a caller's buffer (an argument index) or an intermediate.
  std::map<int, size_t> argument; // value -> the first argument holding it
  for (size_t i = 0; i < inputs; ++i)
    argument.emplace(plan.inputs[i].value, i);
  std::set<int> produced;
  for (const PipelineSegment &segment : segments)
    produced.insert(segment.output);
  std::vector<std::pair<size_t, size_t>> copies; // (output argument, source argument)
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    int value = plan.outputs[i].value;
    auto [at, first] = argument.emplace(value, inputs + i);
    // A model input, or a value output twice: copied from the first buffer holding it.
    if (!first)
      copies.push_back({inputs + i, at->second});
    else if (!produced.count(value))
      throw std::invalid_argument("internal error: model output " + std::to_string(i) +
                                  " is computed by no segment");
  }
  // Each intermediate's last reader.
  std::map<int, size_t> lastUse;
  for (size_t k = 0; k < segments.size(); ++k) {
    lastUse[segments[k].output] = std::max(lastUse[segments[k].output], k);
    for (int value : segments[k].inputs)
      lastUse[value] = k;
  }

  std::ostringstream body, shapes;
  std::map<int, int> slot; // live intermediate -> its kc_tensor
  std::vector<int> freeSlots;
  int slots = 0, intermediates = 0;
  int64_t live = 0, peak = 0, total = 0; // bytes per batch item
  auto bytes = [&](int value) {
    int64_t size = 4;
    for (int64_t extent : plan.values.at(value).shape)
      size *= extent < 0 ? 1 : extent;
    return size;
  };
  for (size_t k = 0; k < segments.size(); ++k) {
    const PipelineSegment &segment = segments[k];
    std::string name = identifier(function + "_s" + std::to_string(k));
    auto where = [&](int value) {
      auto found = argument.find(value);
      return found != argument.end() ? "args[" + std::to_string(found->second) + "]"
                                     : "&t[" + std::to_string(slot.at(value)) + "].buf";
    };
    if (!argument.count(segment.output)) {
      const TensorInfo &info = plan.values.at(segment.output);
      for (int d = 1; d < info.rank(); ++d)
        if (info.shape[d] < 0)
          throw std::invalid_argument("internal error: an intermediate result of unknown shape");
      int s = freeSlots.empty() ? slots++ : freeSlots.back();
      if (!freeSlots.empty())
        freeSlots.pop_back();
      slot[segment.output] = s;
      shapes << "  " << shapeEntry(name + "_result", info) << ",\n";
      body << "  if ((r = kc_alloc(&t[" << s << "], &kc_values[" << intermediates++
           << "], bmin, bext)) != 0)\n    goto done;\n";
      live += bytes(segment.output);
      total += bytes(segment.output);
      peak = std::max(peak, live);
    }
    body << "  if ((r = " << name << "(";
    for (int value : segment.inputs)
      body << where(value) << ", ";
    for (size_t w : weights.reads.at(k))
      body << "&kc_weights[" << w << "], ";
    body << where(segment.output) << ")) != 0) {\n"
         << "    r = halide_error_extern_stage_failed(NULL, \"" << name << "\", r);\n"
         << "    goto done;\n  }\n";
    // Intermediates read for the last time (or never read) are freed.
    std::set<int> done(segment.inputs.begin(), segment.inputs.end());
    done.insert(segment.output);
    for (int value : done)
      if (slot.count(value) && lastUse.at(value) == k) {
        body << "  kc_release(&t[" << slot[value] << "]);\n";
        freeSlots.push_back(slot[value]);
        slot.erase(value);
        live -= bytes(value);
      }
  }
  for (const auto &[to, from] : copies)
    body << "  kc_copy(args[" << to << "], args[" << from << "]);\n";

  // The batch of the run: the first output's (as Halide asks of the pipeline's
  // outputs), else the first input's with a dynamic batch.
  int source = -1;
  for (size_t i = 0; i < count && source < 0; ++i) {
    size_t at = (i + inputs) % count; // outputs first
    const BoundaryTensor &t = at < inputs ? plan.inputs[at] : plan.outputs[at - inputs];
    if (!plan.values.at(t.value).batch())
      source = int(at);
  }

  std::ostringstream os;
  os << "/* Generated by kconvc for Keras model '" << cCommentText(plan.name)
     << "': the top level of its split pipeline\n * (docs/codegen.md). " << segments.size()
     << " segments, " << intermediates << " intermediate results in " << slots
     << " buffers; at most\n * " << peak << " bytes live per batch item (" << total
     << " if none were freed). */\n"
     << "#define KC_MAX_RANK " << maxRank << "\n"
     << kPrologue << "\n";
  for (size_t k = 0; k < segments.size(); ++k) {
    os << "extern int " << identifier(function + "_s" + std::to_string(k)) << "(";
    for (size_t a = 0; a <= segments[k].inputs.size() + weights.reads.at(k).size(); ++a)
      os << (a ? ", " : "") << "halide_buffer_t *";
    os << ");\n";
  }
  os << weightTables(weights, weightBlockPath, function);
  os << "\nstatic const kc_shape kc_boundary[" << count << "] = {\n";
  for (size_t i = 0; i < count; ++i) {
    const BoundaryTensor &t = i < inputs ? plan.inputs[i] : plan.outputs[i - inputs];
    os << "  " << shapeEntry(boundaryNames.at(i), plan.values.at(t.value)) << ",\n";
  }
  os << "};\n";
  if (intermediates > 0)
    os << "static const kc_shape kc_values[" << intermediates << "] = {\n" << shapes.str()
       << "};\n";
  os << "\nint " << function << "(";
  for (size_t i = 0; i < count; ++i)
    os << (i ? ", " : "") << "halide_buffer_t *a" << i;
  os << ") {\n  halide_buffer_t *args[" << count << "] = {";
  for (size_t i = 0; i < count; ++i)
    os << (i ? ", " : "") << "a" << i;
  os << "};\n  int32_t bmin, bext;\n  int r = kc_arguments(args, kc_boundary, " << inputs << ", "
     << count << ", " << source << ", &bmin, &bext);\n"
     << "  if (r != 0)\n    return r < 0 ? r : 0;\n"
     << "  kc_tensor t[" << std::max(slots, 1) << "];\n"
     << "  for (int i = 0; i < " << std::max(slots, 1) << "; ++i)\n    t[i].buf.host = NULL;\n"
     << body.str() << "done:\n"
     << "  for (int i = 0; i < " << std::max(slots, 1) << "; ++i)\n    kc_release(&t[i]);\n"
     << "  return r;\n}\n\n"
     << "/* Halide's argv-style entry point: the buffers in argument order. */\n"
     << "int " << function << "_argv(void **args) {\n  return " << function << "(";
  for (size_t i = 0; i < count; ++i)
    os << (i ? ", " : "") << "(halide_buffer_t *)args[" << i << "]";
  os << ");\n}\n";
  return os.str();
}

} // namespace kconv::codegen
