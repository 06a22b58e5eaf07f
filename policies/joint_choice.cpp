#include "policies/joint_choice.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace policies {

bool PlanScore::operator<(const PlanScore& o) const {
  if (saturated != o.saturated) return saturated < o.saturated;
  if (std::abs(violation_rate - o.violation_rate) > kViolationTolerance) return violation_rate < o.violation_rate;
  if (over_budget_bytes != o.over_budget_bytes) return over_budget_bytes < o.over_budget_bytes;
  if (std::abs(bottleneck - o.bottleneck) > kBottleneckTolerance) return bottleneck < o.bottleneck;
  if (std::abs(memory_bytes - o.memory_bytes) > kMemoryToleranceBytes) return memory_bytes < o.memory_bytes;
  if (violation_rate != o.violation_rate) return violation_rate < o.violation_rate;
  if (bottleneck != o.bottleneck) return bottleneck < o.bottleneck;
  return latency_ns < o.latency_ns;
}

JointChoice::JointChoice(const SystemView& view, const std::vector<TaskDemand>& demands)
    : view_(view), demands_(demands) {
  const int T = static_cast<int>(demands.size());
  for (int t = 0; t < T; ++t)
    subgraphs_.push_back(view.profile().models[static_cast<std::size_t>(view.task_model(t))].subgraph_count);
  choice_.assign(static_cast<std::size_t>(T), -1);
  for (const auto& p : view.platform().processors) {
    queueing::Station s;
    s.slots = std::max(1, p.slots);
    stations_.push_back(s);
  }
  waits_.resize(stations_.size());
  capacity_bytes_ = static_cast<double>(view.platform().memory_capacity_bytes);
}

// A candidate's runs: maximal sequences of consecutive subgraphs on one processor, as
// (processor, execution seconds). The simulator queues each subgraph as its own job, but a
// request's next job joins the queue the instant its previous one ends, ahead of most work that
// arrived meanwhile being done; so another request meeting a run waits behind all of it (the
// measured case: image's three jobs each waited behind one of speech's three 15 ms jobs on the
// NPU). Each run is therefore one job class, and a request waits once per run.
template <class F>
void for_each_run(const Candidate& c, int subgraphs, F f) {
  int s = 0;
  while (s < subgraphs) {
    const int p = c.plan.processor[static_cast<std::size_t>(s)];
    double exec_s = 0;
    for (; s < subgraphs && c.plan.processor[static_cast<std::size_t>(s)] == p; ++s)
      exec_s += static_cast<double>(c.exec_ns[static_cast<std::size_t>(s)]) * 1e-9;
    f(p, exec_s);
  }
}

void JointChoice::load(int t, int ci, double sign) {
  const auto& d = demands_[static_cast<std::size_t>(t)];
  const Candidate& c = (*d.candidates)[static_cast<std::size_t>(ci)];
  for_each_run(c, subgraphs_[static_cast<std::size_t>(t)],
               [&](int p, double exec_s) { stations_[static_cast<std::size_t>(p)].add(sign * d.rate_rps, exec_s); });
}

void JointChoice::set(int t, int candidate) {
  int& cur = choice_[static_cast<std::size_t>(t)];
  if (cur == candidate) return;
  if (cur >= 0) load(t, cur, -1.0);
  cur = candidate;
  if (cur >= 0) load(t, cur, 1.0);
}

void JointChoice::rebuild() {
  for (auto& st : stations_) st = queueing::Station{st.slots};
  for (std::size_t t = 0; t < choice_.size(); ++t)
    if (choice_[t] >= 0) load(static_cast<int>(t), choice_[t], 1.0);
}

LatencyPrediction JointChoice::predict(int t, int ci) const {
  const Candidate& c = (*demands_[static_cast<std::size_t>(t)].candidates)[static_cast<std::size_t>(ci)];
  LatencyPrediction out;
  out.isolated_ns = static_cast<double>(c.latency_ns);
  for_each_run(c, subgraphs_[static_cast<std::size_t>(t)],
               [&](int p, double) { out.wait.add(waits_[static_cast<std::size_t>(p)]); });
  return out;
}

