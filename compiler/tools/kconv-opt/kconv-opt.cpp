// kconv-opt: runs kconv passes one at a time, or kconvc's whole pipeline, for lit tests.
#include "kconv/Dialect/KconvDialect.h"
#include "kconv/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  // The options registered so far are libLLVM's and the static libraries' own (hundreds,
  // about code generation and LLVM's internals): hidden, so --help lists the kconv
  // passes and mlir-opt's options, which MlirOptMain registers below. --help-hidden
  // still shows everything.
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.getKey();
    if (name != "help" && name != "version" && name != "help-hidden")
      entry.getValue()->setHiddenFlag(llvm::cl::Hidden);
  }
  kconv::dialect::registerKconvPasses();
  kconv::dialect::registerKconvPipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  // mlir-opt's options for debugging MLIR itself (action tracing, plugins, reproducers,
  // bytecode details) are hidden too. Registered here (after the passes, which
  // they list) as MlirOptMain would; each registration happens once.
  mlir::DialectRegistry registry;
  mlir::MlirOptMainConfig::registerCLOptions(registry);
  static const char *const developerOptions[] = {
      "irdl-file", "load-dialect-plugin", "load-pass-plugin", "log-actions-to",
      "log-mlir-actions-filter", "profile-actions-to", "mlir-enable-debugger-hook",
      "mlir-debug-counter", "mlir-print-debug-counter", "emit-bytecode-version",
      "elide-resource-data-from-bytecode", "run-reproducer", "mlir-generate-reproducer",
      "output-split-marker", "allow-unregistered-dialect", "no-implicit-module"};
  for (const char *name : developerOptions)
    if (llvm::cl::Option *option = llvm::cl::getRegisteredOptions().lookup(name))
      option->setHiddenFlag(llvm::cl::Hidden);
  registry.insert<kconv::dialect::KconvDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "kconv pass driver\n", registry));
}
