#ifndef KCONV_INTERFACES_TD
#define KCONV_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kconv_InferShapeOpInterface : OpInterface<"InferShapeOpInterface"> {
  let cppNamespace = "::kconv::dialect";
  let description = [{
    A kconv op whose result shape follows from its operands' shapes and its
    attributes, with Keras's rules. One function serves the importer (which
    builds results from it), the verifier (which checks results against it) and
    `--kconv-infer-shapes` (which refines results after rewrites).
  }];
  let methods = [
    InterfaceMethod<[{
        Computes the result shape (`ShapedType::kDynamic` where unknown) from the
        ranked operand types; emits an error at the op and fails when the
        operands or attributes are not a valid Keras layer.
      }], "::mlir::LogicalResult", "inferResultShape",
      (ins "::llvm::SmallVectorImpl<int64_t> &":$shape)>
  ];
}

#endif // KCONV_INTERFACES_TD
