// A single Conv2D layer as a plan, for the tuner's unit tests.
#ifndef KCONV_TEST_UNIT_CONVPLAN_H
#define KCONV_TEST_UNIT_CONVPLAN_H

#include "kconv/Codegen/PipelinePlan.h"

#include <algorithm>

namespace kconv::codegen {

struct Shape {
  int64_t h, w, c, filters, k, stride, groups;
  bool same;
};

inline PipelinePlan planFor(const Shape &s, Conv2DLayer &layer) {
  int64_t oh = s.same ? (s.h + s.stride - 1) / s.stride : (s.h - s.k) / s.stride + 1;
  int64_t ow = s.same ? (s.w + s.stride - 1) / s.stride : (s.w - s.k) / s.stride + 1;
  PipelinePlan plan;
  plan.values = {TensorInfo{{1, s.h, s.w, s.c}}, TensorInfo{{1, oh, ow, s.filters}}};
  layer.name = "conv";
  layer.input = 0, layer.output = 1;
  layer.kernel = {s.k, s.k};
  layer.strides = {s.stride, s.stride};
  layer.groups = s.groups;
  layer.filters = s.filters;
  int64_t pad = s.same ? std::max<int64_t>((oh - 1) * s.stride + s.k - s.h, 0) : 0;
  layer.padding = {pad / 2, pad - pad / 2, pad / 2, pad - pad / 2};
  layer.kernelValues.assign(size_t(s.k * s.k * (s.c / s.groups) * s.filters), 0.5f);
  return plan;
}

} // namespace kconv::codegen

#endif
