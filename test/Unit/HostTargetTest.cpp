// The "host" target names only instruction sets this CPU has: Halide 14 takes a CPU with
// AVX512-VNNI and BF16 (AMD Zen 4) for a Sapphire Rapids, whose AVX-VNNI it lacks, and
// code using it died with SIGILL. Checked against CPUID directly.
#include "kconv/Codegen/HalideEmitter.h"

#include <cpuid.h>
#include <gtest/gtest.h>

#include <string>

using namespace kconv::codegen;
using kconv::Status;

namespace {

bool cpuidBit(unsigned leaf, unsigned subleaf, int reg, int bit) {
  unsigned r[4] = {0, 0, 0, 0};
  if (!__get_cpuid_count(leaf, subleaf, &r[0], &r[1], &r[2], &r[3]))
    return false;
  return (r[reg] >> bit) & 1u;
}

constexpr int kEax = 0, kEbx = 1;

TEST(HostTarget, ClaimsAvxVnniOnlyWhereTheCpuHasIt) {
  std::string host;
  ASSERT_TRUE(resolveTarget("host", host));
  SCOPED_TRACE(host);
  bool avxVnni = cpuidBit(7, 1, kEax, 4);
  bool avx512f = cpuidBit(7, 0, kEbx, 16);
  if (!avxVnni) {
    EXPECT_EQ(host.find("avx512_sapphirerapids"), std::string::npos);
  }
  // Nothing else is lost: AVX-512 stays where the CPU has it.
  EXPECT_EQ(host.find("avx512") != std::string::npos, avx512f);
  bool vnni512 = cpuidBit(7, 0, 2 /* ecx */, 11), ifma = cpuidBit(7, 0, kEbx, 21);
  if (avx512f && vnni512 && ifma && !avxVnni) {
    EXPECT_NE(host.find("avx512_cannonlake"), std::string::npos);
  }
}

} // namespace

namespace {

// 64-bit ARM Linux is the one other machine kconv builds for: named by its GNU triple
// (its C compiler and runtime), with NEON's 4 float lanes, whatever Halide features
// are added; other architectures and operating systems are refused.
TEST(HostTarget, CrossCompilesToAarch64LinuxOnly) {
  TargetMachine machine;
  ASSERT_TRUE(checkTarget("arm-64-linux", machine));
  EXPECT_EQ(machine.crossTriple, "aarch64-linux-gnu");
  EXPECT_FALSE(machine.native());
  EXPECT_EQ(machine.floatLanes, 4);
  ASSERT_TRUE(checkTarget("arm-64-linux-arm_dot_prod-arm_fp16", machine));
  EXPECT_EQ(machine.crossTriple, "aarch64-linux-gnu");
  EXPECT_EQ(machine.floatLanes, 4);

  ASSERT_TRUE(checkTarget("host", machine));
  EXPECT_TRUE(machine.native());
  EXPECT_GE(machine.floatLanes, 4);

  for (const char *refused : {"arm-32-linux", "arm-64-android", "hexagon-32-noos",
                              "wasm-32-wasmrt", "x86-32-linux"}) {
    Status status = checkTarget(refused, machine);
    EXPECT_FALSE(status) << refused;
    EXPECT_NE(status.message().find("cross-compilation is not supported"), std::string::npos)
        << status.message();
  }
  EXPECT_FALSE(checkTarget("not-a-target", machine));
  // Another architecture's features, which Halide would ignore, are refused.
  for (const char *mixed : {"arm-64-linux-avx2", "arm-64-linux-arm_dot_prod-avx512_skylake",
                            "arm-64-linux-vsx"}) {
    Status status = checkTarget(mixed, machine);
    EXPECT_FALSE(status) << mixed;
    EXPECT_NE(status.message().find("is not a feature of 64-bit ARM"), std::string::npos)
        << status.message();
  }
}

} // namespace

namespace {

// Halide's runtime built with kconv (for the architecture, bit width and OS alone) serves
// targets that add instruction sets only; one that changes the runtime compiles its own.
TEST(HostTarget, PrebuiltRuntimeFitsInstructionSetsOnly) {
  EXPECT_TRUE(prebuiltRuntimeFits("host"));
  EXPECT_TRUE(prebuiltRuntimeFits("x86-64-linux"));
  EXPECT_TRUE(prebuiltRuntimeFits("x86-64-linux-avx2-fma-f16c-sse41"));
  EXPECT_TRUE(prebuiltRuntimeFits("x86-64-linux-avx512_skylake"));
  EXPECT_TRUE(prebuiltRuntimeFits("arm-64-linux-arm_dot_prod"));
  EXPECT_FALSE(prebuiltRuntimeFits("host-debug"));
  EXPECT_FALSE(prebuiltRuntimeFits("x86-64-linux-cuda"));
  EXPECT_FALSE(prebuiltRuntimeFits("x86-64-linux-asan"));
  EXPECT_FALSE(prebuiltRuntimeFits("not-a-target"));
}

} // namespace
