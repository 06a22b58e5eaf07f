#include "policies/scheduler.h"

#include "sim/registry.h"

namespace policies {

void Scheduler::schedule(const SystemView& view, Decisions& out) {
  out.clear();
  const auto& ready = view.ready_jobs();
  skip_.assign(ready.size(), false);
  if (early_drop_) {
    sim::Time now = view.now();
    for (std::size_t i = 0; i < ready.size(); ++i) {
      const ReadyJob& j = ready[i];
      sim::Time rest = view.best_remaining(j.model, j.variant, j.subgraph);
      if (rest == sim::Time::max() || now + rest > j.deadline) {
        out.drops.push_back({i, "deadline_unreachable"});
        skip_[i] = true;
      }
    }
  }
  // Jobs whose plan pins a processor go there (or, for policies that order pinned jobs too,
  // stay for assign()); the policy decides the others.
  const bool hold = orders_pinned_jobs();
  for (std::size_t i = 0; i < ready.size(); ++i) {
    if (skip_[i] || ready[i].fixed_processor < 0) continue;
    const ReadyJob& j = ready[i];
    if (!view.can_run(j.model, j.variant, j.subgraph, j.fixed_processor)) {
      out.drops.push_back({i, "plan_infeasible"});
      skip_[i] = true;
    } else if (!hold) {
      out.assignments.push_back({i, j.fixed_processor});
      skip_[i] = true;
    }
  }
  assign(view, skip_, out);
}

std::vector<sim::ParamSpec> with_common_params(std::vector<sim::ParamSpec> own) {
  own.push_back(sim::param_bool("early_drop", false,
                                "drop a request as soon as even its fastest remaining path misses the deadline"));
  return own;
}

std::unique_ptr<Scheduler> make_scheduler(const sim::ConfigNode& node, sim::Json* resolved) {
  sim::Json r;
  auto s = sim::Registry<Scheduler>::instance().create(node, &r);
  s->set_early_drop(r.at("early_drop").get<bool>());
  if (resolved) *resolved = r;
  return s;
}

std::unique_ptr<Scheduler> make_scheduler(const sim::Component<Scheduler>& component) {
  auto s = component.build();
  s->set_early_drop(component.params().get_bool("early_drop"));
  return s;
}

int fastest_finish_processor(const SystemView& view, const ReadyJob& job) {
  int best = -1;
  sim::Time best_t = sim::Time::max();
  sim::Time load = view.expected_load(job.model, job.variant, job.subgraph);
  for (int p = 0; p < view.processor_count(); ++p) {
    sim::Time exec = view.expected_latency(job.model, job.variant, job.subgraph, p);
    if (exec == sim::Time::max()) continue;
    sim::Time t = view.backlog(p) + std::max(load, view.platform().handoff_cost(job.prev_processor, p)) + exec;
    if (t < best_t) {
      best_t = t;
      best = p;
    }
  }
  return best;
}

}  // namespace policies
