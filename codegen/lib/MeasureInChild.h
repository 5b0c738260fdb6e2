// Internal: timing in a forked child (a candidate that crashes, hangs or fails to
// compile is an error, never fatal), shared by the schedule and fusion tuners.
#ifndef KCONV_CODEGEN_MEASUREINCHILD_H
#define KCONV_CODEGEN_MEASUREINCHILD_H

#include "kconv/Codegen/Autotuner.h"

#include <functional>

namespace kconv::codegen {

/// Runs `time` (returning milliseconds, or <= 0 on failure) in a child process with
/// the options' thread count and timeout.
Status measureInChild(const TuneOptions &options, const std::function<double()> &time,
                      double &ms);

/// JIT-compiles `plan` and times it on random inputs (batch 1 where dynamic), in
/// this process: median milliseconds.
double timePlanInProcess(const PipelinePlan &plan, const std::string &target);

/// Runs `body` once, then repeatedly for about 60 ms (8 to 400 times): the lower
/// quartile of the times, in ms.
double quartileRunMs(const std::function<void()> &body);

} // namespace kconv::codegen

#endif
