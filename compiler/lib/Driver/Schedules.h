// Choosing each conv2d's schedule: forced (--schedule=FILE), from the tuning database,
// tuned now (--tune-budget), or the heuristic default. The choice is written into
// the IR as #kconv.schedule and into the plan.
#ifndef KCONV_DRIVER_SCHEDULES_H
#define KCONV_DRIVER_SCHEDULES_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Driver/Compile.h"
#include "mlir/IR/BuiltinOps.h"

namespace kconv::driver {

mlir::LogicalResult chooseSchedules(mlir::ModuleOp module, codegen::PipelinePlan &plan,
                                    const CompileOptions &options, llvm::raw_ostream &errs);

/// The tuning database key of a layer: its shape signature, target and threads.
std::string layerSignature(const codegen::PipelinePlan &plan, const codegen::Conv2DLayer &layer,
                           const std::string &target, int threads);

} // namespace kconv::driver

#endif
