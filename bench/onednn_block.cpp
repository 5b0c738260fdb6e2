// oneDNN baseline for a whole block, as a framework would run it for inference:
// BatchNormalization folded into the convolutions, activations and the residual
// Add as post-ops; activations NHWC float32, weights in oneDNN's chosen layout.
//   onednn_block resnet H W C ITERATIONS THREADS     (conv3x3-relu, conv3x3 + x, relu)
//   onednn_block mobilenet H W C F ITERATIONS THREADS (dw3x3 s2 - relu6, 1x1 - relu6)
// Prints median_ms=<float>.
#include "timing.h"

#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <omp.h>
#include <string>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Conv {
  convolution_forward primitive;
  memory weights, bias;
};

/// A convolution NHWC -> NHWC with `ops` as post-ops (weights 0.01, bias 0.1).
Conv makeConv(engine &eng, memory::dims src, memory::dims dst, memory::dims weights, long k,
              long stride, long pad_before, long pad_after, post_ops ops) {
  auto src_md = memory::desc(src, dt::f32, tag::nhwc);
  auto dst_md = memory::desc(dst, dt::f32, tag::nhwc);
  auto wei_md = memory::desc(weights, dt::f32, tag::any);
  auto bias_md = memory::desc({dst[1]}, dt::f32, tag::a);
  auto desc = convolution_forward::desc(prop_kind::forward_inference,
                                        algorithm::convolution_direct, src_md, wei_md, bias_md,
                                        dst_md, {stride, stride}, {pad_before, pad_before},
                                        {pad_after, pad_after});
  primitive_attr attr;
  attr.set_post_ops(ops);
  auto pd = convolution_forward::primitive_desc(desc, attr, eng);
  memory w(pd.weights_desc(), eng), b(bias_md, eng);
  std::fill_n(static_cast<float *>(w.get_data_handle()), pd.weights_desc().get_size() / 4, 0.01f);
  std::fill_n(static_cast<float *>(b.get_data_handle()), dst[1], 0.1f);
  (void)k;
  return {convolution_forward(pd), w, b};
}

int main(int argc, char **argv) {
  std::string kind = argc > 1 ? argv[1] : "";
  bool resnet = kind == "resnet";
  if ((resnet && argc != 7) || (!resnet && (kind != "mobilenet" || argc != 8))) {
    std::fprintf(stderr, "usage: %s resnet H W C ITERATIONS THREADS\n"
                         "       %s mobilenet H W C F ITERATIONS THREADS\n", argv[0], argv[0]);
    return 2;
  }
  long h = atol(argv[2]), w = atol(argv[3]), c = atol(argv[4]);
  long f = resnet ? c : atol(argv[5]);
  int iterations = atoi(argv[resnet ? 5 : 6]);
  omp_set_num_threads(atoi(argv[resnet ? 6 : 7]));
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  auto nhwc = [&](memory::dims d) { return memory(memory::desc(d, dt::f32, tag::nhwc), eng); };
  std::vector<std::function<void()>> steps;
  std::vector<Conv> convs;
  memory x = nhwc({1, c, h, w});
  std::fill_n(static_cast<float *>(x.get_data_handle()), c * h * w, 0.5f);
  memory t, y;
  if (resnet) {
    t = nhwc({1, c, h, w});
    y = nhwc({1, c, h, w});
    post_ops relu;
    relu.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    post_ops addRelu;
    addRelu.append_binary(algorithm::binary_add, x.get_desc());
    addRelu.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    convs.push_back(makeConv(eng, {1, c, h, w}, {1, c, h, w}, {c, c, 3, 3}, 3, 1, 1, 1, relu));
    convs.push_back(makeConv(eng, {1, c, h, w}, {1, c, h, w}, {c, c, 3, 3}, 3, 1, 1, 1, addRelu));
    steps.push_back([&] {
      convs[0].primitive.execute(strm, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, convs[0].weights},
                                        {DNNL_ARG_BIAS, convs[0].bias}, {DNNL_ARG_DST, t}});
      convs[1].primitive.execute(
          strm, {{DNNL_ARG_SRC, t}, {DNNL_ARG_WEIGHTS, convs[1].weights},
                 {DNNL_ARG_BIAS, convs[1].bias}, {DNNL_ARG_DST, y},
                 {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, x}});
    });
  } else {
    long ho = (h + 1) / 2, wo = (w + 1) / 2;
    long pad_total = std::max(0L, (ho - 1) * 2 + 3 - h);
    t = nhwc({1, c, ho, wo});
    y = nhwc({1, f, ho, wo});
    post_ops relu6;
    relu6.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f);
    convs.push_back(makeConv(eng, {1, c, h, w}, {1, c, ho, wo}, {c, 1, 1, 3, 3}, 3, 2,
                             pad_total / 2, pad_total - pad_total / 2, relu6));
    convs.push_back(makeConv(eng, {1, c, ho, wo}, {1, f, ho, wo}, {f, c, 1, 1}, 1, 1, 0, 0, relu6));
    steps.push_back([&] {
      for (int i = 0; i < 2; ++i)
        convs[i].primitive.execute(strm, {{DNNL_ARG_SRC, i == 0 ? x : t},
                                          {DNNL_ARG_WEIGHTS, convs[i].weights},
                                          {DNNL_ARG_BIAS, convs[i].bias},
                                          {DNNL_ARG_DST, i == 0 ? t : y}});
    });
  }
  auto run = [&] {
    steps[0]();
    strm.wait();
  };
  printMedianMs(run, iterations);
  return 0;
}
