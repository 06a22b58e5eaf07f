// Fixed processor (Band's "fixed device"): every job of a task goes to one processor, named per
// task or by a default; with no name, to the processor that runs that unit fastest in
// isolation. Jobs are queued at once.
#include <fmt/format.h>

#include "policies/scheduler.h"
#include "sim/registry.h"

namespace policies {
namespace {

class FixedProcessor final : public Scheduler {
 public:
  explicit FixedProcessor(const sim::Params& p)
      : default_name_(p.get_string("processor")), default_node_(p.node("processor")), per_task_node_(p.node("per_task")) {}

  void bind(const SystemView& view) override {
    auto find = [&](const sim::ConfigNode& node) {
      std::string name = node.as_string();
      int i = view.platform().find(name);
      if (i < 0) node.fail(fmt::format("unknown processor '{}'", name));
      return i;
    };
    int def = default_name_.empty() ? -1 : find(default_node_);
    per_task_.assign(static_cast<std::size_t>(view.task_count()), def);
    per_task_node_.expect_object();
    for (const auto& key : per_task_node_.keys()) {
      int t = -1;
      for (int i = 0; i < view.task_count(); ++i)
        if (view.task_name(i) == key) t = i;
      if (t < 0) per_task_node_.at(key).fail(fmt::format("unknown task '{}'", key));
      per_task_[static_cast<std::size_t>(t)] = find(per_task_node_.at(key));
    }
  }

 protected:
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) override {
    const auto& ready = view.ready_jobs();
    for (std::size_t i = 0; i < ready.size(); ++i) {
      if (skip[i]) continue;
      const ReadyJob& j = ready[i];
      int p = per_task_[static_cast<std::size_t>(j.task)];
      if (p < 0 || !view.can_run(j.model, j.variant, j.subgraph, p)) p = fastest_alone(view, j);
      if (p < 0) {
        out.drops.push_back({i, "no_processor"});
        continue;
      }
      out.assignments.push_back({i, p});
    }
  }

 private:
  static int fastest_alone(const SystemView& view, const ReadyJob& j) {
    int best = -1;
    sim::Time best_t = sim::Time::max();
    for (int p = 0; p < view.processor_count(); ++p) {
      sim::Time t = view.expected_latency(j.model, j.variant, j.subgraph, p);
      if (t < best_t) best_t = t, best = p;
    }
    return best;
  }
  std::string default_name_;
  sim::ConfigNode default_node_, per_task_node_;
  std::vector<int> per_task_;
};

const sim::Registration<Scheduler> kRegistration{
    "fixed_processor", "each task's jobs always go to one processor (Band: fixed device)",
    with_common_params(
        {sim::param_string("processor", "", "processor for tasks not in per_task (empty: fastest for the unit)"),
         sim::param_json("per_task", sim::Json::object(), "task name -> processor name")}),
    [](const sim::Params& p) { return std::make_unique<FixedProcessor>(p); }};

}  // namespace
}  // namespace policies
