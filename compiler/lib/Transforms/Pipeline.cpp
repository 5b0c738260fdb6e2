// kconvc's pass order, defined once: kconvc runs it and kconv-opt replays it as the
// named pipelines --kconv-pipeline and --kconv-pipeline-no-fusion.
#include "kconv/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace kconv::dialect {

void buildKconvPipeline(OpPassManager &pm, bool fusion) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createKconvInferShapes());
  func.addPass(createKconvEliminateIdentity());
  func.addPass(createKconvConvertLayout());
  func.addPass(createKconvResolvePadding());
  if (fusion) {
    func.addPass(createKconvFoldPadding());
    func.addPass(createKconvFoldBatchNorm());
    func.addPass(createKconvFoldAffineIntoConsumer());
    func.addPass(createKconvFuseEpilogue());
  }
  func.addPass(createKconvEliminateIdentity());
}

void registerKconvPipelines() {
  PassPipelineRegistration<>("kconv-pipeline", "kconvc's passes, in kconvc's order",
                             [](OpPassManager &pm) { buildKconvPipeline(pm, /*fusion=*/true); });
  PassPipelineRegistration<>(
      "kconv-pipeline-no-fusion", "kconvc --no-fusion's passes, in kconvc's order",
      [](OpPassManager &pm) { buildKconvPipeline(pm, /*fusion=*/false); });
}

} // namespace kconv::dialect
