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
  if (vectorize != "channels" && vectorize != "width")
    return emitError() << "schedule 'vectorize' must be \"channels\" or \"width\", got \""
                       << vectorize << "\"";
  if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) != 0 || vectorWidth > 64)
    return emitError() << "schedule 'vector_width' must be a power of two in [1, 64], got "
                       << vectorWidth;
  if (vectors < 1 || tileX < 1 || tileY < 1)
    return emitError() << "schedule 'vectors', 'tile_x' and 'tile_y' must be >= 1";
  if (channelsOuter && vectorize != "channels")
    return emitError() << "schedule 'channels_outer' needs vectorize = \"channels\"";
  if (trimColumns && vectorize != "channels")
    return emitError() << "schedule 'trim_columns' needs vectorize = \"channels\" (with "
                          "lanes along the width, a column cannot be skipped alone)";
  if (vectorize == "width" && tileX != 1)
    return emitError() << "schedule 'tile_x' must be 1 with vectorize = \"width\" (the vector "
                          "spans the tile)";
  if (vectors * tileX * tileY > 64)
    return emitError() << "schedule keeps " << vectors * tileX * tileY
                       << " accumulator vectors per tile; at most 64 are allowed";
  return success();
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
