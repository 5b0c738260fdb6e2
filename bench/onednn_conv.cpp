// oneDNN baseline for one convolution: NHWC float32 in/out, weights and the
// primitive's own layouts chosen by oneDNN (format `any`), bias included.
// Usage: onednn_conv N H W C F K S D GROUPS PAD(same|valid) ITERATIONS THREADS
// Prints median_ms=<float> (execution only; reorders of weights are done once).
#include "conv_args.h"
#include "timing.h"

#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <omp.h>
#include <vector>

using namespace dnnl;

int main(int argc, char **argv) {
  ConvArgs args;
  if (!parseConvArgs(argc, argv, args))
    return 2;
  auto [n, h, w, c, f, k, s, d, g, iterations, threads, ho, wo, ph, pw] = args;
  omp_set_num_threads(threads);

  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
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
  memory src(src_md, eng), dst(dst_md, eng), bias(bias_md, eng), wei(pd.weights_desc(), eng);
  std::fill_n(static_cast<float *>(src.get_data_handle()), n * c * h * w, 0.5f);
  std::fill_n(static_cast<float *>(bias.get_data_handle()), f, 0.1f);
  std::fill_n(static_cast<float *>(wei.get_data_handle()), pd.weights_desc().get_size() / 4, 0.01f);
  convolution_forward conv(pd);
  auto run = [&] {
    conv.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias},
                        {DNNL_ARG_DST, dst}});
    strm.wait();
  };
  printMedianMs(run, iterations);
  return 0;
}
