// The kconv dialect -> codegen::PipelinePlan (plain structs for Halide codegen).
#ifndef KCONV_CONVERSION_KCONVTOPLAN_H
#define KCONV_CONVERSION_KCONVTOPLAN_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Dialect/KconvDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kconv::dialect {

class ScheduleAttr;

/// #kconv.schedule <-> the plan's Conv2DSchedule (the same fields).
::kconv::codegen::Conv2DSchedule scheduleFromAttr(ScheduleAttr attr);
ScheduleAttr scheduleToAttr(MLIRContext *context, const ::kconv::codegen::Conv2DSchedule &s);

/// Lowers a model function. Emits a diagnostic at the offending op and fails for
/// anything codegen cannot take (e.g. weights that were never loaded, unless
/// `requireWeights` is false: then they are zeros, enough to choose schedules).
FailureOr<::kconv::codegen::PipelinePlan> convertToPlan(func::FuncOp func,
                                                        bool requireWeights = true);

/// The ops convertToPlan turns into the plan's nodes, in node order (one step per op;
/// constants and identities are none).
SmallVector<Operation *> planNodeOps(func::FuncOp func);

} // namespace kconv::dialect

#endif
