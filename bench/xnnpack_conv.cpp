// XNNPACK baseline for one convolution: NHWC float32 in/out, bias included, the
// library's own packed weights (packed once, at operator creation).
// Usage: xnnpack_conv N H W C F K S D GROUPS PAD(same|valid) ITERATIONS THREADS
// Prints min_ms and median_ms=<float> (execution only).
#include "conv_args.h"
#include "timing.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  ConvArgs args;
  if (!parseConvArgs(argc, argv, args))
    return 2;
  auto [n, h, w, c, f, k, s, d, g, iterations, threads, ho, wo, ph, pw] = args;
  if (xnn_initialize(nullptr) != xnn_status_success) {
    std::fprintf(stderr, "xnnpack: initialization failed\n");
    return 1;
  }
  pthreadpool_t pool = threads > 1 ? pthreadpool_create(threads) : nullptr;
  std::vector<float> input(n * h * w * c, 0.5f), output(n * ho * wo * f);
  std::vector<float> kernel(f * k * k * (c / g), 0.01f), bias(f, 0.1f);
  xnn_operator_t op = nullptr;
  float inf = std::numeric_limits<float>::infinity();
  if (xnn_create_convolution2d_nhwc_f32(
          ph / 2, pw - pw / 2, ph - ph / 2, pw / 2, k, k, s, s, d, d, g, c / g, f / g, c, f,
          kernel.data(), bias.data(), -inf, inf, 0, &op) != xnn_status_success ||
      xnn_setup_convolution2d_nhwc_f32(op, n, h, w, input.data(), output.data(), pool) !=
          xnn_status_success) {
    std::fprintf(stderr, "xnnpack: cannot create the convolution\n");
    return 1;
  }
  printMedianMs([&] { xnn_run_operator(op, pool); }, iterations);
  xnn_delete_operator(op);
  if (pool)
    pthreadpool_destroy(pool);
  return 0;
}
