// The "host" target names only instruction sets this CPU has: Halide 14 takes a CPU with
// AVX512-VNNI and BF16 (AMD Zen 4) for a Sapphire Rapids, whose AVX-VNNI it lacks, and
// code using it died with SIGILL. Checked against CPUID directly.
#include "kconv/Codegen/HalideEmitter.h"

#include <cpuid.h>
#include <gtest/gtest.h>

#include <string>

using namespace kconv::codegen;

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
