// Internal: the schedule of one Conv2D (Conv2DSchedule.cpp): the heuristic default and
// its application to the algorithm's Funcs (Layers/Conv2D.h).
#ifndef KCONV_CODEGEN_CONV2DSCHEDULE_H
#define KCONV_CODEGEN_CONV2DSCHEDULE_H

#include "Layers/Conv2D.h"
#include "kconv/Support/ParallelTasks.h"

namespace kconv::codegen {

/// The parallel tasks of `schedule` for `threads` threads: bands of its row tiles and,
/// where rows are few, of its column tiles (kconv::parallelSplit on the layer's
/// multiply-adds per image); one task when it is not parallel.
ParallelSplit convTasks(const Conv2DLayer &layer, const Conv2DSchedule &schedule,
                        const ImageInfo &out, int threads);

/// Schedules the Funcs of one layer; `store` is the Func that writes its result
/// (the layer's `result` itself, or the pipeline output that inlines it), split into
/// `tasks` (convTasks).
void scheduleConv2D(Conv2DFuncs &funcs, Halide::Func store, const Conv2DSchedule &schedule,
                    const ImageInfo &out, const ParallelSplit &tasks);

/// Schedules a convolution in Winograd's form (funcs.winograd > 0) after `schedule`:
/// bands of tile rows as `tasks` (convTasks) say (Conv2DWinogradSchedule.cpp).
void scheduleWinogradConv(Conv2DFuncs &funcs, Halide::Func store, const Conv2DSchedule &schedule,
                          const ParallelSplit &tasks);

/// The output rows of one parallel band of a schedule (channel vectors, bands of
/// rows) at `threads` threads, 0 for schedules of another form.
int bandRows(const Conv2DLayer &layer, const Conv2DSchedule &schedule, const ImageInfo &out,
             int threads);

/// Whether the default skips the kernel columns on padding, for tiles vectorized so.
bool worthTrimmingColumns(const Conv2DLayer &layer, const ImageInfo &in, const ImageInfo &out,
                          Conv2DSchedule::Vectorize vectorize);

/// Vector registers of a target with `floatLanes` float lanes: AVX2 (8) has 16 ymm
/// registers, AVX-512 (16) and NEON (4) 32.
int vectorRegisters(int floatLanes);

/// Accumulator registers a tile may use: the target's vector registers but those the
/// weights and inputs need. Past 28 accumulators on AVX-512, spills ruin the speed
/// (docs/schedules.md); AVX2 with AVX-512's 28 spilled: ResNet50 ran 1.7x slower.
int accumulatorBudget(int floatLanes);

/// The largest power of two at most `limit` and `cap` (at least 1).
int largestPowerOfTwoAtMost(int64_t limit, int cap);

/// Whether the default computes the layer by Winograd's F(m x m, 3 x 3) (m = 2 or 4) on
/// a target with `vectorWidth` float lanes.
bool worthWinograd(const Conv2DLayer &layer, const ImageInfo &out, int vectorWidth, int m);

/// Whether the default unrolls the kernel taps: reductions over the taps alone.
bool worthUnrollingTaps(const Conv2DLayer &layer);

/// The heuristic default for one layer on a target with `vectorWidth` float lanes, with
/// Winograd tiles of at most `maxWinograd` outputs (PipelinePlan::winograd; 0: the
/// direct form's default even where Winograd's would be chosen).
Conv2DSchedule heuristicSchedule(const Conv2DLayer &layer, const ImageInfo &in,
                                 const ImageInfo &out, int vectorWidth, int maxWinograd = 2);

} // namespace kconv::codegen

#endif
