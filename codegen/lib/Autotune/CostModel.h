// The tuner's cost model: what it knows about a candidate before measuring it. It
// orders the search space (candidateScore) and prunes tiles that would spill their
// accumulators (spillsRegisters); legality is kconv::scheduleError's alone.
#ifndef KCONV_CODEGEN_AUTOTUNE_COSTMODEL_H
#define KCONV_CODEGEN_AUTOTUNE_COSTMODEL_H

#include "kconv/Codegen/PipelinePlan.h"

#include <cstdint>

namespace kconv::codegen {

/// Whether a tile's accumulators, its `vectors` weight (or input) vectors and one
/// broadcast exceed the vector registers of a target with `floatLanes` float lanes
/// (vectorRegisters): legal, but an accumulator would live on the stack in the inner
/// loop, so the search does not list such tiles.
bool spillsRegisters(int64_t accumulators, int vectors, int floatLanes);

/// A rough score (higher: try sooner) that orders the candidates before any is
/// measured: register tiles near the target's accumulator budget (28 with 32 registers;
/// about 8 with unrolled taps, whose weights share the registers), vectors as wide as the
/// vectorized dimension allows, lanes along the width only for a single input channel
/// (otherwise each vector is a gather), little recomputed work, parallel loops when there
/// are threads, staged input for dense reductions.
double candidateScore(const Conv2DSchedule &s, const Conv2DLayer &layer, const ImageInfo &out,
                      int naturalWidth, int threads);

} // namespace kconv::codegen

#endif
