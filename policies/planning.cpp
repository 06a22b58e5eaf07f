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
  return fmt::format("{}|{}|{}|{}|{}|{}", stitched, partitioned, order, placement, estimator, precision_change_ms);
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
    objectives.clear();
    for (const auto& c : here) objectives.push_back({c.plan.accuracy, c.latency_ns, c.memory_bytes});
    for (std::size_t i : ex::pareto_indices(objectives)) all.push_back(here[i]);
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

double predicted_latency_ns(const SystemView& view, const Candidate& c, int subgraphs, const std::vector<double>& util) {
  (void)view;
  double t = static_cast<double>(c.boundary_ns);
  for (int s = 0; s < subgraphs; ++s) {
    double u = std::min(util[static_cast<std::size_t>(c.plan.processor[static_cast<std::size_t>(s)])], 0.95);
    t += static_cast<double>(c.exec_ns[static_cast<std::size_t>(s)]) / (1.0 - u);
  }
  return t;
}

std::vector<int> choose_joint(const SystemView& view, const std::vector<TaskDemand>& demands, int rounds) {
  const int T = static_cast<int>(demands.size());
  const int P = view.processor_count();
  std::vector<int> subgraphs(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t)
    subgraphs[static_cast<std::size_t>(t)] = view.profile().models[static_cast<std::size_t>(view.task_model(t))].subgraph_count;
  std::vector<int> choice(static_cast<std::size_t>(T), -1);

  auto load = [&](int t, int ci, std::vector<double>& util, double sign) {
    const auto& d = demands[static_cast<std::size_t>(t)];
    const Candidate& c = (*d.candidates)[static_cast<std::size_t>(ci)];
    for (int s = 0; s < subgraphs[static_cast<std::size_t>(t)]; ++s) {
      int p = c.plan.processor[static_cast<std::size_t>(s)];
      util[static_cast<std::size_t>(p)] += sign * d.rate_rps * static_cast<double>(c.exec_ns[static_cast<std::size_t>(s)]) * 1e-9 /
                                           view.platform().processors[static_cast<std::size_t>(p)].slots;
    }
  };
  // Start: each active task's fastest candidate meeting its accuracy (else the most accurate).
  for (int t = 0; t < T; ++t) {
    const auto& d = demands[static_cast<std::size_t>(t)];
    if (!d.active) continue;
    const double min_acc = d.slo.min_accuracy;
    int best = best_candidate(*d.candidates, [min_acc](const Candidate& c, const Candidate& b) {
      bool c_ok = c.plan.accuracy >= min_acc, b_ok = b.plan.accuracy >= min_acc;
      if (c_ok != b_ok) return c_ok;
      return c_ok ? c.latency_ns < b.latency_ns : c.plan.accuracy > b.plan.accuracy;
    });
    choice[static_cast<std::size_t>(t)] = best;
  }
  std::vector<double> util(static_cast<std::size_t>(P), 0.0);
  for (int t = 0; t < T; ++t)
    if (choice[static_cast<std::size_t>(t)] >= 0) load(t, choice[static_cast<std::size_t>(t)], util, 1.0);

  struct Score {
    int violations;
    double bottleneck, latency;
    bool operator<(const Score& o) const {
      if (violations != o.violations) return violations < o.violations;
      if (bottleneck != o.bottleneck) return bottleneck < o.bottleneck - 1e-12;
      return latency < o.latency;
    }
  };
  auto score = [&](const std::vector<double>& u) {
    Score sc{0, 0.0, 0.0};
    for (double x : u) sc.bottleneck = std::max(sc.bottleneck, x);
    for (int t = 0; t < T; ++t) {
      int ci = choice[static_cast<std::size_t>(t)];
      if (ci < 0) continue;
      const auto& d = demands[static_cast<std::size_t>(t)];
      const Candidate& c = (*d.candidates)[static_cast<std::size_t>(ci)];
      double lat = predicted_latency_ns(view, c, subgraphs[static_cast<std::size_t>(t)], u);
      sc.violations += (c.plan.accuracy < d.slo.min_accuracy) + (lat > d.slo.latency_ms * 1e6);
      sc.latency += lat;
    }
    return sc;
  };
  for (int r = 0; r < rounds; ++r) {
    bool changed = false;
    for (int t = 0; t < T; ++t) {
      int cur = choice[static_cast<std::size_t>(t)];
      if (cur < 0) continue;
      Score best_score = score(util);
      int best = cur;
      load(t, cur, util, -1.0);
      for (int i = 0; i < static_cast<int>(demands[static_cast<std::size_t>(t)].candidates->size()); ++i) {
        if (i == cur) continue;
        choice[static_cast<std::size_t>(t)] = i;
        load(t, i, util, 1.0);
        Score s = score(util);
        load(t, i, util, -1.0);
        if (s < best_score) best_score = s, best = i;
      }
      choice[static_cast<std::size_t>(t)] = best;
      load(t, best, util, 1.0);
      changed = changed || best != cur;
    }
    if (!changed) break;
  }
  return choice;
}

}  // namespace policies
