#include "kconv/Codegen/Autotune.h"

#include "Conv2DSchedule.h"
#include "CostModel.h"
#include "MeasureInChild.h"
#include "PipelineBuilder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>

namespace kconv::codegen {

using namespace Halide;

std::string formatMs(double ms) {
  char text[32];
  if (ms < 1)
    std::snprintf(text, sizeof text, "%.1f \u00b5s", ms * 1000);
  else
    std::snprintf(text, sizeof text, "%.3f ms", ms);
  return text;
}

std::string progressLine(const std::string &layer, const TuneProgress &p, double budgetSeconds) {
  // The bar: the larger share spent, of the candidates planned or of the time.
  const int width = 24;
  double spent = double(p.tried) / std::max(p.planned, 1);
  if (std::isfinite(budgetSeconds))
    spent = std::max(spent, p.elapsedSeconds / std::max(budgetSeconds, 1e-9));
  int filled = int(std::clamp(spent, 0.0, 1.0) * width);
  char numbers[160];
  std::snprintf(numbers, sizeof numbers, "] %d/%s%d candidates, best %s (%.1f GFLOP/s), %.1f s",
                p.tried, p.estimated ? "~" : "", p.planned, formatMs(p.bestMs).c_str(),
                p.bestGflops, p.elapsedSeconds);
  std::string line = "kconvc: tuning " + layer + " [" + std::string(filled, '#') +
                     std::string(width - filled, ' ') + numbers;
  if (p.remeasured > 0) {
    char noisy[128];
    std::snprintf(noisy, sizeof noisy, ", %d re-measured above %.3gx the %.0f GFLOP/s peak",
                  p.remeasured, kNoisyPeakFactor, p.peakGflops);
    line += noisy;
    if (p.noisy > 0)
      line += " (" + std::to_string(p.noisy) + " still noisy)";
  }
  if (p.finalists > 0)
    line += ", timing " + std::to_string(p.finalists) + " finalists in turns";
  return line;
}

namespace {
/// `s` with staging and loop order both ways, column trimming as each of `trims` and
/// tap unrolling as each of `unrolls`, where they apply (staging and trimming need
/// padding; channel blocks outermost and trimming need channel vectors; trimming needs
/// a reduction over input channels: depthwise code is the same with or without it;
/// unrolling taps needs a reduction over the taps alone).
std::vector<Conv2DSchedule> loopVariants(const Conv2DSchedule &s, const Conv2DLayer &layer,
                                         std::initializer_list<bool> trims,
                                         std::initializer_list<bool> unrolls) {
  bool padded = hasPadding(layer.padding);
  bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
  bool tapsOnly = inputChannelsPerGroup(layer) == 1;
  bool trimmable = channels && padded && !tapsOnly;
  std::vector<Conv2DSchedule> variants;
  for (bool stage : {false, true})
    for (bool outer : {false, true})
      for (bool trim : trims)
        for (bool unroll : unrolls) {
          if ((stage && !padded) || (outer && !channels) || (trim && !trimmable) ||
              (unroll && !tapsOnly))
            continue;
          Conv2DSchedule t = s;
          t.stageInput = stage, t.channelsOuter = outer, t.trimColumns = trim;
          t.unrollTaps = unroll;
          variants.push_back(t);
        }
  return variants;
}

/// The default with its staging, loop order, column trimming or tap unrolling changed:
/// choices the cost model cannot judge, always measured right after the default.
std::vector<Conv2DSchedule> defaultFlips(const Conv2DSchedule &d, const Conv2DLayer &layer) {
  std::vector<Conv2DSchedule> flips = loopVariants(d, layer, {false, true}, {false, true});
  flips.erase(std::remove(flips.begin(), flips.end(), d), flips.end());
  return flips;
}
} // namespace

std::vector<Conv2DSchedule> scheduleSpace(const PipelinePlan &plan, const Conv2DLayer &layer,
                                          int vectorWidth) {
  const ImageInfo in = plan.imageIn(layer), out = plan.imageOut(layer);
  std::vector<Conv2DSchedule> space;
  space.push_back(heuristicSchedule(layer, in, out, vectorWidth, plan.winograd));
  if (isAxisActivation(layer.activation))
    return space; // softmax layers have one fixed schedule
  std::set<std::string> known{space[0].str()};
  const ConvShape shape = convShape(plan, layer);
  auto insert = [&](const Conv2DSchedule &s) {
    if (!scheduleError(s, shape) && known.insert(s.str()).second)
      space.push_back(s);
  };
  // A Winograd default has no flips of its own: the direct default's are measured next.
  Conv2DSchedule direct =
      space[0].winograd ? heuristicSchedule(layer, in, out, vectorWidth, 0) : space[0];
  insert(direct);
  for (const Conv2DSchedule &flip : defaultFlips(direct, layer))
    insert(flip);
  // Other tiles: staging and loop order both ways; columns trimmed and taps unrolled as
  // the default would.
  bool trimChannelTiles =
      worthTrimmingColumns(layer, in, out, Conv2DSchedule::Vectorize::Channels);
  bool unrollChannelTiles = worthUnrollingTaps(layer);
  auto add = [&](const Conv2DSchedule &s) {
    bool channels = s.vectorize == Conv2DSchedule::Vectorize::Channels;
    bool trim = channels && trimChannelTiles, unroll = channels && unrollChannelTiles;
    for (const Conv2DSchedule &variant : loopVariants(s, layer, {trim}, {unroll}))
      insert(variant);
  };
  for (int vw = vectorWidth; vw >= 4; vw /= 2) {
    for (int vectors = 1; vectors <= 6; ++vectors) {
      // Channels: the tile is vectors x vw channels, tileX columns, tileY rows.
      if (vw * vectors <= out.channels)
        for (int tx = 1; tx <= 16 && tx <= out.width; ++tx)
          for (int ty = 1; ty <= 4 && ty <= out.height; ++ty) {
            int accumulators = vectors * tx * ty;
            bool divides = out.width % tx == 0 || tx >= 4;
            if (accumulators < 4 || spillsRegisters(accumulators, vectors, vectorWidth) || !divides)
              continue;
            for (bool parallel : {true, false}) {
              Conv2DSchedule s;
              s.vectorize = Conv2DSchedule::Vectorize::Channels;
              s.vectorWidth = vw, s.vectors = vectors, s.tileX = tx, s.tileY = ty;
              s.parallel = parallel;
              add(s);
            }
          }
      // Width: lanes along x, every filter of the tile kept in registers.
      if (vw * vectors <= out.width && out.channels <= 32)
        for (int ty = 1; ty <= 4 && ty <= out.height; ++ty) {
          int64_t accumulators = int64_t(vectors) * ty * out.channels;
          if (spillsRegisters(accumulators, vectors, vectorWidth))
            continue;
          for (bool parallel : {true, false}) {
            Conv2DSchedule s;
            s.vectorize = Conv2DSchedule::Vectorize::Width;
            s.vectorWidth = vw, s.vectors = vectors, s.tileX = 1, s.tileY = ty;
            s.parallel = parallel;
            add(s);
          }
        }
    }
  }
  // Winograd's F(2x2, 3x3) and, with --winograd=4, F(4x4, 3x3) where legal: register
  // tiles of channel vectors x Winograd tiles.
  for (int m = 2; m <= plan.winograd; m += 2)
    for (int vectors = 1; vectors <= 4; ++vectors)
      for (int tx = 1; tx <= 16; ++tx) {
        if (vectors * tx < 4 || spillsRegisters(vectors * tx, vectors, vectorWidth))
          continue;
        Conv2DSchedule s;
        s.vectorWidth = vectorWidth, s.vectors = vectors, s.tileX = tx, s.winograd = m;
        insert(s);
      }
  return space;
}

namespace {

/// The layer alone as a plan: its input as the pipeline input, its output as the
/// pipeline output, with `schedule` forced.
PipelinePlan singleLayerPlan(const PipelinePlan &plan, const Conv2DLayer &layer,
                             const Conv2DSchedule &schedule, int threads) {
  PipelinePlan single;
  single.name = "tune";
  single.threads = threads; // split for the threads it is tuned for
  single.winograd = plan.winograd;
  single.weightsAsParams = true;
  auto keras = [&](const ImageInfo &v) {
    int64_t n = v.batch.value_or(1);
    return TensorInfo{{n, v.height, v.width, v.channels}};
  };
  single.values = {keras(plan.imageIn(layer)), keras(plan.imageOut(layer))};
  single.inputs = {{"input", 0}};
  single.outputs = {{"output", 1}};
  Conv2DLayer copy = layer;
  copy.input = 0, copy.output = 1;
  copy.residual = -1; // timed without the residual read (one more load per output)
  copy.schedule = schedule;
  single.convs = {copy};
  single.nodes = {ConvStep{0}};
  return single;
}

} // namespace

Status measureSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                       const Conv2DSchedule &schedule, const TuneOptions &options, double &ms) {
  PipelinePlan single = singleLayerPlan(plan, layer, schedule, options.threads);
  if (Status status = measureInChild(
          options, [&] { return timePlanInProcess(single, options.target); }, ms);
      !status)
    return Status::error("candidate " + schedule.str() + " failed");
  return Status::ok();
}

