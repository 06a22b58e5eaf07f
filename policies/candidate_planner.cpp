#include "policies/candidate_planner.h"

#include <algorithm>

#include <fmt/format.h>

namespace policies {

std::vector<sim::ParamSpec> planner_params(int default_min_processors) {
  return {sim::param_bool("partitioned", true, "spread each model's subgraphs over processors (-P) or not (-NP)"),
          sim::param_string("order", "", "fixed placement order such as \"npu>gpu>cpu\" (empty: optimised)"),
          sim::param_string("placement", "contiguous",
                            "partitioned placements allowed when not fixed by order",
                            {"one_per_processor", "contiguous", "any"}),
          sim::param_string("estimator", "analytic", "accuracy estimator for unmeasured stitched variants"),
          sim::param_double("precision_change_ms", 0.15, "ms",
                            "conversion cost between subgraphs of different precision when the profile has none", 0.0),
          sim::param_int("min_processors", default_min_processors, "",
                         "partitioned: distinct processors each request must use at least (capped by subgraphs)", 1)};
}

CandidateOptions planner_options(const sim::Params& p, bool stitched) {
  CandidateOptions o;
  o.stitched = stitched;
  o.partitioned = p.get_bool("partitioned");
  o.order = p.get_string("order");
  o.placement = p.get_string("placement");
  o.estimator = p.get_string("estimator");
  o.precision_change_ms = p.get_double("precision_change_ms");
  o.min_processors = static_cast<int>(p.get_int("min_processors"));
  return o;
}

void CandidatePlanner::bind(const SystemView& view) {
  candidates_.clear();
  for (int t = 0; t < view.task_count(); ++t) candidates_.push_back(&task_candidates(view, t, options_));
  chosen_.assign(static_cast<std::size_t>(view.task_count()), -1);
  key_.clear();
}

Plan CandidatePlanner::choose(const SystemView& view, int task) {
  // The key is cheap to rebuild per request (a few numbers per task) and makes re-planning
  // exact: it happens iff activity or an SLO changed since the last plan.
  thread_local std::vector<double> key;
  key.clear();
  for (int t = 0; t < view.task_count(); ++t) {
    key.push_back(view.task_active(t) || t == task ? 1.0 : 0.0);
    key.push_back(view.task_slo(t).latency_ms);
    key.push_back(view.task_slo(t).min_accuracy);
  }
  if (key != key_) {
    key_ = key;
    // The requesting task is active by definition, even if its start time is still ahead.
    std::vector<TaskDemand> demands;
    for (int t = 0; t < view.task_count(); ++t) {
      demands.push_back({candidates_[static_cast<std::size_t>(t)], view.task_rate_rps(t), view.task_slo(t),
                         view.task_active(t) || t == task});
    }
    chosen_ = decide(view, demands);
    ++replans_;
  }
  int c = chosen_[static_cast<std::size_t>(task)];
  return (*candidates_[static_cast<std::size_t>(task)])[static_cast<std::size_t>(c)].plan;
}

std::string CandidatePlanner::explain(const SystemView& view, int task) const {
  if (task >= static_cast<int>(chosen_.size()) || chosen_[static_cast<std::size_t>(task)] < 0) return "";
  const auto& all = *candidates_[static_cast<std::size_t>(task)];
  const Candidate& c = all[static_cast<std::size_t>(chosen_[static_cast<std::size_t>(task)])];
  const workloads::Slo& slo = view.task_slo(task);
  return fmt::format("candidate {} of {} (re-plan {}): isolated latency {:.3f} ms, memory {:.2f} MB, accuracy {:.4f}; "
                     "SLO in force {:.3f} ms / accuracy >= {:.4f}",
                     chosen_[static_cast<std::size_t>(task)] + 1, all.size(), replans_,
                     static_cast<double>(c.latency_ns) / 1e6, static_cast<double>(c.memory_bytes) / 1048576.0,
                     c.plan.accuracy, slo.latency_ms, slo.min_accuracy);
}

std::vector<std::vector<Plan>> CandidatePlanner::anticipated_plans(const SystemView& view) {
  std::vector<std::vector<Plan>> out(static_cast<std::size_t>(view.task_count()));
  for (double scale : {0.5, 0.75, 1.0, 1.5, 2.0}) {
    for (double delta : {-0.02, -0.01, 0.0, 0.01}) {
      std::vector<TaskDemand> demands;
      for (int t = 0; t < view.task_count(); ++t) {
        workloads::Slo slo = view.task_slo(t);
        slo.latency_ms *= scale;
        slo.min_accuracy = std::clamp(slo.min_accuracy + delta, 0.0, 1.0);
        demands.push_back({candidates_[static_cast<std::size_t>(t)], view.task_rate_rps(t), slo, true});
      }
      auto chosen = decide(view, demands);
      for (int t = 0; t < view.task_count(); ++t) {
        out[static_cast<std::size_t>(t)].push_back(
            (*candidates_[static_cast<std::size_t>(t)])[static_cast<std::size_t>(chosen[static_cast<std::size_t>(t)])].plan);
      }
    }
  }
  return out;
}

std::vector<int> SingleVariantPlanner::decide(const SystemView&, const std::vector<TaskDemand>& demands) {
  std::vector<int> out;
  for (const auto& d : demands) {
    out.push_back(best_candidate(*d.candidates, [this](const Candidate& c, const Candidate& b) {
      if (accuracy_optimal_) {
        return c.plan.accuracy > b.plan.accuracy || (c.plan.accuracy == b.plan.accuracy && c.latency_ns < b.latency_ns);
      }
      return c.latency_ns < b.latency_ns || (c.latency_ns == b.latency_ns && c.plan.accuracy > b.plan.accuracy);
    }));
  }
  return out;
}

}  // namespace policies
