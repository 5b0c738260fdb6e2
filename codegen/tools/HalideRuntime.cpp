// kconv-halide-runtime TARGET OUT.o: Halide's runtime for TARGET's architecture, bit
// width and operating system, compiled once when kconv is built. kconvc links it into
// the pipelines it compiles for compatible targets (codegen::usesPrebuiltRuntime)
// instead of compiling the runtime into every model (about a second of CPU each).
// TARGET "host": this machine's.
#include <Halide.h>

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: kconv-halide-runtime TARGET OUT.o\n");
    return 2;
  }
  try {
    Halide::Target given =
        std::string(argv[1]) == "host" ? Halide::get_host_target() : Halide::Target(argv[1]);
    Halide::Target base(given.os, given.arch, given.bits);
    Halide::compile_standalone_runtime(argv[2], base);
  } catch (const Halide::Error &e) {
    std::fprintf(stderr, "kconv-halide-runtime: %s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
