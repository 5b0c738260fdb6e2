// Conv2D schedules are defined, checked and printed in the support library; codegen
// names them kconv::codegen::Conv2DSchedule.
#ifndef KCONV_CODEGEN_SCHEDULE_H
#define KCONV_CODEGEN_SCHEDULE_H

#include "kconv/Support/Schedule.h"

namespace kconv::codegen {
using ::kconv::Conv2DSchedule;
using ::kconv::ConvShape;
using ::kconv::GpuConvSchedule;

struct PipelinePlan;
struct Conv2DLayer;

/// What the legality of `layer`'s schedule depends on (kconv::scheduleError).
ConvShape convShape(const PipelinePlan &plan, const Conv2DLayer &layer);
} // namespace kconv::codegen

#endif
