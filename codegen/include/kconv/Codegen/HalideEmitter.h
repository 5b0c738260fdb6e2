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
  /// A model storing more results than this is lowered as one pipeline per stored
  /// result, called from a top-level one (PipelineSegments.cpp); -1: never.
  int splitAbove = 24;
};

/// Builds the plan's Halide pipeline and writes the requested files.
Status emitPipeline(const PipelinePlan &plan, const EmitRequest &request);

/// The Halide target string `target` ("host" included) resolves to, or an error.
Status resolveTarget(const std::string &target, std::string &resolved);

/// Fails unless `target` is a valid Halide target for this machine's architecture,
/// word size and operating system (code for another machine cannot be linked or run
/// here: kconv does not cross-compile).
Status checkHostTarget(const std::string &target);

/// The schedule the emitter uses for `layer` when none is forced.
Status defaultSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const std::string &target, Conv2DSchedule &out);

} // namespace kconv::codegen

#endif
