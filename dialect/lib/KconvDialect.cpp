#include "kconv/Dialect/KconvDialect.h"

#include "kconv/Dialect/KconvOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kconv::dialect;

#include "kconv/Dialect/KconvEnums.cpp.inc"
#include "kconv/Dialect/KconvOpsDialect.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "kconv/Dialect/KconvAttrs.cpp.inc"
// The ops' generated definitions; their hand-written parts (verifiers, shape
// inference, folders) are in Layers/<Layer>.cpp.
#define GET_OP_CLASSES
#include "kconv/Dialect/KconvOps.cpp.inc"

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef vectorize, int64_t vectorWidth, int64_t vectors,
                                   int64_t tileX, int64_t tileY, bool parallel,
                                   bool stageInput, bool channelsOuter, bool trimColumns,
                                   bool unrollTaps) {
  if (std::optional<std::string> error =
          ::kconv::scheduleFieldsError(vectorize, vectorWidth, vectors, tileX, tileY,
                                       channelsOuter, trimColumns))
    return emitError() << *error;
  return success();
}

::kconv::Conv2DSchedule ScheduleAttr::getSchedule() const {
  ::kconv::Conv2DSchedule s;
  s.vectorize = getVectorize() == "width" ? ::kconv::Conv2DSchedule::Vectorize::Width
                                          : ::kconv::Conv2DSchedule::Vectorize::Channels;
  s.vectorWidth = int(getVectorWidth());
  s.vectors = int(getVectors());
  s.tileX = int(getTileX());
  s.tileY = int(getTileY());
  s.parallel = getParallel();
  s.stageInput = getStageInput();
  s.channelsOuter = getChannelsOuter();
  s.trimColumns = getTrimColumns();
  s.unrollTaps = getUnrollTaps();
  return s;
}

ScheduleAttr ScheduleAttr::get(MLIRContext *context, const ::kconv::Conv2DSchedule &s) {
  bool width = s.vectorize == ::kconv::Conv2DSchedule::Vectorize::Width;
  return get(context, width ? "width" : "channels", s.vectorWidth, s.vectors, s.tileX, s.tileY,
             s.parallel, s.stageInput, s.channelsOuter, s.trimColumns, s.unrollTaps);
}

void KconvDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "kconv/Dialect/KconvOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kconv/Dialect/KconvAttrs.cpp.inc"
      >();
}
