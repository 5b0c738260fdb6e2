// oneDNN baseline for one convolution: NHWC float32 in/out, weights and the
// primitive's own layouts chosen by oneDNN (format `any`), bias included.
// Usage: onednn_conv N H W C F K S D GROUPS PAD(same|valid) ITERATIONS THREADS
// Prints median_ms=<float> (execution only; reorders of weights are done once).
#include "conv_args.h"
#include "onednn_run.h"

#include <dnnl.hpp>

#include <cstdio>
#include <cstdlib>
#include <omp.h>

using namespace dnnl;

int main(int argc, char **argv) {
  ConvArgs args;
  if (!parseConvArgs(argc, argv, args))
    return 2;
  auto [n, h, w, c, f, k, s, d, g, iterations, threads, ho, wo, ph, pw] = args;
  omp_set_num_threads(threads);

  engine eng(engine::kind::cpu, 0);
  memory::dims src_dims = {n, c, h, w}, dst_dims = {n, f, ho, wo}, bias_dims = {f};
  memory::dims wei_dims = g > 1 ? memory::dims{g, f / g, c / g, k, k} : memory::dims{f, c, k, k};
  auto src_md = memory::desc(src_dims, memory::data_type::f32, memory::format_tag::nhwc);
  auto dst_md = memory::desc(dst_dims, memory::data_type::f32, memory::format_tag::nhwc);
  auto wei_any = memory::desc(wei_dims, memory::data_type::f32, memory::format_tag::any);
  auto bias_md = memory::desc(bias_dims, memory::data_type::f32, memory::format_tag::a);
  auto desc = convolution_forward::desc(
      prop_kind::forward_inference, algorithm::convolution_direct, src_md, wei_any, bias_md,
      dst_md, {s, s}, {d - 1, d - 1}, {ph / 2, pw / 2}, {ph - ph / 2, pw - pw / 2});
  auto pd = convolution_forward::primitive_desc(desc, eng);
  timeConvolution(eng, pd, src_md, bias_md, dst_md, iterations);
  return 0;
}
