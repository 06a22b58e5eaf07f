// Fixed variant: every request uses the variant its task's config names.
#include "policies/variant_selector.h"
#include "sim/registry.h"

namespace policies {
namespace {

class FixedVariant final : public VariantSelector {
 public:
  int choose(const SystemView& view, int task) override { return view.task_variant(task); }
};

const sim::Registration<VariantSelector> kRegistration{
    "fixed", "always the variant named in the task's config", {},
    [](const sim::Params&) { return std::make_unique<FixedVariant>(); }};

}  // namespace
}  // namespace policies
