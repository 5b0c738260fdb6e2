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
                                   bool unrollTaps, int64_t winograd) {
  std::optional<std::string> error = ::kconv::scheduleFieldsError(
      vectorize, vectorWidth, vectors, tileX, tileY, channelsOuter, trimColumns);
  if (!error)
    error = ::kconv::winogradFieldsError(winograd, vectorize, tileY, stageInput, channelsOuter,
                                         trimColumns, unrollTaps);
  if (error)
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
  s.winograd = int(getWinograd());
  return s;
}

ScheduleAttr ScheduleAttr::get(MLIRContext *context, const ::kconv::Conv2DSchedule &s) {
  bool width = s.vectorize == ::kconv::Conv2DSchedule::Vectorize::Width;
  return get(context, width ? "width" : "channels", s.vectorWidth, s.vectors, s.tileX, s.tileY,
             s.parallel, s.stageInput, s.channelsOuter, s.trimColumns, s.unrollTaps,
             s.winograd);
}

LogicalResult GpuScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                      int64_t tileC, int64_t tileX, int64_t tileY,
                                      int64_t threadsC, int64_t threadsX) {
  for (int64_t v : {tileC, tileX, tileY, threadsC, threadsX})
    if (v < 1 || v > 1024)
      return emitError() << "GPU schedule fields must be in [1, 1024]";
  ::kconv::GpuConvSchedule s;
  s.tileC = int(tileC), s.tileX = int(tileX), s.tileY = int(tileY);
  s.threadsC = int(threadsC), s.threadsX = int(threadsX);
  if (std::optional<std::string> error = ::kconv::gpuScheduleError(s))
    return emitError() << *error;
  return success();
}

::kconv::GpuConvSchedule GpuScheduleAttr::getSchedule() const {
  ::kconv::GpuConvSchedule s;
  s.tileC = int(getTileC()), s.tileX = int(getTileX()), s.tileY = int(getTileY());
  s.threadsC = int(getThreadsC()), s.threadsX = int(getThreadsX());
  return s;
}

GpuScheduleAttr GpuScheduleAttr::get(MLIRContext *context, const ::kconv::GpuConvSchedule &s) {
  return get(context, s.tileC, s.tileX, s.tileY, s.threadsC, s.threadsX);
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
