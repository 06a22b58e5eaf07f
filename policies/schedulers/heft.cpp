// HEFT (Topcuoglu, Hariri and Wu, "Performance-Effective and Low-Complexity Task Scheduling for
// Heterogeneous Computing", IEEE TPDS 2002), as Band (Jeong et al., MobiSys 2022) uses it for
// multi-DNN jobs, with Band's reservation window as an option.
//
// Ready jobs go in decreasing upward rank: for a chain, the rank of a job is its mean execution
// time over the processors that can run it plus the rank of its successor (the work left on the
// critical path). Each is queued at once on the processor with the earliest finish time: backlog
// (including what this decision added) + max(load, hand-off) + execution.
//
// Reservation window (`reservation_window_ms` > 0): a job whose start on its best processor would
// come later than the window is not queued now but kept for a later decision, so work that
// becomes ready meanwhile is not stuck behind a far-off reservation (Band reserves processors
// for subgraphs expected within a window; we keep the reservation implicit by holding the job).
#include <algorithm>

#include "policies/scheduler.h"
#include "sim/registry.h"

namespace policies {
namespace {

class Heft final : public Scheduler {
 public:
  explicit Heft(sim::Time window) : window_(window) {}

 protected:
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) override {
    const auto& ready = view.ready_jobs();
    const int n = view.processor_count();
    added_.assign(static_cast<std::size_t>(n), sim::Time::zero());
    order_.clear();
    rank_.assign(ready.size(), 0.0);
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (skip[i]) continue;
      rank_[i] = upward_rank_ms(view, ready[i]);
      order_.push_back(i);
    }
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return rank_[a] > rank_[b]; });
    for (std::size_t i : order_) {
      const ReadyJob& j = ready[i];
      sim::Time load = view.expected_load(j.model, j.variant, j.subgraph);
      int best = -1;
      sim::Time best_finish = sim::Time::max(), best_start, best_exec;
      for (int p = 0; p < n; ++p) {
        sim::Time exec = view.expected_latency(j.model, j.variant, j.subgraph, p);
        if (exec == sim::Time::max()) continue;
        int slots = view.platform().processors[static_cast<std::size_t>(p)].slots;
        sim::Time start = view.backlog(p) + sim::Time{added_[static_cast<std::size_t>(p)].ns / slots};
        sim::Time finish = start + std::max(load, view.platform().handoff_cost(j.prev_processor, p)) + exec;
        if (finish < best_finish) best_finish = finish, best = p, best_start = start, best_exec = exec;
      }
      if (best < 0) {
        out.drops.push_back({i, "no_processor"});
        continue;
      }
      if (window_ > sim::Time::zero() && best_start > window_) continue;  // hold: reconsidered later
      added_[static_cast<std::size_t>(best)] += best_exec;
      out.assignments.push_back({i, best, rank_[i], "upward_rank_ms"});
    }
  }

 private:
  static double upward_rank_ms(const SystemView& view, const ReadyJob& j) {
    double rank = 0;
    int count = view.profile().models[static_cast<std::size_t>(j.model)].subgraph_count;
    for (int s = j.subgraph; s < count; ++s) {
      double sum = 0;
      int runs = 0;
      for (int p = 0; p < view.processor_count(); ++p) {
        sim::Time t = view.expected_latency(j.model, j.variant, s, p);
        if (t == sim::Time::max()) continue;
        sum += t.to_ms();
        ++runs;
      }
      if (runs > 0) rank += sum / runs;
    }
    return rank;
  }

  sim::Time window_;
  std::vector<sim::Time> added_;
  std::vector<std::size_t> order_;
  std::vector<double> rank_;
};

const sim::Registration<Scheduler> kRegistration{
    "heft", "HEFT (Band): highest upward rank first, to the earliest-finish processor; optional reservation window",
    with_common_params({sim::param_double("reservation_window_ms", 0.0, "ms",
                                          "hold a job whose start would be later than this (0: queue every job)", 0.0)}),
    [](const sim::Params& p) { return std::make_unique<Heft>(sim::from_ms(p.get_double("reservation_window_ms"))); }};

}  // namespace
}  // namespace policies
