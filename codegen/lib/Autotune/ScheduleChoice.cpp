// Where each schedule and fusion decision of a plan comes from: forced by a schedule
// file, already in the plan, found in the tuning database, tuned now, or the default.
#include "kconv/Codegen/Autotune.h"
#include "kconv/Codegen/HalideEmitter.h"
#include "kconv/Codegen/TuningDb.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

namespace kconv::codegen {

namespace {

/// What the schedules and fusion decisions came from, for the closing report.
struct TuningTally {
  int fromDb = 0, tuned = 0;
  bool fusionFromDb = false, fusionTuned = false;
};

/// A whole-model budget (--tune-budget-total) shared among the searches still to run
/// (each distinct layer signature once, and the fusion decisions): each gets the time
/// left in proportion to its weight among the weights left (a signature's: the
/// multiply-adds of every layer sharing it), and --tune-budget at most.
class ModelBudget {
public:
  ModelBudget(const ScheduleRequest &request, double pendingWeight)
      : total_(request.budgetTotalSeconds > 0 ? request.budgetTotalSeconds : INFINITY),
        perLayer_(request.budgetSeconds > 0 ? request.budgetSeconds : INFINITY),
        pendingWeight_(pendingWeight) {}
  /// Seconds for the next search, of `weight` (infinity: no time limit; 0: the total is
  /// spent). The clock starts with the first search, so the first always gets a share
  /// however long the compile took to get there.
  double next(double weight) {
    if (!started_) {
      start_ = Clock::now();
      started_ = true;
    }
    double left = total_ - std::chrono::duration<double>(Clock::now() - start_).count();
    double share = std::isfinite(total_) && pendingWeight_ > weight
                       ? std::max(0.0, left) * weight / pendingWeight_
                       : std::max(0.0, left);
    pendingWeight_ = std::max(0.0, pendingWeight_ - weight);
    return std::min(perLayer_, share);
  }
  bool limited() const { return std::isfinite(total_); }

private:
  using Clock = std::chrono::steady_clock;
  double total_, perLayer_, pendingWeight_;
  bool started_ = false;
  Clock::time_point start_;
};

std::string fusionKey(const PipelinePlan &plan, const std::string &target, int threads) {
  std::ostringstream os;
  os << "fusion " << planSignature(plan) << " target=" << target << " threads=" << threads
     << " tuner=" << kTunerVersion;
  return os.str();
}

/// The names in "inline:a,b" (none for "inline:").
std::vector<std::string> inlinedNames(const std::string &stored) {
  std::vector<std::string> names;
  std::istringstream in(stored.substr(std::string("inline:").size()));
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty())
      names.push_back(name);
  return names;
}

/// The tuner's options for one search of `seconds` under `request`.
TuneOptions tuneOptions(const ScheduleRequest &request, double seconds) {
  TuneOptions tune;
  tune.target = request.target;
  tune.threads = request.threads;
  tune.budgetSeconds = seconds;
  tune.maxCandidates = request.maxCandidates;
  return tune;
}

/// Which element-wise layers are fused into their consumer: forced by the schedule
/// file, else from the tuning database, else measured (a tuning budget), else the
/// default rule.
Status chooseFusion(PipelinePlan &plan, const ScheduleRequest &request, TuningDb &db, bool useDb,
                    const std::string &target, ModelBudget &budget, double fusionWeight,
                    TuningTally &tally,
                    const std::function<void(const std::string &)> &print) {
  std::vector<int> fusable = fusableNodes(plan);
  auto nodeName = [&](int node) { return request.nodeNames.at(node); };
  for (const auto &[name, inlined] : request.forcedInline) {
    bool known = false;
    for (int node : fusable)
      known |= nodeName(node) == name;
    if (!known)
      return Status::error(request.scheduleFile + ": '" + name +
                           "' is not an element-wise layer with a single consumer (only those "
                           "can be inlined)");
  }
  std::set<int> inlined = defaultInlining(plan);
  std::string key = fusionKey(plan, target, request.threads);
  bool decided = false;
  if (useDb && !fusable.empty()) {
    std::string stored = db.lookup(key);
    if (!stored.empty()) { // "inline:name,name" (possibly none)
      inlined.clear();
      std::vector<std::string> names = inlinedNames(stored);
      for (int node : fusable)
        if (std::find(names.begin(), names.end(), nodeName(node)) != names.end())
          inlined.insert(node);
      decided = tally.fusionFromDb = true;
    }
  }
  double seconds =
      !decided && request.tune && !fusable.empty() ? budget.next(fusionWeight) : 0;
  if (seconds > 0) {
    TuneOptions tune = tuneOptions(request, seconds);
    FusionResult result;
    tally.fusionTuned = true;
    if (Status status = tuneFusion(plan, tune, result); !status) {
      print("kconvc: warning: fusion decisions not tuned: " + status.message() + "\n");
    } else {
      inlined = result.inlined;
      print("kconvc: tuned fusion of " + std::to_string(fusable.size()) +
            " element-wise layers: " + std::to_string(result.tried) + " variants, default " +
            formatMs(result.defaultMs) + " -> best " + formatMs(result.bestMs) + "\n");
      std::string names;
      for (int node : inlined)
        names += (names.empty() ? "" : ",") + nodeName(node);
      std::string error;
      if (!db.store(key, "inline:" + names, result.bestMs, error))
        print("kconvc: warning: " + error + "\n");
    }
  }
  for (int node : fusable) {
    auto found = request.forcedInline.find(nodeName(node));
    if (found == request.forcedInline.end())
      continue;
    if (found->second)
      inlined.insert(node);
    else
      inlined.erase(node);
  }
  plan.inlinedNodes = inlined;
  return Status::ok();
}

} // namespace

