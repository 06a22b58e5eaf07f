// Fixed variant: every request uses the variant its task's config names.
#include "policies/variant_selector.h"
#include "sim/registry.h"

namespace policies {
namespace {

class FixedVariant final : public VariantSelector {
 public:
  Plan choose(const SystemView& view, int task) override {
    int v = view.task_variant(task);
    return Plan::diagonal(v, zoo_accuracy(view, task, v));
  }
};

const sim::Registration<VariantSelector> kRegistration{
    "fixed", "always the variant named in the task's config", {},
    [](const sim::Params&) { return std::make_unique<FixedVariant>(); }};

}  // namespace
}  // namespace policies
