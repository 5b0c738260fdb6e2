#ifndef KCONV_DIALECT_TD
#define KCONV_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Kconv_Dialect : Dialect {
  let name = "kconv";
  let cppNamespace = "::kconv::dialect";
  let summary = "Keras layers with their exact Keras semantics";
  let description = [{
    The `kconv` dialect models Keras layers one to one: each op carries every
    argument of its Keras layer as a typed attribute, so the IR says exactly what
    the Keras file said. Tensors are float32 and keep the layer's own
    `data_format`; the batch dimension may be dynamic (`?`).
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::func::FuncDialect"];
}

class Kconv_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kconv_Dialect, mnemonic, traits>;

#endif // KCONV_DIALECT_TD