std::string layerSignature(const PipelinePlan &plan, const Conv2DLayer &layer,
                           const std::string &target, int threads) {
  ImageInfo in = plan.imageIn(layer), out = plan.imageOut(layer);
  std::ostringstream os;
  os << "conv2d n=" << (out.batch ? std::to_string(*out.batch) : "?") << " in=" << in.height
     << "x" << in.width << "x" << in.channels << " f=" << layer.filters << " k="
     << layer.kernel[0] << "x" << layer.kernel[1] << " s=" << layer.strides[0] << "x"
     << layer.strides[1] << " d=" << layer.dilation[0] << "x" << layer.dilation[1]
     << " pad=" << layer.padding[0] << "," << layer.padding[1] << "," << layer.padding[2] << ","
     << layer.padding[3] << " g=" << layer.groups << " fmt="
     << "cl" /* every plan conv is channels_last */ << (layer.residual >= 0 ? "+res" : "")
     << " act=" << layer.activation << " bias=" << (layer.biasValues.empty() ? 0 : 1)
     << " target=" << target << " threads=" << threads << " tuner=" << kTunerVersion;
  return os.str();
}

std::string defaultTuningDbPath() {
  const char *cache = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  std::string path = cache && *cache ? cache : (home ? std::string(home) + "/.cache" : ".");
  if (path.back() != '/')
    path += '/';
  return path + "kconv/tuning.db";
}

std::optional<std::string> layerScheduleError(const PipelinePlan &plan, const Conv2DLayer &layer,
                                              const Conv2DSchedule &schedule) {
  if (std::optional<std::string> error = scheduleError(schedule))
    return error;
  if (std::optional<std::string> error = scheduleError(schedule, convShape(plan, layer)))
    return "'kconv.conv2d' op " + *error;
  return std::nullopt;
}

namespace {
/// The schedule in a database entry `stored` for `layer`, or none: no entry, or one that
/// does not parse or does not suit its layer (edited by hand, or written by a kconv with
/// other rules; `problem` says why), whose layer is tuned again.
std::optional<Conv2DSchedule> storedSchedule(const PipelinePlan &plan, const Conv2DLayer &layer,
                                             const std::string &stored, std::string &problem) {
  std::optional<Conv2DSchedule> schedule = parseSchedule(stored, &problem);
  if (schedule)
    if (std::optional<std::string> error = layerScheduleError(plan, layer, *schedule))
      schedule.reset(), problem = *error;
  // Tuned with a larger --winograd: not what this compile allows.
  if (schedule && schedule->winograd > plan.winograd) {
    problem = "winograd = " + std::to_string(schedule->winograd) + ", above --winograd=" +
              std::to_string(plan.winograd);
    schedule.reset();
  }
  return schedule;
}
} // namespace