bool adjacentSchedules(const Conv2DSchedule &a, const Conv2DSchedule &b) {
  if (a.vectorize != b.vectorize)
    return false;
  int flips = (a.parallel != b.parallel) + (a.stageInput != b.stageInput) +
              (a.channelsOuter != b.channelsOuter) + (a.trimColumns != b.trimColumns) +
              (a.unrollTaps != b.unrollTaps);
  int steps = std::abs(a.vectors - b.vectors) + std::abs(a.tileX - b.tileX) +
              std::abs(a.tileY - b.tileY) + (a.vectorWidth != b.vectorWidth);
  bool reshaped = flips == 0 && a.vectorWidth == b.vectorWidth && steps > 0 &&
                  a.vectors * a.tileX * a.tileY == b.vectors * b.tileX * b.tileY;
  return flips + steps == 1 || reshaped;
}

namespace {
/// How many of the search's fastest candidates are timed again against the default,
/// in how many rounds.
constexpr int kFinalists = 2, kFinalRounds = 9;

/// About how long the finals take: compiling each plan (a candidate's time, most of
/// which is compiling) and timing each once per round (at about the default's speed).
double finalsSeconds(const TuningClock &clock, double defaultMs) {
  return (kFinalists + 1) * (clock.meanCandidate() + kFinalRounds * quartileRunSeconds(defaultMs));
}

/// The default and the fastest `kFinalists` others by their search timing.
std::vector<Conv2DSchedule> finalistsOf(const Conv2DSchedule &fallback,
                                        std::vector<std::pair<double, Conv2DSchedule>> measured) {
  std::stable_sort(measured.begin(), measured.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<Conv2DSchedule> finalists{fallback};
  for (const auto &[ms, schedule] : measured)
    if (schedule != fallback && finalists.size() <= kFinalists)
      finalists.push_back(schedule);
  return finalists;
}

/// The finalists (the default first) once more, all compiled in one child and timed in
/// turns: one timing on a busy machine is noisy, so the search's ranking is only a
/// shortlist. A finalist replaces the default only if it is 2% faster in the median of
/// the rounds' ratios, which predicts the executable better than a best time
/// (docs/tuner.md).
void chooseAmongFinalists(const PipelinePlan &plan, const Conv2DLayer &layer,
                          const std::vector<Conv2DSchedule> &finalists,
                          const TuneOptions &options, TuneResult &result) {
  std::vector<PipelinePlan> plans;
  for (const Conv2DSchedule &schedule : finalists)
    plans.push_back(singleLayerPlan(plan, layer, schedule, options.threads));
  std::vector<double> ms;
  auto time = [&] {
    InterleavedTimes t = timePlansInterleaved(plans, options.target, kFinalRounds);
    std::vector<double> values = t.bestMs;
    values.insert(values.end(), t.medianRatio.begin(), t.medianRatio.end());
    return values;
  };
  if (!measureInChild(options, time, 2 * plans.size(), ms))
    return; // keep the search's verdict
  const double *bestMs = ms.data(), *ratio = ms.data() + plans.size();
  size_t chosen = 0;
  for (size_t i = 1; i < plans.size(); ++i)
    if (ratio[i] < 0.98 && ratio[i] < ratio[chosen])
      chosen = i;
  result.defaultMs = bestMs[0];
  result.best = finalists[chosen];
  result.bestMs = bestMs[chosen];
}
} // namespace

Status tuneLayer(const PipelinePlan &plan, const Conv2DLayer &layer, const TuneOptions &options,
                 const std::function<void(const TuneProgress &)> &progress, TuneResult &result) {
  try {
    int vectorWidth = parseTarget(options.target).natural_vector_size<float>();
    std::vector<Conv2DSchedule> space = scheduleSpace(plan, layer, vectorWidth);
    // The default first, then the rest best-scored first (ties in seeded order).
    std::mt19937_64 rng(options.seed);
    std::shuffle(space.begin() + 1, space.end(), rng);
    const ImageInfo out = plan.imageOut(layer);
    std::stable_sort(space.begin() + 1, space.end(), [&](const auto &a, const auto &b) {
      return candidateScore(a, layer, out, vectorWidth, options.threads) >
             candidateScore(b, layer, out, vectorWidth, options.threads);
    });
    // Then the default's flips (staging, loop order, column trimming).
    std::vector<Conv2DSchedule> flips = defaultFlips(space[0], layer);
    std::stable_partition(space.begin() + 1, space.end(), [&](const Conv2DSchedule &s) {
      return std::find(flips.begin(), flips.end(), s) != flips.end();
    });
    warmJitRuntime(options.target);
    double peak = options.peakGflops > 0 ? options.peakGflops
                                         : machinePeakGflops(options.target, options.threads);
    TuningClock clock(options.budgetSeconds);
    TuneProgress p;
    p.space = int(space.size());
    p.peakGflops = peak;
    int countLimit = options.maxCandidates > 0 ? std::min(options.maxCandidates, p.space) : p.space;
    // Candidates the budget allows: the count limit, or as many as the time left (less
    // the finals) holds at the mean candidate's time so far.
    auto planned = [&] {
      int n = countLimit;
      p.estimated = false;
      if (std::isfinite(options.budgetSeconds) && clock.meanCandidate() > 0) {
        double left = options.budgetSeconds - clock.elapsed() - finalsSeconds(clock, result.defaultMs);
        int fits = p.tried + int(std::max(0.0, left) / clock.meanCandidate());
        if (fits < n)
          n = fits, p.estimated = true;
      }
      return std::max(n, p.tried);
    };
    double flops = layerFlops(plan, layer), usefulFlops = layerUsefulFlops(plan, layer);
    result = TuneResult();
    p.planned = planned();
    std::vector<std::pair<double, Conv2DSchedule>> timed;
    std::vector<bool> measuredAlready(space.size(), false);
    auto byTime = [](const auto &a, const auto &b) { return a.first < b.first; };
    // After the default and its flips, every other candidate is the best-scored
    // unmeasured neighbour of the fastest so far (a step of one tile dimension, the
    // tile reshaped, or one flag flipped), the rest the best-scored unmeasured one: the
    // cost model cannot rank close tiles.
    auto nextCandidate = [&](int step) -> size_t {
      if (!timed.empty() && step > int(flips.size()) && step % 2 == 0) {
        const Conv2DSchedule &fastest =
            std::min_element(timed.begin(), timed.end(), byTime)->second;
        for (size_t j = 0; j < space.size(); ++j)
          if (!measuredAlready[j] && adjacentSchedules(space[j], fastest))
            return j;
      }
      for (size_t j = 0; j < space.size(); ++j)
        if (!measuredAlready[j])
          return j;
      return space.size();
    };
    for (int step = 0;; ++step) {
      size_t i = nextCandidate(step);
      if (i == space.size())
        break;
      if (p.tried >= countLimit ||
          (i > 0 && !clock.roomForAnother(finalsSeconds(clock, result.defaultMs))))
        break;
      measuredAlready[i] = true;
      double ms = 0;
      ++p.tried;
      // A candidate may not run past the budget either (the default always gets its
      // full timeout).
      TuneOptions candidateOptions = options;
      if (i > 0)
        candidateOptions.timeoutSeconds =
            std::min(options.timeoutSeconds, std::max(1.0, options.budgetSeconds - clock.elapsed()));
      clock.candidateStarts();
      Status measured = measureSchedule(plan, layer, space[i], candidateOptions, ms);
      // Faster than the machine can compute: a disturbed timing. Measured again; the
      // first plausible timing counts, else the slowest (the least flattering).
      double least = usefulFlops * multiplyShare(space[i], layer);
      auto aboveThePeak = [&](double t) {
        return least / (t * 1e6) > kNoisyPeakFactor * peak;
      };
      if (measured && peak > 0 && aboveThePeak(ms)) {
        ++p.remeasured;
        double slowest = ms;
        for (int retry = 0; retry < kNoisyRetries && aboveThePeak(ms); ++retry) {
          double again = 0;
          if (measureSchedule(plan, layer, space[i], candidateOptions, again))
            ms = again, slowest = std::max(slowest, again);
        }
        if (aboveThePeak(ms))
          ++p.noisy, ms = slowest;
      }
      clock.candidateEnds();
      if (measured) {
        timed.emplace_back(ms, space[i]);
        if (i == 0)
          result.defaultMs = ms;
        // A candidate must beat the default by 3%: smaller JIT-measured gains can
        // reverse in the AOT executable (noise, thread pools).
        double bar = i == 0 || result.best != space[0] ? 1.0 : 0.97;
        if (result.bestMs == 0 || ms < result.bestMs * bar) {
          result.bestMs = ms;
          result.best = space[i];
        }
      } else {
        ++p.failed;
      }
      p.bestMs = result.bestMs;
      p.bestGflops = result.bestMs > 0 ? flops / (result.bestMs * 1e6) : 0;
      p.elapsedSeconds = clock.elapsed();
      p.planned = planned();
      if (progress)
        progress(p);
    }
    result.tried = p.tried;
    result.failed = p.failed;
    result.remeasured = p.remeasured;
    result.noisy = p.noisy;
    if (result.bestMs == 0)
      return Status::error("no candidate schedule could be measured");
    std::vector<Conv2DSchedule> finalists = finalistsOf(space[0], std::move(timed));
    if (result.defaultMs > 0 && finalists.size() > 1) {
      p.finalists = int(finalists.size());
      if (progress)
        progress(p);
      chooseAmongFinalists(plan, layer, finalists, options, result);
    }
    return Status::ok();
  } catch (const Halide::Error &e) {
    return Status::error(std::string("Halide: ") + e.what());
  }
}

} // namespace kconv::codegen
