// oneDNN baseline for one LSTM layer (forward inference, unidirectional, one layer, zero
// initial states): the sequence in oneDNN's `tnc` layout, weights in the layouts the
// primitive chooses (format `any`, reordered once, outside the timing), bias included.
// oneDNN's gate order (i, f, c~, o) is Keras's; the values are arbitrary (it only
// times), but the output is checked finite.
// Usage: onednn_lstm BATCH STEPS INPUT UNITS ITERATIONS THREADS
// Prints output_finite=0|1, min_ms and, last, median_ms (execution only).
#include "timing.h"

#include <dnnl.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <omp.h>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

/// Fills `m` (float32, any layout: every element gets the same treatment) with small
/// values of both signs.
void fill(memory &m) {
  auto *p = static_cast<float *>(m.get_data_handle());
  size_t count = m.get_desc().get_size() / sizeof(float);
  for (size_t i = 0; i < count; ++i)
    p[i] = 0.05f * static_cast<float>(static_cast<int>(i * 7919 % 41) - 20) / 20.0f;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s BATCH STEPS INPUT UNITS ITERATIONS THREADS\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]), t = atol(argv[2]), c = atol(argv[3]), u = atol(argv[4]);
  int iterations = atoi(argv[5]), threads = atoi(argv[6]);
  omp_set_num_threads(threads);

  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  const long layers = 1, directions = 1, gates = 4;
  auto src_md = memory::desc({t, n, c}, dt::f32, tag::tnc);
  auto dst_md = memory::desc({t, n, u}, dt::f32, tag::tnc);
  auto wl_any = memory::desc({layers, directions, c, gates, u}, dt::f32, tag::any);
  auto wi_any = memory::desc({layers, directions, u, gates, u}, dt::f32, tag::any);
  auto bias_md = memory::desc({layers, directions, gates, u}, dt::f32, tag::ldgo);
  memory::desc none; // zero initial states, no final states written
  auto desc = lstm_forward::desc(prop_kind::forward_inference,
                                 rnn_direction::unidirectional_left2right, src_md, none, none,
                                 wl_any, wi_any, bias_md, dst_md, none, none);
  auto pd = lstm_forward::primitive_desc(desc, eng);
  memory src(src_md, eng), dst(dst_md, eng), bias(bias_md, eng);
  // The weights are filled in the plain layout and reordered into the chosen one: from
  // batch 16 on this oneDNN picks its packed GEMM format, whose bytes hold more than the
  // values (filling them directly crashed it).
  memory wlPlain({{layers, directions, c, gates, u}, dt::f32, tag::ldigo}, eng);
  memory wiPlain({{layers, directions, u, gates, u}, dt::f32, tag::ldigo}, eng);
  memory wl(pd.weights_layer_desc(), eng), wi(pd.weights_iter_desc(), eng);
  fill(src), fill(bias), fill(wlPlain), fill(wiPlain);
  reorder(wlPlain, wl).execute(strm, wlPlain, wl);
  reorder(wiPlain, wi).execute(strm, wiPlain, wi);
  strm.wait();
  lstm_forward lstm(pd);
  auto run = [&] {
    lstm.execute(strm, {{DNNL_ARG_SRC_LAYER, src},
                        {DNNL_ARG_WEIGHTS_LAYER, wl},
                        {DNNL_ARG_WEIGHTS_ITER, wi},
                        {DNNL_ARG_BIAS, bias},
                        {DNNL_ARG_DST_LAYER, dst}});
    strm.wait();
  };
  run();
  const auto *y = static_cast<const float *>(dst.get_data_handle());
  bool finite = true;
  for (long i = 0; i < t * n * u; ++i)
    finite = finite && std::isfinite(y[i]);
  std::printf("output_finite=%d\n", finite ? 1 : 0);
  printMedianMs(run, iterations);
  return finite ? 0 : 1;
}
