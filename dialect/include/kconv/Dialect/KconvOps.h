#ifndef KCONV_DIALECT_KCONVOPS_H
#define KCONV_DIALECT_KCONVOPS_H

#include "kconv/Dialect/KconvDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "kconv/Dialect/KconvEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "kconv/Dialect/KconvAttrs.h.inc"
#define GET_OP_CLASSES
#include "kconv/Dialect/KconvOps.h.inc"

#endif
