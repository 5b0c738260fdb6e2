#include "kconv/Dialect/KconvDialect.h"

#include "kconv/Dialect/KconvOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::kconv;

#include "kconv/Dialect/KconvEnums.cpp.inc"
#include "kconv/Dialect/KconvOpsDialect.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "kconv/Dialect/KconvAttrs.cpp.inc"

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
