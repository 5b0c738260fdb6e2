// Internal: timing in a forked child (a candidate that crashes, hangs or fails to
// compile is an error, never fatal), shared by the schedule and fusion tuners.
#ifndef KCONV_CODEGEN_MEASUREINCHILD_H
#define KCONV_CODEGEN_MEASUREINCHILD_H

#include "kconv/Codegen/Autotuner.h"

#include <algorithm>
#include <chrono>
#include <functional>

namespace kconv::codegen {

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
/// Two plans timed in turns: each one's best in ms, and the median over the rounds of
/// second / first within a round. Disturbances of this machine come in phases of
/// seconds that slow everything by up to 1.5x; a pair of timings taken a tenth of a
/// second apart shares the phase, so the median ratio sees through them.
struct InterleavedTimes {
  double firstMs = 0, secondMs = 0, ratio = 1;
};
InterleavedTimes timePlansInterleaved(const PipelinePlan &first, const PipelinePlan &second,
                                      const std::string &target, int rounds);

/// Runs `body` once, then repeatedly for about 60 ms (8 to 400 times): the lower
/// quartile of the times, in ms.
double quartileRunMs(const std::function<void()> &body);

/// A tuning budget in seconds. A candidate is started only when the longest one
/// so far would still finish inside it: checking only "time left > 0" overran a 20 s
/// budget by 2-6 s (one candidate compiles and runs for up to 3 s).
class TuningClock {
public:
  explicit TuningClock(double budgetSeconds) : budget_(budgetSeconds) {}
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  /// Room for one more candidate, keeping `reserved` candidates' time for later work.
  bool roomForAnother(int reserved = 0) const {
    return elapsed() + longest_ * (1 + reserved) <= budget_;
  }
  /// Times one candidate: call before it starts and after it ends.
  void candidateStarts() { candidateStart_ = elapsed(); }
  void candidateEnds() { longest_ = std::max(longest_, elapsed() - candidateStart_); }

private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double budget_, longest_ = 0, candidateStart_ = 0;
};

} // namespace kconv::codegen

#endif
