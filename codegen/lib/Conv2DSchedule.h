// Internal: the schedule of one Conv2D (Conv2DSchedule.cpp): the heuristic default and
// its application to the algorithm's Funcs (Layers/Conv2D.h).
#ifndef KCONV_CODEGEN_CONV2DSCHEDULE_H
#define KCONV_CODEGEN_CONV2DSCHEDULE_H

#include "Layers/Conv2D.h"

namespace kconv::codegen {

/// Schedules the Funcs of one layer; `store` is the Func that writes its result
/// (the layer's `result` itself, or the pipeline output that inlines it).
void scheduleConv2D(Conv2DFuncs &funcs, Halide::Func store, const Conv2DSchedule &schedule,
                    const ImageInfo &out);

/// The output rows of one parallel band of a schedule (channel vectors, bands of
/// rows), 0 for schedules of another form.
int bandRows(const Conv2DSchedule &schedule, const ImageInfo &out);

/// Whether the default skips the kernel columns on padding, for tiles vectorized so.
bool worthTrimmingColumns(const Conv2DLayer &layer, const ImageInfo &in, const ImageInfo &out,
                          Conv2DSchedule::Vectorize vectorize);

/// The largest power of two at most `limit` and `cap` (at least 1).
int largestPowerOfTwoAtMost(int64_t limit, int cap);

/// Whether the default unrolls the kernel taps: reductions over the taps alone.
bool worthUnrollingTaps(const Conv2DLayer &layer);

/// The heuristic default for one layer on a target with `vectorWidth` float lanes.
Conv2DSchedule heuristicSchedule(const Conv2DLayer &layer, const ImageInfo &in,
                                 const ImageInfo &out, int vectorWidth);

} // namespace kconv::codegen

#endif
