#ifndef KCONV_DIALECT_KCONVDIALECT_H
#define KCONV_DIALECT_KCONVDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "kconv/Dialect/KconvOpsDialect.h.inc"

#endif
