#include "policies/request_order.h"

#include <algorithm>

namespace policies {

void RequestOrderScheduler::assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) {
  const auto& ready = view.ready_jobs();
  const int n = view.processor_count();
  free_.assign(static_cast<std::size_t>(n), 0);
  int total_free = 0;
  for (int p = 0; p < n; ++p) {
    int f = view.platform().processors[static_cast<std::size_t>(p)].slots - view.busy_slots(p) -
            static_cast<int>(view.queue_length(p));
    free_[static_cast<std::size_t>(p)] = std::max(0, f);
    total_free += free_[static_cast<std::size_t>(p)];
  }
  if (total_free == 0) return;
  candidates_.clear();
  for (std::size_t i = 0; i < ready.size(); ++i)
    if (!skip[i]) candidates_.push_back(i);
  if (candidates_.empty()) return;
  key_.assign(candidates_.size(), 0.0);
  rank(view, candidates_, key_);
  order_.resize(candidates_.size());
  for (std::size_t k = 0; k < order_.size(); ++k) order_[k] = k;
  std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
    const ReadyJob& ja = ready[candidates_[a]];
    const ReadyJob& jb = ready[candidates_[b]];
    if (!preemptive_) {
      bool sa = ja.subgraph > 0, sb = jb.subgraph > 0;  // under way: a job after its first
      if (sa != sb) return sa;
    }
    if (key_[a] != key_[b]) return key_[a] < key_[b];
    if (ja.arrival != jb.arrival) return ja.arrival < jb.arrival;
    return ja.request < jb.request;
  });
  for (std::size_t k : order_) {
    if (total_free == 0) break;
    std::size_t i = candidates_[k];
    const ReadyJob& j = ready[i];
    int best = -1;
    if (j.fixed_processor >= 0) {
      if (free_[static_cast<std::size_t>(j.fixed_processor)] > 0) best = j.fixed_processor;
    } else {
      sim::Time best_t = sim::Time::max();
      sim::Time load = view.expected_load(j.model, j.variant, j.subgraph);
      for (int p = 0; p < n; ++p) {
        if (free_[static_cast<std::size_t>(p)] == 0) continue;
        sim::Time exec = view.expected_latency(j.model, j.variant, j.subgraph, p);
        if (exec == sim::Time::max()) continue;
        sim::Time t = std::max(load, view.platform().handoff_cost(j.prev_processor, p)) + exec;
        if (t < best_t) best_t = t, best = p;
      }
    }
    if (best < 0) continue;  // its processor is busy: it waits, and a later key may go
    out.assignments.push_back({i, best, key_[k], key_name()});
    --free_[static_cast<std::size_t>(best)];
    --total_free;
  }
}

void PredictedWorkOrder::rank(const SystemView& view, const std::vector<std::size_t>& candidates,
                              std::vector<double>& key) {
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const ReadyJob& j = view.ready_jobs()[candidates[k]];
    key[k] = view.best_remaining(j.model, j.variant, from_start_ ? 0 : j.subgraph).to_ms();
  }
}

std::vector<sim::ParamSpec> request_order_params(std::vector<sim::ParamSpec> own) {
  own.push_back(sim::param_bool("preemptive", true,
                                "a request with a lower key overtakes one under way at its next job boundary"));
  return with_common_params(std::move(own));
}

}  // namespace policies
