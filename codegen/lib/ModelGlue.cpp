// Generates the C glue between a compiled pipeline and the kconv runtime.
#include "kconv/Codegen/ModelGlue.h"

#include "kconv/Codegen/CText.h"

#include <sstream>

namespace kconv::codegen {

namespace {

/// NumPy-order (Keras) shape of a boundary tensor; -1 for the dynamic batch.
std::vector<int64_t> numpyShape(const PipelinePlan &plan, const BoundaryTensor &t) {
  return plan.values.at(t.value).shape;
}

/// "(N, 28, 28, 1)" for the header's comment.
std::string shapeComment(const std::vector<int64_t> &shape) {
  std::string text = "(N";
  for (size_t d = 1; d < shape.size(); ++d)
    text += ", " + std::to_string(shape[d]);
  return text + ")";
}

void writeTensorInfos(std::ostream &os, const PipelinePlan &plan,
                      const std::vector<BoundaryTensor> &tensors, const std::string &prefix,
                      const char *kind) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    os << "static const int64_t " << prefix << "_" << kind << "_shape_" << i << "[] = {";
    std::vector<int64_t> shape = numpyShape(plan, tensors[i]);
    for (size_t d = 0; d < shape.size(); ++d)
      os << (d ? ", " : "") << shape[d];
    os << "};\n";
  }
  os << "static const kconv_tensor_info " << prefix << "_" << kind << "s[] = {\n";
  for (size_t i = 0; i < tensors.size(); ++i)
    os << "  {" << cStringLiteral(tensors[i].name) << ", " << numpyShape(plan, tensors[i]).size()
       << ", " << prefix << "_" << kind << "_shape_" << i
       << ", " << (tensors[i].dataFormat == DataFormat::ChannelsFirst ? "\"channels_first\""
                                                                : "\"channels_last\"")
       << "},\n";
  os << "};\n";
}

std::string runSignature(const PipelinePlan &plan, const std::string &prefix) {
  std::ostringstream os;
  os << "kconv_status " << prefix << "_run(";
  for (size_t i = 0; i < plan.inputs.size(); ++i)
    os << (i ? ", " : "") << "kconv_tensor *in" << i;
  for (size_t i = 0; i < plan.outputs.size(); ++i)
    os << ", kconv_tensor *out" << i;
  os << ")";
  return os.str();
}

/// `<prefix>_build_<linkId>`, with identifier characters only.
std::string buildSymbol(const std::string &prefix, const std::string &linkId) {
  return prefix + "_build_" + cIdentifierFrom("x" + linkId).substr(1);
}

/// The runtime entry points a shared library re-exports under the model's prefix:
/// (suffix, return type, parameters, arguments, comment).
struct SharedEntry {
  const char *suffix, *result, *params, *args, *comment;
};
const SharedEntry kSharedEntries[] = {
    {"_last_error", "const char *", "void", "",
     "The message of this thread's last failing call into this library (\"\" if none)."},
    {"_set_num_threads", "void", "int threads", "threads",
     "Threads for this library's parallel loops (0: OMP_NUM_THREADS, else every core)."},
    {"_release_buffers", "void", "void", "",
     "Frees the intermediate buffers this library keeps from one run to the next."},
    {"_tensor_wrap", "kconv_status",
     "int rank, const int64_t *shape, float *data, kconv_tensor **out", "rank, shape, data, out",
     "Describes the caller's row-major float32 data as a tensor for _run (no copy)."},
    {"_tensor_destroy", "void", "kconv_tensor *tensor", "tensor",
     "Frees a tensor made by _tensor_wrap (never the caller's data)."},
};

/// Whether a C return type is a pointer ("const char *"): no blank before the name.
bool isPointerType(const char *type) {
  std::string text(type);
  return !text.empty() && text.back() == '*';
}

/// The C text of the block recording which kconv built the code, for the header.
std::string versionBlock(const GlueBuild &build) {
  std::ostringstream os;
  os << "/* Compiled by kconv " << cCommentText(build.kconvVersion) << " for the Halide target '"
     << cCommentText(build.target) << "'; link with a kconv runtime of the same ABI. */\n"
     << "#ifndef KCONV_VERSION_MAJOR\n#define KCONV_VERSION_MAJOR " << build.versionMajor
     << "\n#define KCONV_VERSION_MINOR " << build.versionMinor << "\n#define KCONV_VERSION_PATCH "
     << build.versionPatch << "\n#endif\n\n";
  return os.str();
}

} // namespace

std::vector<std::string> sharedLibrarySymbols(const std::string &givenPrefix,
                                              const std::string &linkId) {
  const std::string prefix = cIdentifierFrom(givenPrefix);
  std::vector<std::string> symbols = {prefix + "_model", prefix + "_run",
                                      prefix + "_run_arrays"};
  for (const SharedEntry &entry : kSharedEntries)
    symbols.push_back(prefix + entry.suffix);
  if (!linkId.empty())
    symbols.push_back(buildSymbol(prefix, linkId));
  return symbols;
}

std::string pipelineFunctionName(const std::string &prefix) { return prefix + "_pipeline"; }

