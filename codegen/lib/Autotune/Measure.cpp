// Timing candidate schedules: JIT-compiled plans, run in a forked child so that a
// candidate that crashes, hangs or fails to compile is an error, never fatal.
#include "MeasureInChild.h"
#include "PipelineBuilder.h"
#include "kconv/kconv_runtime.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kconv::codegen {

using namespace Halide;

namespace {
/// The JIT's parallel loops on kconv_parallel_for, as in the compiled executables: a
/// schedule is timed with the loops it will run on.
struct JitTask {
  int (*task)(JITUserContext *, int, uint8_t *);
  JITUserContext *context;
};
int runJitTask(void *jitTask, int index, uint8_t *closure) {
  auto *t = static_cast<JitTask *>(jitTask);
  return t->task(t->context, index, closure);
}
int jitParallelFor(JITUserContext *context, int (*task)(JITUserContext *, int, uint8_t *),
                   int min, int size, uint8_t *closure) {
  JitTask t{task, context};
  return kconv_parallel_for(&t, runJitTask, min, size, closure);
}

/// A plan JIT-compiled, with random inputs (batch 1 where dynamic) and its outputs.
class JitPlan {
public:
  JitPlan(const PipelinePlan &plan, const std::string &targetText) {
    Target target = parseTarget(targetText).with_feature(Target::JIT);
    BuiltPipeline built = buildPipeline(plan, target);
    pipeline_ = Pipeline(built.outputs);
    pipeline_.jit_handlers().custom_do_par_for = jitParallelFor;
    // The runtime's extern stages, as the executables link them.
    pipeline_.set_jit_externs({{"kconv_recurrent", JITExtern(kconv_recurrent)}});
    pipeline_.compile_jit(target);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(-1, 1);
    for (size_t i = 0; i < plan.inputs.size(); ++i) {
      inputs_.push_back(buffer(plan.values.at(plan.inputs[i].value)));
      inputs_.back().for_each_value([&](float &v) { v = uniform(rng); });
      built.inputs[i].set(inputs_.back());
    }
    for (auto &[param, values] : built.weights.bindings)
      param.set(values);
    std::vector<Buffer<>> outputs;
    for (const BoundaryTensor &out : plan.outputs)
      outputs.push_back(buffer(plan.values.at(out.value)));
    realization_ = std::make_unique<Realization>(outputs);
  }
  double quartileMs() { return quartileRunMs([&] { pipeline_.realize(*realization_); }); }

private:
  static Buffer<float> buffer(const TensorInfo &v) {
    std::vector<int> extents(v.shape.rbegin(), v.shape.rend());
    extents.back() = (int)v.batch().value_or(1);
    return Buffer<float>(extents);
  }
  Pipeline pipeline_;
  std::vector<Buffer<float>> inputs_;
  std::unique_ptr<Realization> realization_;
};
} // namespace

double timePlanInProcess(const PipelinePlan &plan, const std::string &target) {
  return JitPlan(plan, target).quartileMs();
}

InterleavedTimes timePlansInterleaved(const std::vector<PipelinePlan> &plans,
                                      const std::string &target, int rounds) {
  std::vector<std::unique_ptr<JitPlan>> compiled;
  for (const PipelinePlan &plan : plans)
    compiled.push_back(std::make_unique<JitPlan>(plan, target));
  InterleavedTimes t;
  t.bestMs.assign(plans.size(), INFINITY);
  std::vector<std::vector<double>> ratios(plans.size());
  for (int round = 0; round < rounds; ++round) {
    std::vector<double> ms;
    for (size_t i = 0; i < compiled.size(); ++i) {
      ms.push_back(compiled[i]->quartileMs());
      t.bestMs[i] = std::min(t.bestMs[i], ms[i]);
      ratios[i].push_back(ms[i] / ms[0]);
    }
  }
  for (std::vector<double> &r : ratios) {
    std::nth_element(r.begin(), r.begin() + r.size() / 2, r.end());
    t.medianRatio.push_back(r[r.size() / 2]);
  }
  return t;
}

namespace {
int quartileRepeats(double firstMs) {
  return std::clamp(int(kTimingWindowMs / std::max(firstMs, 1e-3)), 8, 400);
}
} // namespace

double quartileRunSeconds(double ms) { return (1 + quartileRepeats(ms)) * ms / 1000; }

double quartileRunMs(const std::function<void()> &body) {
  auto run = [&] {
    auto start = std::chrono::steady_clock::now();
    body();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  double first = run();
  // About kTimingWindowMs of runs, and the lower quartile rather than the median: the
  // median varies between tuning runs with thread wake-ups and other load; the lower
  // quartile is less sensitive to outliers.
  int repeats = quartileRepeats(first);
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i)
    times.push_back(run());
  std::nth_element(times.begin(), times.begin() + times.size() / 4, times.end());
  return times[times.size() / 4];
}

void warmJitRuntime(const std::string &targetText) {
  static std::set<std::string> warmed;
  if (!warmed.insert(targetText).second)
    return;
  try {
    Func warm("warm_jit_runtime");
    Var x;
    warm(x) = x;
    warm.compile_jit(parseTarget(targetText).with_feature(Target::JIT));
  } catch (const Halide::Error &) {
  }
}

