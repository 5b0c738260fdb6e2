// The autotuner (codegen/lib/Autotune/): the schedules and fusion decisions of a plan,
// forced, from the tuning database, tuned now or the default (ScheduleChoice.cpp). The
// search for one Conv2D (Search.cpp) orders a space of candidate schedules by a cost
// model (CostModel.cpp) and measures each by JIT-compiling the layer alone and timing
// it in a forked child process (Measure.cpp), so that a candidate that fails to
// compile, crashes or hangs is discarded, never fatal.
#ifndef KCONV_CODEGEN_AUTOTUNE_H
#define KCONV_CODEGEN_AUTOTUNE_H

#include "kconv/Codegen/PipelinePlan.h"
#include "kconv/Support/Status.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kconv::codegen {

/// Part of every tuning-database key. Bump it whenever the schedule space, the
/// algorithm or the code generated for a schedule changes, so that measurements made
/// by an earlier kconv (which may no longer be the best, or no longer be in the
/// space) are tuned again instead of silently reused. Its history: docs/tuner.md.
inline constexpr int kTunerVersion = 7;

/// Every schedule worth trying for `layer` on a target with `vectorWidth` float
/// lanes: legal ones (kconv::scheduleError) whose split factors divide (or nearly fill)
/// the output and whose accumulators fit in registers. The heuristic default comes
/// first.
std::vector<Conv2DSchedule> scheduleSpace(const PipelinePlan &plan, const Conv2DLayer &layer,
                                          int vectorWidth);

/// Whether the tuner treats `b` as a neighbour of `a`: one tile dimension one step
/// apart, the lane count doubled or halved, one flag flipped, or the tile reshaped with
/// as many accumulators (2 vectors x 14 columns and 4 x 7).
bool adjacentSchedules(const Conv2DSchedule &a, const Conv2DSchedule &b);

struct TuneOptions {
  std::string target = "host";
  int threads = 1;           // threads the layer will run with
  double budgetSeconds = 10; // wall-clock budget for this layer (infinity: none)
  /// At most this many candidates (the default included; 0: no limit): a budget
  /// that does not depend on the machine's speed, for tests and reproducible runs.
  int maxCandidates = 0;
  uint64_t seed = 1;         // candidate order after the default
  double timeoutSeconds = 20; // one candidate (compile + run)
  /// The machine's FMA peak at `threads` threads in GFLOP/s (0: measured once per
  /// process); a timing faster than kNoisyPeakFactor times it is re-measured.
  double peakGflops = 0;
};

/// A candidate timed above this multiple of the machine's FMA peak was disturbed (a
/// timer hiccup, a run cut short): it is measured again, up to kNoisyRetries times.
inline constexpr double kNoisyPeakFactor = 1.25;
inline constexpr int kNoisyRetries = 2;

struct TuneProgress {
  int tried = 0;
  int planned = 0;   // candidates the budget allows (<= the space)
  bool estimated = false; // planned is an estimate from the wall-clock budget
  int space = 0;     // candidates in the whole schedule space
  int failed = 0;
  int remeasured = 0; // candidates timed above the peak and measured again
  int noisy = 0;      // of those, still above the peak after the retries
  int finalists = 0; // > 0 once the search is over and these are timed again
  double bestMs = 0, bestGflops = 0, elapsedSeconds = 0, peakGflops = 0;
};

struct TuneResult {
  Conv2DSchedule best;
  double bestMs = 0;
  double defaultMs = 0; // the heuristic default's time, for reports
  int tried = 0, failed = 0, remeasured = 0, noisy = 0;
};

/// A time for people: "12.3 µs" below a millisecond, "1.234 ms" from there.
std::string formatMs(double ms);

/// The tuner's progress line for `layer` (without the leading "\r"): a bar of the
/// budget spent, candidates measured / planned for the budget, the best time and its
/// GFLOP/s, seconds so far, re-measured noisy timings and the finals.
std::string progressLine(const std::string &layer, const TuneProgress &p, double budgetSeconds);

/// This machine's FMA peak for `target`'s vector instructions: one core's, measured
/// once per process (best of a few short runs), times `threads` (at most the cores).
double machinePeakGflops(const std::string &target, int threads);

/// Times `layer` (alone, on random input) under `schedule`: the median of repeated
/// runs in milliseconds. Fails for a schedule that does not compile or crashes.
Status measureSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const Conv2DSchedule &schedule, const TuneOptions &options, double &ms);