std::string generateModelHeader(const PipelinePlan &plan, const std::string &givenPrefix,
                                const std::string &linkId, const GlueBuild &build) {
  // The driver validates --name; an identifier is derived here too, so that no caller
  // can put other text into the generated code.
  const std::string prefix = cIdentifierFrom(givenPrefix);
  std::ostringstream os;
  // The guard holds the prefix (a C identifier): headers of two models differ in it.
  // (Not upper-cased: prefixes that differ in case only get distinct guards.)
  std::string guard = "KCONV_MODEL_" + prefix + "_H";
  os << "/* Generated by kconvc for Keras model '" << cCommentText(plan.name)
     << (build.shared ? "'. Link with the shared library (-l<name>, or dlopen it). */\n"
                      : "'. Link with libkconv_runtime.a and -fopenmp -lpthread -ldl -lm. */\n")
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"kconv/kconv_runtime.h\"\n\n" << versionBlock(build)
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  if (!linkId.empty()) {
    std::string id = buildSymbol(prefix, linkId);
    os << "/* Every file including this header needs this build's own symbol, so that a\n"
       << " * program linking two models compiled with the same prefix (two static libraries\n"
       << " * too) fails to link instead of running one of them in place of the other. */\n"
       << "extern const char " << id << ";\n#if defined(__GNUC__)\n"
       << "__attribute__((used)) static const char *const " << prefix << "_build_check = &" << id
       << ";\n#endif\n\n";
  }
  os << "/* Shapes, names and layouts of the model's inputs and outputs. */\n"
     << "extern const kconv_model " << prefix << "_model;\n\n"
     << "/* Runs the model. Tensors are float32, row-major, batch first:\n";
  for (size_t i = 0; i < plan.inputs.size(); ++i) {
    os << " *   in" << i << "  '" << cCommentText(plan.inputs[i].name) << "' "
       << shapeComment(numpyShape(plan, plan.inputs[i])) << "\n";
  }
  for (size_t i = 0; i < plan.outputs.size(); ++i) {
    os << " *   out" << i << " '" << cCommentText(plan.outputs[i].name) << "' "
       << shapeComment(numpyShape(plan, plan.outputs[i]))
       << ", allocated by the caller (kconv_model_create_outputs)\n";
  }
  os << " */\n" << runSignature(plan, prefix) << ";\n\n";
  if (build.shared) {
    os << "/* The shared library holds its own kconv runtime, hidden: make the tensors for\n"
       << " * " << prefix << "_run with " << prefix << "_tensor_wrap, read errors with " << prefix
       << "_last_error. */\n";
    for (const SharedEntry &entry : kSharedEntries)
      os << "/* " << entry.comment << " */\n"
         << entry.result << (isPointerType(entry.result) ? "" : " ") << prefix << entry.suffix
         << "(" << entry.params << ");\n";
    os << "/* Runs the model on row-major float32 arrays shaped as " << prefix
       << "_model says, `batch`\n * for the batch dimension: inputs in model order, then the "
          "outputs it fills. */\n"
       << "kconv_status " << prefix
       << "_run_arrays(int64_t batch, const float *const *inputs, float *const *outputs);\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return os.str();
}

std::string generateModelSource(const PipelinePlan &plan, const std::string &givenPrefix,
                                bool withMain, const std::string &linkId,
                                const GlueBuild &build) {
  const std::string prefix = cIdentifierFrom(givenPrefix);
  std::ostringstream os;
  os << "/* Generated by kconvc for Keras model '" << cCommentText(plan.name) << "'. */\n"
     << "#include \"kconv/kconv_runtime.h\"\n\n"
     << "extern int " << pipelineFunctionName(prefix) << "_argv(void **args);\n\n";
  if (!linkId.empty())
    os << "const char " << buildSymbol(prefix, linkId) << " = 0;\n\n";
  writeTensorInfos(os, plan, plan.inputs, prefix, "input");
  writeTensorInfos(os, plan, plan.outputs, prefix, "output");
  os << "\nconst kconv_model " << prefix << "_model = {" << cStringLiteral(plan.name) << ", "
     << plan.inputs.size() << ", " << prefix << "_inputs, " << plan.outputs.size() << ", "
     << prefix << "_outputs, " << pipelineFunctionName(prefix) << "_argv,\n  "
     << cStringLiteral(build.kconvVersion) << ", " << cStringLiteral(build.target)
     << ", &KCONV_RUNTIME_ABI_SYMBOL};\n\n"
     << runSignature(plan, prefix) << " {\n  kconv_tensor *inputs[] = {";
  for (size_t i = 0; i < plan.inputs.size(); ++i)
    os << (i ? ", " : "") << "in" << i;
  os << "};\n  kconv_tensor *outputs[] = {";
  for (size_t i = 0; i < plan.outputs.size(); ++i)
    os << (i ? ", " : "") << "out" << i;
  os << "};\n  return kconv_model_run(&" << prefix << "_model, inputs, outputs);\n}\n";
  if (build.shared) {
    for (const SharedEntry &entry : kSharedEntries)
      os << "\n" << entry.result << (isPointerType(entry.result) ? "" : " ") << prefix
         << entry.suffix << "(" << entry.params << ") { "
         << (std::string(entry.result) == "void" ? "" : "return ") << "kconv" << entry.suffix
         << "(" << entry.args << "); }\n";
    os << "\nkconv_status " << prefix
       << "_run_arrays(int64_t batch, const float *const *inputs, float *const *outputs) {\n"
       << "  return kconv_model_run_arrays(&" << prefix << "_model, batch, inputs, outputs);\n}\n";
  }
  if (withMain)
    os << "\nint main(int argc, char **argv) { return kconv_main(&" << prefix
       << "_model, argc, argv); }\n";
  return os.str();
}

} // namespace kconv::codegen
