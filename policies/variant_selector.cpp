#include "policies/variant_selector.h"

#include "sim/registry.h"

namespace policies {

bool runnable(const SystemView& view, int model, int variant) {
  int count = view.profile().models[model].subgraph_count;
  for (int s = 0; s < count; ++s) {
    bool any = false;
    for (int p = 0; p < view.processor_count() && !any; ++p) any = view.can_run(model, variant, s, p);
    if (!any) return false;
  }
  return true;
}

double zoo_accuracy(const SystemView& view, int task, int variant) {
  return view.profile().models[static_cast<std::size_t>(view.task_model(task))].variants[static_cast<std::size_t>(variant)].accuracy;
}

std::vector<std::vector<Plan>> VariantSelector::anticipated_plans(const SystemView& view) {
  std::vector<std::vector<Plan>> out;
  for (int t = 0; t < view.task_count(); ++t) out.push_back({choose(view, t)});
  return out;
}

std::unique_ptr<VariantSelector> make_variant_selector(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<VariantSelector>::instance().create(node, resolved);
}

}  // namespace policies