Status chooseSchedules(PipelinePlan &plan, const ScheduleRequest &request,
                       const std::function<void(const std::string &)> &print) {
  for (size_t i = 0; i < plan.convs.size(); ++i)
    if (auto found = request.forced.find(request.layerNames.at(i)); found != request.forced.end())
      plan.convs[i].schedule = found->second;

  std::string target;
  if (Status status = resolveTarget(request.target, target); !status)
    return Status::error("--target=" + request.target + ": " + status.message());
  bool useDb = !request.dbPath.empty() || request.tune;
  TuningDb db(request.dbPath.empty() ? defaultTuningDbPath() : request.dbPath);
  if (useDb) {
    std::string error;
    if (request.dbPath.empty()) {
      std::error_code ignored;
      std::filesystem::create_directories(std::filesystem::path(db.path()).parent_path(), ignored);
    }
    if (!db.load(error))
      return Status::error(error);
    if (db.corruptedLines())
      print("kconvc: warning: " + db.path() + ": " + std::to_string(db.corruptedLines()) +
            " corrupted entries ignored; their layers are tuned again\n");
  }

  // The distinct layers (and fusion decisions) still to tune share a whole-model
  // budget by their multiply-adds; layers sharing a signature are tuned once, for all.
  std::map<std::string, double> pendingWeights;
  for (const Conv2DLayer &layer : plan.convs) {
    std::string key = layerSignature(plan, layer, target, request.threads), problem;
    if (!layer.schedule && !(useDb && storedSchedule(plan, layer, db.lookup(key), problem)))
      pendingWeights[key] += layerFlops(plan, layer);
  }
  double pendingWeight = 0;
  for (const auto &[key, weight] : pendingWeights)
    pendingWeight += weight;
  // The fusion search: an average layer's share (the mean of the distinct ones), or the
  // whole budget in a model without convolutions to tune.
  double fusionWeight = pendingWeights.empty() ? 1.0 : pendingWeight / double(pendingWeights.size());
  if (!fusableNodes(plan).empty() && db.lookup(fusionKey(plan, target, request.threads)).empty())
    pendingWeight += fusionWeight;
  ModelBudget budget(request, pendingWeight);
  TuningTally tally;
  int spent = 0; // layers left untuned: the whole-model budget ran out

  for (size_t i = 0; i < plan.convs.size(); ++i) {
    Conv2DLayer &layer = plan.convs[i];
    const std::string &name = request.layerNames.at(i);
    std::optional<Conv2DSchedule> chosen = layer.schedule;
    std::string key = layerSignature(plan, layer, target, request.threads);
    if (!chosen && useDb) {
      std::string stored = db.lookup(key), problem;
      chosen = storedSchedule(plan, layer, stored, problem);
      if (!stored.empty() && !chosen)
        print("kconvc: warning: " + db.path() + ": the entry for layer '" + name +
              "' is not a schedule for it" + (problem.empty() ? "" : " (" + problem + ")") +
              "; " + (request.tune ? "it is tuned again" : "the default schedule is used") +
              "\n");
      tally.fromDb += bool(chosen);
    }
    auto weight = pendingWeights.find(key);
    double seconds = !chosen && request.tune
                         ? budget.next(weight != pendingWeights.end() ? weight->second : 0)
                         : 0;
    if (weight != pendingWeights.end())
      weight->second = 0; // its share is spent (its twins find its entry)
    spent += !chosen && request.tune && seconds <= 0;
    if (seconds > 0) {
      TuneOptions tune = tuneOptions(request, seconds);
      tune.seed = request.seed;
      TuneResult result;
      ++tally.tuned;
      Status status = tuneLayer(plan, layer, tune, [&](const TuneProgress &p) {
        print("\r" + progressLine(name, p, seconds));
      }, result);
      print("\n");
      if (!status)
        return Status::error("layer '" + name + "': tuning failed: " + status.message());
      chosen = result.best;
      std::string report = "kconvc: tuned " + name + ": " + std::to_string(result.tried) +
                           " candidates (" + std::to_string(result.failed) + " failed), default " +
                           formatMs(result.defaultMs) + " -> best " + formatMs(result.bestMs);
      if (budget.limited()) {
        char share[64];
        std::snprintf(share, sizeof share, "; %.1f s of the model's budget", seconds);
        report += share;
      }
      if (result.remeasured)
        report += "; " + std::to_string(result.remeasured) +
                  " timed above the machine's peak, re-measured" +
                  (result.noisy ? " (" + std::to_string(result.noisy) + " still noisy)" : "");
      print(report + "\n");
      std::string error;
      if (!db.store(key, chosen->str(), result.bestMs, error))
        print("kconvc: warning: " + error + "\n");
    }
    if (!chosen) {
      Conv2DSchedule fallback;
      if (Status status = defaultSchedule(plan, layer, request.target, fallback); !status)
        return status;
      chosen = fallback;
    }
    layer.schedule = chosen;
  }
  if (spent) {
    char total[32];
    std::snprintf(total, sizeof total, "%g", request.budgetTotalSeconds);
    print("kconvc: warning: --tune-budget-total=" + std::string(total) + " spent: " +
          std::to_string(spent) +
          " layer(s) keep the default schedule (not stored: the next compile tunes them)\n");
  }
  if (Status status =
          chooseFusion(plan, request, db, useDb, target, budget, fusionWeight, tally, print);
      !status)
    return status;
  // Tuning was asked for, and the database already had everything: say so, rather
  // than leave the user to wonder whether the budget was used.
  if (request.tune && tally.tuned == 0 && !tally.fusionTuned && (tally.fromDb || tally.fusionFromDb))
    print("kconvc: nothing tuned: the schedules of " + std::to_string(tally.fromDb) +
          " layer(s)" + (tally.fusionFromDb ? " and the fusion decisions" : "") +
          " came from the tuning database " + db.path() + "\n");
  return Status::ok();
}

} // namespace kconv::codegen