namespace {
/// Independent multiply-add chains, enough to cover the FMA units' latency x
/// throughput, `iterations` times; returns a sum so nothing is optimized away. The
/// flops per iteration are chains x lanes x 2. With 16 vector registers (AVX2, SSE)
/// 12 chains and the two constants stay in registers; 16 chains spilled and measured
/// 59 of an AMD EPYC's 100 GFLOP/s.
constexpr int kChains = 16, kChains16Registers = 12;
using PeakLoop = float (*)(long iterations);
#if defined(__x86_64__)
__attribute__((target("avx512f"))) float fmaLoop512(long iterations) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  alignas(64) float lanes[16];
  float sum = 0;
  for (int i = 0; i < kChains; ++i) {
    _mm512_store_ps(lanes, acc[i]);
    for (float v : lanes)
      sum += v;
  }
  return sum;
}
__attribute__((target("avx2,fma"))) float fmaLoop256(long iterations) {
  __m256 acc[kChains16Registers];
  for (int i = 0; i < kChains16Registers; ++i)
    acc[i] = _mm256_set1_ps(float(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains16Registers; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  alignas(32) float lanes[8];
  float sum = 0;
  for (int i = 0; i < kChains16Registers; ++i) {
    _mm256_store_ps(lanes, acc[i]);
    for (float v : lanes)
      sum += v;
  }
  return sum;
}
#endif
/// Without FMA: SSE multiplies and adds (x86-64 always has SSE); off x86, the same in
/// plain code for the compiler to vectorize.
float mulAddLoop128(long iterations) {
#if defined(__x86_64__)
  __m128 acc[kChains16Registers];
  for (int i = 0; i < kChains16Registers; ++i)
    acc[i] = _mm_set1_ps(float(i));
  const __m128 a = _mm_set1_ps(0.999999f), b = _mm_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains16Registers; ++i)
      acc[i] = _mm_add_ps(_mm_mul_ps(acc[i], a), b);
  alignas(16) float lanes[4];
  float sum = 0;
  for (int i = 0; i < kChains16Registers; ++i) {
    _mm_store_ps(lanes, acc[i]);
    for (float v : lanes)
      sum += v;
  }
  return sum;
#else
  float acc[kChains][4];
  for (int i = 0; i < kChains; ++i)
    for (float &v : acc[i])
      v = float(i);
  for (long it = 0; it < iterations; ++it)
    for (auto &chain : acc)
      for (float &v : chain)
        v = v * 0.999999f + 1e-7f;
  float sum = 0;
  for (auto &chain : acc)
    for (float v : chain)
      sum += v;
  return sum;
#endif
}

/// One core's peak in GFLOP/s with the widest multiply-adds both `target` and this CPU
/// have: the best of 5 runs of about 2-10 ms each.
double measureCorePeak(const std::string &targetText) {
  Target target = parseTarget(targetText);
  PeakLoop loop = mulAddLoop128;
  int lanes = 4, chains = kChains;
#if defined(__x86_64__)
  chains = kChains16Registers;
  if (target.has_feature(Target::AVX512) && __builtin_cpu_supports("avx512f"))
    loop = fmaLoop512, lanes = 16, chains = kChains;
  else if (target.has_feature(Target::AVX2) && target.has_feature(Target::FMA) &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    loop = fmaLoop256, lanes = 8;
#endif
  const long iterations = 1 << 18;
  double best = 0;
  volatile float sink = 0;
  for (int trial = 0; trial < 5; ++trial) {
    auto start = std::chrono::steady_clock::now();
    sink = sink + loop(iterations);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, double(iterations) * chains * lanes * 2 / seconds / 1e9);
  }
  return best;
}
} // namespace

double machinePeakGflops(const std::string &target, int threads) {
  static std::mutex lock;
  static std::map<std::string, double> measured;
  double core;
  {
    std::lock_guard<std::mutex> guard(lock);
    auto found = measured.find(target);
    core = found != measured.end() ? found->second : (measured[target] = measureCorePeak(target));
  }
  int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return core * std::clamp(threads, 1, cores);
}

Status measureInChild(const TuneOptions &options,
                      const std::function<std::vector<double>()> &time, size_t count,
                      std::vector<double> &ms) {
  warmJitRuntime(options.target);
  int fds[2];
  if (pipe(fds) != 0)
    return Status::error("cannot create a pipe for measuring");
  pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::error("cannot fork for measuring");
  }
  if (child == 0) {
    close(fds[0]);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
      std::signal(sig, SIG_DFL);
    alarm(unsigned(std::ceil(options.timeoutSeconds)));
    kconv_set_num_threads(options.threads);
    std::vector<double> result(count, -1.0);
    try {
      std::vector<double> measured = time();
      if (measured.size() == count)
        result = measured;
    } catch (...) {
    }
    size_t bytes = count * sizeof(double);
    ssize_t written = write(fds[1], result.data(), bytes);
    close(fds[1]);
    _exit(written == ssize_t(bytes) ? 0 : 1);
  }
  close(fds[1]);
  std::vector<double> result(count, -1.0);
  size_t bytes = count * sizeof(double), got = 0;
  while (got < bytes) { // the child writes once; a pipe may still deliver it in parts
    ssize_t n = read(fds[0], reinterpret_cast<char *>(result.data()) + got, bytes - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += size_t(n);
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
  }
  bool valid = got == bytes && WIFEXITED(wstatus);
  for (double v : result)
    valid &= v > 0;
  if (!valid)
    return Status::error("the measurement failed");
  ms = result;
  return Status::ok();
}

Status measureInChild(const TuneOptions &options, const std::function<double()> &time,
                      double &ms) {
  std::vector<double> one;
  if (Status status = measureInChild(
          options, [&] { return std::vector<double>{time()}; }, 1, one);
      !status)
    return status;
  ms = one[0];
  return Status::ok();
}

} // namespace kconv::codegen
