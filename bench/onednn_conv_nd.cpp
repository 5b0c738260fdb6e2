// oneDNN baseline for one 1-D or 3-D convolution, as onednn_conv.cpp does the 2-D ones:
// channels-last float32 in/out (nwc, ndhwc), weights in the layout oneDNN chooses
// (format `any`), bias included, stride and dilation 1.
// Usage: onednn_conv_nd N SPATIAL C F K PAD(same|valid) ITERATIONS THREADS
//   SPATIAL: the spatial sizes joined by x (4096 for 1-D, 16x56x56 for 3-D).
// Prints min_ms and, last, median_ms (execution only; reorders of weights are done once).
#include "onednn_run.h"

#include <dnnl.hpp>

#include <cstdio>
#include <cstdlib>
#include <omp.h>
#include <sstream>
#include <string>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

int main(int argc, char **argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s N SPATIAL C F K PAD ITERATIONS THREADS\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]), c = atol(argv[3]), f = atol(argv[4]), k = atol(argv[5]);
  bool same = std::string(argv[6]) == "same";
  int iterations = atoi(argv[7]), threads = atoi(argv[8]);
  memory::dims spatial;
  std::stringstream sizes(argv[2]);
  for (std::string size; std::getline(sizes, size, 'x');)
    spatial.push_back(atol(size.c_str()));
  if (spatial.size() != 1 && spatial.size() != 3) {
    std::fprintf(stderr, "%s: SPATIAL must have 1 or 3 sizes, got %s\n", argv[0], argv[2]);
    return 2;
  }
  omp_set_num_threads(threads);

  // TensorFlow's 'same' with stride 1: k - 1 in all, the odd unit after.
  long before = same ? (k - 1) / 2 : 0, after = same ? k - 1 - before : 0;
  memory::dims src_dims = {n, c}, dst_dims = {n, f}, wei_dims = {f, c};
  memory::dims strides, dilation, pad_l, pad_r;
  for (long s : spatial) {
    long o = same ? s : s - k + 1;
    src_dims.push_back(s), dst_dims.push_back(o), wei_dims.push_back(k);
    strides.push_back(1), dilation.push_back(0), pad_l.push_back(before),
        pad_r.push_back(after);
  }
  tag layout = spatial.size() == 1 ? tag::nwc : tag::ndhwc;
  auto src_md = memory::desc(src_dims, dt::f32, layout);
  auto dst_md = memory::desc(dst_dims, dt::f32, layout);
  auto wei_any = memory::desc(wei_dims, dt::f32, tag::any);
  auto bias_md = memory::desc({f}, dt::f32, tag::a);
  auto desc = convolution_forward::desc(prop_kind::forward_inference,
                                        algorithm::convolution_direct, src_md, wei_any, bias_md,
                                        dst_md, strides, dilation, pad_l, pad_r);
  engine eng(engine::kind::cpu, 0);
  auto pd = convolution_forward::primitive_desc(desc, eng);
  timeConvolution(eng, pd, src_md, bias_md, dst_md, iterations);
  return 0;
}
