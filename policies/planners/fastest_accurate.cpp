// Fastest accurate variant: the variant with the lowest fastest-path latency among those whose
// accuracy meets the task's current minimum; if none does, the most accurate one. Follows SLO
// changes, since it reads the SLO at each arrival. Choices are cached per (task, SLO) because
// they depend only on the profile and the SLO, not on load.
#include "policies/variant_selector.h"
#include "sim/registry.h"

namespace policies {
namespace {

class FastestAccurateVariant final : public VariantSelector {
 public:
  Plan choose(const SystemView& view, int task) override {
    int v = choose_variant(view, task);
    return Plan::diagonal(v, zoo_accuracy(view, task, v));
  }

 private:
  int choose_variant(const SystemView& view, int task) {
    if (cache_.size() != static_cast<std::size_t>(view.task_count())) cache_.assign(static_cast<std::size_t>(view.task_count()), {});
    Entry& e = cache_[static_cast<std::size_t>(task)];
    double min_acc = view.task_slo(task).min_accuracy;
    if (e.variant >= 0 && e.min_accuracy == min_acc) return e.variant;
    int model = view.task_model(task);
    const auto& variants = view.profile().models[model].variants;
    int best = -1, most_accurate = -1;
    sim::Time best_t = sim::Time::max();
    for (int v = 0; v < static_cast<int>(variants.size()); ++v) {
      if (!runnable(view, model, v)) continue;
      if (most_accurate < 0 || variants[v].accuracy > variants[most_accurate].accuracy) most_accurate = v;
      if (variants[v].accuracy < min_acc) continue;
      sim::Time t = view.best_remaining(model, v, 0);
      if (t < best_t) best_t = t, best = v;
    }
    e = Entry{best >= 0 ? best : most_accurate, min_acc};
    return e.variant;
  }

  struct Entry {
    int variant = -1;
    double min_accuracy = -1;
  };
  std::vector<Entry> cache_;
};

const sim::Registration<VariantSelector> kRegistration{
    "fastest_accurate", "fastest variant that meets the task's accuracy SLO (else the most accurate)", {},
    [](const sim::Params&) { return std::make_unique<FastestAccurateVariant>(); }};

}  // namespace
}  // namespace policies
