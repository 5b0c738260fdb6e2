// Choosing each conv2d's schedule and the fusion decisions: the driver reads a
// --schedule file, asks codegen's tuner for the plan's choices (forced, tuning
// database, tuned now, or the default), and writes them once into the IR as
// #kconv.schedule and kconv.fusion attributes.
#ifndef KCONV_DRIVER_SCHEDULES_H
#define KCONV_DRIVER_SCHEDULES_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Driver/Compile.h"
#include "mlir/IR/BuiltinOps.h"

namespace kconv::driver {

mlir::LogicalResult chooseSchedules(mlir::ModuleOp module, codegen::PipelinePlan &plan,
                                    const CompileOptions &options, llvm::raw_ostream &errs);

} // namespace kconv::driver

#endif