PlanScore JointChoice::score() const {
  PlanScore sc;
  // Stations whose wait changed since the previous score: a task whose choice and stations are
  // both unchanged keeps its cached prediction (exact comparisons, so the result is the same as
  // recomputing; trials in the descent change one task's stations only).
  std::uint64_t changed = 0;
  for (std::size_t p = 0; p < stations_.size(); ++p) {
    const queueing::Wait w = queueing::wait(stations_[p]);
    const queueing::Wait& old = waits_[p];
    if (w.mean_s != old.mean_s || w.p_wait != old.p_wait || w.saturated != old.saturated) changed |= std::uint64_t{1} << (p & 63);
    waits_[p] = w;
    sc.bottleneck = std::max(sc.bottleneck, stations_[p].utilisation());
    sc.saturated += w.saturated;
  }
  if (cache_.size() != demands_.size()) cache_.assign(demands_.size(), TaskCache{});
  double rate_sum = 0, violating = 0;
  for (std::size_t t = 0; t < demands_.size(); ++t) {
    const int ci = choice_[t];
    TaskCache& tc = cache_[t];
    if (ci < 0) {
      tc.candidate = -1;
      continue;
    }
    const auto& d = demands_[t];
    const Candidate& c = (*d.candidates)[static_cast<std::size_t>(ci)];
    if (tc.candidate != ci || (tc.stations & changed) != 0) {
      LatencyPrediction pred = predict(static_cast<int>(t), ci);
      tc.candidate = ci;
      tc.stations = 0;
      for_each_run(c, subgraphs_[t], [&](int p, double) { tc.stations |= std::uint64_t{1} << (p & 63); });
      // A task that misses its accuracy SLO violates on every request (and needs no tail).
      tc.violation = c.plan.accuracy < d.slo.min_accuracy ? 1.0 : pred.violation(d.slo.latency_ms * 1e6);
      const double mean = pred.mean_ns();
      tc.mean_ns = std::isfinite(mean) ? mean : 1e18;
    }
    // A task of unknown rate (0) still counts, as one request per second.
    const double w = d.rate_rps > 0 ? d.rate_rps : 1.0;
    rate_sum += w;
    violating += w * tc.violation;
    sc.memory_bytes += static_cast<double>(c.memory_bytes);
    sc.latency_ns += w * tc.mean_ns;
  }
  sc.violation_rate = rate_sum > 0 ? violating / rate_sum : 0.0;
  sc.over_budget_bytes = std::max(0.0, sc.memory_bytes - capacity_bytes_);
  return sc;
}

namespace {

// Each active task's fastest candidate meeting its accuracy SLO (else its most accurate) among
// those `allowed`.
template <class Allowed>
void start(JointChoice& jc, const std::vector<TaskDemand>& demands, Allowed allowed) {
  for (int t = 0; t < static_cast<int>(demands.size()); ++t) {
    const auto& d = demands[static_cast<std::size_t>(t)];
    if (!d.active) continue;
    const double min_acc = d.slo.min_accuracy;
    int best = -1;
    for (int i = 0; i < static_cast<int>(d.candidates->size()); ++i) {
      if (!allowed(t, i)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const Candidate& c = (*d.candidates)[static_cast<std::size_t>(i)];
      const Candidate& b = (*d.candidates)[static_cast<std::size_t>(best)];
      bool c_ok = c.plan.accuracy >= min_acc, b_ok = b.plan.accuracy >= min_acc;
      if (c_ok != b_ok ? c_ok : (c_ok ? c.latency_ns < b.latency_ns : c.plan.accuracy > b.plan.accuracy)) best = i;
    }
    jc.set(t, best);
  }
}

}  // namespace

std::vector<int> choose_joint(const SystemView& view, const std::vector<TaskDemand>& demands, int rounds) {
  JointChoice jc(view, demands);
  auto any = [](int, int) { return true; };
  start(jc, demands, any);
  jc.descend(rounds, any);
  return jc.choice();
}

std::vector<int> choose_joint_guarded(const SystemView& view, const std::vector<TaskDemand>& demands, double margin,
                                      std::vector<PlanScore>* score_out, int rounds) {
  JointChoice jc(view, demands);
  auto zoo = [&demands](int t, int i) { return (*demands[static_cast<std::size_t>(t)].candidates)[static_cast<std::size_t>(i)].zoo; };
  start(jc, demands, zoo);
  jc.descend(rounds, zoo);
  const std::vector<int> zoo_choice = jc.choice();
  const PlanScore zoo_score = jc.score();
  jc.descend(rounds, [](int, int) { return true; });
  const PlanScore stitched_score = jc.score();
  const bool take = zoo_score.violation_rate - stitched_score.violation_rate > margin;
  if (score_out) *score_out = {zoo_score, stitched_score, take ? stitched_score : zoo_score};
  return take ? jc.choice() : zoo_choice;
}

}  // namespace policies