/// Measures candidates in order until the budget (seconds, candidates) is spent, then times the default and
/// the fastest few again in turns (finalists) and keeps the default unless one is
/// clearly faster; reports progress after each candidate and before the finals.
Status tuneLayer(const PipelinePlan &plan, const Conv2DLayer &layer, const TuneOptions &options,
                 const std::function<void(const TuneProgress &)> &progress, TuneResult &result);

/// Nodes that may be inlined into their consumer: element-wise layers whose result
/// has exactly one consumer and is not a model output.
std::vector<int> fusableNodes(const PipelinePlan &plan);

/// The default fusion decision: inline a fusable node when its consumer reads each
/// element once (another element-wise layer or a view), never into a convolution,
/// Dense or pooling, which would recompute it for every tap, nor into a merge that
/// broadcasts it (directly or through a view), which would recompute it per pixel.
std::set<int> defaultInlining(const PipelinePlan &plan);

/// A stable digest of the plan's layers and shapes (the fusion decisions' database key).
std::string planSignature(const PipelinePlan &plan);

/// Times the whole plan (random inputs, batch 1 where dynamic) in a forked child.
Status measurePlan(const PipelinePlan &plan, const TuneOptions &options, double &ms);

struct FusionResult {
  std::set<int> inlined;
  double defaultMs = 0, bestMs = 0;
  int tried = 0;
};

/// Greedy search over the fusion decisions: starting from the default, flips one
/// fusable node at a time and keeps a flip that makes the whole model faster, until the
/// budget (seconds, or maxCandidates variants with the default) is spent.
Status tuneFusion(const PipelinePlan &plan, const TuneOptions &options, FusionResult &result);

/// Nominal FLOPs of a layer (2 * multiply-adds), for GFLOP/s reports.
double layerFlops(const PipelinePlan &plan, const Conv2DLayer &layer);
/// The FLOPs whose taps read the input rather than its zero padding: the least work
/// any schedule does (kernel rows on the padding are always skipped, columns with
/// trim_columns), against which a timing is checked for noise (a 3x3 layer on a 4x4
/// image does 69% of its nominal FLOPs).
double layerUsefulFlops(const PipelinePlan &plan, const Conv2DLayer &layer);
/// The share of the direct form's multiplies that `schedule` does at least: 1, or
/// Winograd's (m+2)^2 / (9 m^2) per tile (a 1x3 kernel's (m+2) / 3m), for the noise
/// check of its timings (a Winograd layer runs above the peak in direct FLOPs).
double multiplyShare(const Conv2DSchedule &schedule, const Conv2DLayer &layer);

/// What a compile asks of the tuner for one plan's schedules and fusion decisions.
struct ScheduleRequest {
  std::string target = "host"; // Halide target as given (its resolved form keys entries)
  int threads = 1;             // threads the model will run with
  bool tune = false;           // a budget was given: tune what the database lacks
  double budgetSeconds = 0;    // per layer (0: no limit)
  double budgetTotalSeconds = 0; // the whole model (0: no limit)
  int maxCandidates = 0;       // per layer (0: no limit)
  uint64_t seed = 1;           // candidate order
  std::string dbPath;          // tuning database ("": none, or the default when tuning)
  std::vector<std::string> layerNames; // each plan.layers entry's (Keras) name
  std::vector<std::string> nodeNames;  // each plan.nodes entry's (Keras) name
  /// Forced by a schedule file, by layer name (checked against their layers).
  std::map<std::string, Conv2DSchedule> forced;
  std::map<std::string, bool> forcedInline; // element-wise layer name -> inline
  std::string scheduleFile;    // the file forcing them, for messages
};

/// Chooses every convolution's schedule (into plan.layers[i].schedule): forced, already
/// set, from the tuning database, tuned now, or the heuristic default; then which
/// element-wise nodes are inlined (plan.inlinedNodes) the same way. `print` receives
/// the report: "kconvc: ..." lines and the tuner's "\r" progress lines.
Status chooseSchedules(PipelinePlan &plan, const ScheduleRequest &request,
                       const std::function<void(const std::string &)> &print);

/// The tuning database key of a layer: its shape signature, target and threads.
std::string layerSignature(const PipelinePlan &plan, const Conv2DLayer &layer,
                           const std::string &target, int threads);

/// $XDG_CACHE_HOME/kconv/tuning.db, else ~/.cache/kconv/tuning.db.
std::string defaultTuningDbPath();

/// Why `schedule` does not suit `layer`, in the words of the conv2d op's verifier
/// (nullopt: it does).
std::optional<std::string> layerScheduleError(const PipelinePlan &plan, const Conv2DLayer &layer,
                                              const Conv2DSchedule &schedule);

} // namespace kconv::codegen

#endif
