#ifndef KCONV_OPS_TD
#define KCONV_OPS_TD

include "kconv/Dialect/KconvDialect.td"
include "kconv/Dialect/KconvEnums.td"
include "kconv/Dialect/KconvAttrs.td"
include "kconv/Dialect/KconvInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"

def Kconv_Tensor4D : 4DTensorOf<[F32]>;
// Any float32 tensor; unranked only while shapes are being inferred.
def Kconv_AnyTensor : TensorOf<[F32]>;

// A Keras layer op: shape inference (`inferResultShape`, in
// dialect/lib/Layers/<Layer>.cpp with the op's own checks), and a verifier that
// checks the result against it.
class Kconv_LayerOp<string mnemonic, list<Trait> traits = []>
    : Kconv_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<Kconv_InferShapeOpInterface>])> {
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return ::kconv::dialect::verifyInferredShape(getOperation());
    }
  }];
}

include "kconv/Dialect/KconvLayerOps.td"

#endif // KCONV_OPS_TD
