// Shared by the oneDNN convolution baselines: fills the input with 0.5, the bias with 0.1
// and the weights (in the layout the primitive chose) with 0.01, then times the
// convolution with printMedianMs.
#ifndef KCONV_BENCH_ONEDNN_RUN_H
#define KCONV_BENCH_ONEDNN_RUN_H

#include "timing.h"

#include <dnnl.hpp>

#include <algorithm>

inline void timeConvolution(dnnl::engine &eng, const dnnl::convolution_forward::primitive_desc &pd,
                            const dnnl::memory::desc &src_md, const dnnl::memory::desc &bias_md,
                            const dnnl::memory::desc &dst_md, int iterations) {
  using namespace dnnl;
  stream strm(eng);
  memory src(src_md, eng), dst(dst_md, eng), bias(bias_md, eng), wei(pd.weights_desc(), eng);
  std::fill_n(static_cast<float *>(src.get_data_handle()), src_md.get_size() / 4, 0.5f);
  std::fill_n(static_cast<float *>(bias.get_data_handle()), bias_md.get_size() / 4, 0.1f);
  std::fill_n(static_cast<float *>(wei.get_data_handle()), pd.weights_desc().get_size() / 4,
              0.01f);
  convolution_forward conv(pd);
  auto run = [&] {
    conv.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias},
                        {DNNL_ARG_DST, dst}});
    strm.wait();
  };
  printMedianMs(run, iterations);
}

#endif
