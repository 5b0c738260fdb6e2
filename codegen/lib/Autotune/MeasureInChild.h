// Internal: timing in a forked child (a candidate that crashes, hangs or fails to
// compile is an error, never fatal), shared by the schedule and fusion tuners.
#ifndef KCONV_CODEGEN_MEASUREINCHILD_H
#define KCONV_CODEGEN_MEASUREINCHILD_H

#include "kconv/Codegen/Autotune.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace kconv::codegen {

/// A process's first JIT compile also builds Halide's shared JIT runtime and sets up
/// LLVM, most of a tuning candidate's time if every forked child paid it. Done once in
/// the parent before
/// the first fork (measureInChild calls it), every child inherits it; tuners call it
/// before starting their clock. A failure only leaves the children to pay it.
void warmJitRuntime(const std::string &target);

/// Runs `time` (returning milliseconds, or <= 0 on failure) in a child process with
/// the options' thread count and timeout.
Status measureInChild(const TuneOptions &options, const std::function<double()> &time,
                      double &ms);
/// The same for `count` timings at once.
Status measureInChild(const TuneOptions &options,
                      const std::function<std::vector<double>()> &time, size_t count,
                      std::vector<double> &ms);

/// JIT-compiles `plan` and times it on random inputs (batch 1 where dynamic), in
/// this process: the lower quartile of its run times, in ms.
double timePlanInProcess(const PipelinePlan &plan, const std::string &target);
/// Plans timed in turns, round after round: each one's best in ms, and the median over
/// the rounds of its time / the first plan's time within a round. Disturbances of this
/// machine come in phases of seconds that slow everything by up to 1.5x; timings taken
/// a tenth of a second apart share the phase, so the median ratio sees through them.
struct InterleavedTimes {
  std::vector<double> bestMs, medianRatio;
};
InterleavedTimes timePlansInterleaved(const std::vector<PipelinePlan> &plans,
                                      const std::string &target, int rounds);

/// Runs `body` once, then repeatedly for about kTimingWindowMs (8 to 400 times): the
/// lower quartile of the times, in ms.
inline constexpr double kTimingWindowMs = 60;
double quartileRunMs(const std::function<void()> &body);
/// How long quartileRunMs takes, in seconds, for a body that runs in `ms`.
double quartileRunSeconds(double ms);

/// A tuning budget in seconds. A candidate is started only when the longest one
/// so far would still finish inside it, not merely while time is left (a candidate
/// compiles and runs for seconds). An infinite budget
/// never runs out. Its time comes from `now` (seconds; the steady clock unless a test
/// injects one).
class TuningClock {
public:
  using Now = std::function<double()>;
  explicit TuningClock(double budgetSeconds, Now now = steadySeconds)
      : now_(std::move(now)), budget_(budgetSeconds), start_(now_()) {}
  double elapsed() const { return now_() - start_; }
  /// Room for one more candidate, keeping `reservedSeconds` for later work.
  bool roomForAnother(double reservedSeconds = 0) const {
    return elapsed() + longest_ + reservedSeconds <= budget_;
  }
  /// The mean time of the candidates so far, in seconds.
  double meanCandidate() const { return candidates_ ? total_ / candidates_ : 0; }
  /// Times one candidate: call before it starts and after it ends.
  void candidateStarts() { candidateStart_ = elapsed(); }
  void candidateEnds() {
    double seconds = elapsed() - candidateStart_;
    longest_ = std::max(longest_, seconds);
    total_ += seconds, ++candidates_;
  }
  static double steadySeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

private:
  Now now_;
  double budget_, start_, longest_ = 0, candidateStart_ = 0, total_ = 0;
  int candidates_ = 0;
};

} // namespace kconv::codegen

#endif
