#include "policies/planning.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/frontier.h"
#include "hw-models/stitching/space.h"

namespace policies {
namespace ex = stitching;

std::string CandidateOptions::key() const {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", stitched, partitioned, order, placement, estimator, precision_change_ms,
                     min_processors);
}

namespace {

// Processor sequences allowed by the options, as platform-space indices of `space`.
std::vector<std::vector<int>> placements(const ex::StitchSpace& space, const CandidateOptions& o,
                                         const SystemView& view) {
  const int S = space.subgraphs, P = space.processors;
  std::vector<std::vector<int>> out;
  if (!o.partitioned) {
    for (int p = 0; p < P; ++p) out.push_back(std::vector<int>(static_cast<std::size_t>(S), p));
    return out;
  }
  if (!o.order.empty()) {
    std::vector<int> seq;
    std::size_t start = 0;
    while (start <= o.order.size()) {
      std::size_t end = o.order.find('>', start);
      std::string name = o.order.substr(start, end == std::string::npos ? std::string::npos : end - start);
      int found = -1;
      for (int p = 0; p < P; ++p)
        if (space.processor_names[static_cast<std::size_t>(p)] == name) found = p;
      if (found < 0) throw sim::ConfigError(view.profile().file, "order", fmt::format("unknown processor '{}' in order '{}'", name, o.order));
      seq.push_back(found);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (static_cast<int>(seq.size()) != S) {
      throw sim::ConfigError(view.profile().file, "order",
                             fmt::format("order '{}' names {} processors but the model has {} subgraphs", o.order,
                                         seq.size(), S));
    }
    out.push_back(seq);
    return out;
  }
  ex::PlacementRule rule = ex::placement_rule_from_string(o.placement);
  if (rule == ex::PlacementRule::kOnePerProcessor && S > P) rule = ex::PlacementRule::kContiguous;
  ex::PlacementAutomaton au(rule, P);
  std::vector<int> seq(static_cast<std::size_t>(S));
  auto rec = [&](auto&& self, int s, int state) -> void {
    if (s == S) {
      out.push_back(seq);
      return;
    }
    for (int p = 0; p < P; ++p) {
      int next = au.step(state, p);
      if (next < 0) continue;
      seq[static_cast<std::size_t>(s)] = p;
      self(self, s + 1, next);
    }
  };
  rec(rec, 0, ex::PlacementAutomaton::kStart);
  // Partitioned baselines (-P) must split a request over at least `min_processors` processors
  // (capped by the subgraph and processor counts).
  const int need = std::min({o.min_processors, S, P});
  if (need > 1) {
    std::erase_if(out, [need, P](const std::vector<int>& placement) {
      std::vector<bool> used(static_cast<std::size_t>(P), false);
      int n = 0;
      for (int p : placement) n += !used[static_cast<std::size_t>(p)], used[static_cast<std::size_t>(p)] = true;
      return n < need;
    });
  }
  return out;
}

std::vector<Candidate> build_candidates(const SystemView& view, int task, const CandidateOptions& o) {
  int model = view.task_model(task);
  const hw::ModelProfile& m = view.profile().models[static_cast<std::size_t>(model)];
  ex::SpaceSettings settings;
  settings.placement = ex::PlacementRule::kAny;
  settings.precision_change_ms = o.precision_change_ms;
  settings.latency = &view.latency_model();
  ex::StitchSpace space = ex::build_space(view.profile(), model, view.platform(), settings);
  const int S = space.subgraphs, K = space.variants;

  ex::AccuracyModel acc;
  ex::MeasuredAccuracy measured;
  if (o.stitched) {
    auto samples = ex::measured_samples(m);
    acc = ex::make_accuracy_estimator(sim::ConfigNode(sim::Json{{"name", o.estimator}}, "<planner>", "$.estimator"))
              ->fit(m, samples);
    measured = ex::MeasuredAccuracy(S, K, samples);
  }
  auto places = placements(space, o, view);

  // Tuples: the diagonal, or all K^S (bounded: larger spaces belong to `stitchsim explore`).
  double tuples = o.stitched ? space.tuple_count() : K;
  if (tuples * static_cast<double>(places.size()) > 5e6) {
    throw sim::ConfigError(view.profile().file, "$.models." + m.name,
                           fmt::format("{} stitched variants x {} placements is too many for online planning", tuples,
                                       places.size()));
  }
  std::vector<Candidate> all;
  std::vector<int> x(static_cast<std::size_t>(S), 0);
  std::vector<ex::Objectives> objectives;
  for (const auto& place : places) {
    std::vector<Candidate> here;
    auto consider = [&]() {
      ex::Cost cost = ex::evaluate_cost(space, x.data(), place.data());
      if (cost.latency_ns < 0 || cost.memory_bytes() > view.platform().memory_capacity_bytes) return;
      Candidate c;
      c.zoo = std::all_of(x.begin(), x.end(), [&](int v) { return v == x[0]; });
      c.plan.variant.fill(0);
      c.plan.processor.fill(-1);
      std::int64_t exec = 0;
      for (int s = 0; s < S; ++s) {
        c.plan.variant[static_cast<std::size_t>(s)] = static_cast<std::int8_t>(x[static_cast<std::size_t>(s)]);
        c.plan.processor[static_cast<std::size_t>(s)] =
            static_cast<std::int8_t>(space.platform_processor[static_cast<std::size_t>(place[static_cast<std::size_t>(s)])]);
        c.exec_ns[static_cast<std::size_t>(s)] = space.unit_latency(s, x[static_cast<std::size_t>(s)], place[static_cast<std::size_t>(s)]);
        exec += c.exec_ns[static_cast<std::size_t>(s)];
      }
      c.latency_ns = cost.latency_ns;
      c.boundary_ns = cost.latency_ns - exec;
      c.memory_bytes = cost.memory_bytes();
      if (c.zoo) {
        c.plan.accuracy = m.variants[static_cast<std::size_t>(x[0])].accuracy;
      } else {
        // Measured value, or the estimate minus its calibrated margin (accuracy.h): the plan's
        // accuracy is what the SLO check may rely on.
        c.plan.accuracy = ex::slo_accuracy(acc, measured, x.data());
      }
      here.push_back(c);
    };
    if (o.stitched) {
      // Odometer over K^S tuples.
      std::fill(x.begin(), x.end(), 0);
      while (true) {
        consider();
        int s = S - 1;
        while (s >= 0 && ++x[static_cast<std::size_t>(s)] == K) x[static_cast<std::size_t>(s--)] = 0;
        if (s < 0) break;
      }
    } else {
      for (int v = 0; v < K; ++v) {
        std::fill(x.begin(), x.end(), v);
        consider();
      }
    }
    // Pareto filter per placement: a dominated plan on the same processors is never better,
    // whatever the load, since it loads the same processors at least as much.
    // Zoo plans Pareto-optimal among the zoo plans stay even when a stitched plan dominates them,
    // so SparseLoom's set holds AV's on every placement (its guarded choice starts from AV's).
    objectives.clear();
    for (const auto& c : here) objectives.push_back({c.plan.accuracy, c.latency_ns, c.memory_bytes});
    std::vector<bool> keep(here.size(), false);
    for (std::size_t i : ex::pareto_indices(objectives)) keep[i] = true;
    if (o.stitched) {
      std::vector<std::size_t> zoo;
      objectives.clear();
      for (std::size_t i = 0; i < here.size(); ++i) {
        if (!here[i].zoo) continue;
        zoo.push_back(i);
        objectives.push_back({here[i].plan.accuracy, here[i].latency_ns, here[i].memory_bytes});
      }
      for (std::size_t i : ex::pareto_indices(objectives)) keep[zoo[i]] = true;
    }
    for (std::size_t i = 0; i < here.size(); ++i)
      if (keep[i]) all.push_back(here[i]);
  }
  if (all.empty()) {
    throw sim::ConfigError(view.profile().file, "$.models." + m.name,
                           fmt::format("no feasible plan for task '{}' on this platform", view.task_name(task)));
  }
  return all;
}

}  // namespace

const std::vector<Candidate>& task_candidates(const SystemView& view, int task, const CandidateOptions& options) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<std::vector<Candidate>>> cache;
  // The profile by its instance id, not its address: a profile freed and another built at the
  // same address must not find the first one's candidates.
  std::string key = fmt::format("{}|{}|{}|{}|{}", view.profile().instance.value(), view.platform().name,
                                view.platform().memory_capacity_bytes, view.task_model(task), options.key());
  key += "|" + view.latency_model().expected_key();
  for (const auto& p : view.platform().processors) key += "|" + p.name;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return *it->second;
  }
  auto built = std::make_unique<std::vector<Candidate>>(build_candidates(view, task, options));
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.emplace(key, std::move(built));
  return *it->second;
}

}  // namespace policies
