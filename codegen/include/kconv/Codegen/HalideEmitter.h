// Plan -> Halide pipeline -> object file (and Halide's statement for inspection).
// Every function here catches each Halide exception and returns a Status, so that
// nothing of Halide unwinds into the (MLIR) caller; codegen's other public headers
// are the plan (PipelinePlan.h, Schedule.h), the tuner (Autotuner.h) and the C glue
// around the object (ModelGlue.h, CText.h).
#ifndef KCONV_CODEGEN_HALIDEEMITTER_H
#define KCONV_CODEGEN_HALIDEEMITTER_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Support/Status.h"

#include <string>

namespace kconv::codegen {

struct EmitRequest {
  std::string target = "host"; // a Halide target string
  std::string functionName;    // the pipeline's C symbol
  std::string objectPath;      // object with the pipeline and the Halide runtime
  std::string stmtPath;        // Halide's lowered statement, for inspection (optional)
  /// A model storing more results than this (a recurrent layer's or a resize's counting
  /// three) is lowered as one pipeline per stored result, called in order from C
  /// (PipelineSegments.cpp); -1: never.
  int splitAbove = 24;
  /// A model with more bytes of weights than this is split too (unless `splitAbove` is
  /// -1): a split model's weights are data the assembler includes, while a whole
  /// pipeline's are constants in LLVM's module, which took 12 times their size in
  /// memory (VGG16: 6.9 GB for 553 MB).
  size_t embeddedWeightBytes = size_t(8) << 20;
  /// Processes compiling a split model's pipelines (1: this one alone).
  int jobs = 1;
  /// Whether `objectPath` gets Halide's runtime; false: the caller links the one built
  /// with kconv (kconv-halide-runtime), for a target prebuiltRuntimeFits accepts.
  bool halideRuntime = true;
};

/// Builds the plan's Halide pipeline and writes the requested files. A split model
/// compiled in several processes (`jobs` > 1, `partObjects` given, no statement file)
/// leaves some of its pipelines in further object files, listed in `partObjects`
/// (without Halide's runtime, which `objectPath` has): link them all. A split model's
/// top-level function `functionName` (and `<functionName>_argv`) is C, returned in
/// `topLevelC` (left empty for a model compiled whole) for the caller to compile and
/// link with them; a split model without `topLevelC` is an error.
Status emitPipeline(const PipelinePlan &plan, const EmitRequest &request,
                    std::vector<std::string> *partObjects = nullptr,
                    std::string *topLevelC = nullptr);

/// Whether code for `target` can use Halide's runtime compiled for its architecture, bit
/// width and operating system alone: none of the features that change the runtime (GPU
/// APIs, debug, profiling, sanitizers, ...). False for an invalid target.
bool prebuiltRuntimeFits(const std::string &target);

/// The Halide target string `target` ("host" included) resolves to, or an error.
Status resolveTarget(const std::string &target, std::string &resolved);

/// The machine a valid target's code runs on: this one, or one kconv cross-compiles to.
struct TargetMachine {
  /// The GNU triple of a cross target ("aarch64-linux-gnu"), naming its C compiler
  /// (aarch64-linux-gnu-gcc) and its kconv runtime (lib/aarch64-linux-gnu/); empty for
  /// this machine's architecture, word size and operating system.
  std::string crossTriple;
  int floatLanes = 0; // float32 lanes of the target's natural vectors
  bool gpu = false;   // the pipeline runs on a GPU (CUDA or OpenCL; GpuSchedule.h)
  bool native() const { return crossTriple.empty(); }
};

/// Checks that `target` is a valid Halide target for this machine or for a machine kconv
/// cross-compiles to (64-bit ARM Linux: arm-64-linux with any of Halide's feature
/// suffixes), and says which; other architectures and operating systems are refused.
Status checkTarget(const std::string &target, TargetMachine &out);

/// The GPU schedule the emitter uses for `layer` on a GPU target when none is forced.
GpuConvSchedule defaultGpuSchedule(const PipelinePlan &plan, const Conv2DLayer &layer);

/// The schedule the emitter uses for `layer` when none is forced.
Status defaultSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const std::string &target, Conv2DSchedule &out);

} // namespace kconv::codegen

#endif
