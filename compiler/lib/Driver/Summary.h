// `kconvc --summary`: Keras's model.summary() table plus a report of each
// regularizer's penalty and whether each constraint holds on the loaded weights.
#ifndef KCONV_DRIVER_SUMMARY_H
#define KCONV_DRIVER_SUMMARY_H

#include "kconv/Keras/KerasModel.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace kconv::driver {

void printSummary(mlir::ModuleOp module, const keras::Model &model, bool hasWeights,
                  llvm::raw_ostream &os);

} // namespace kconv::driver

#endif
