// No preloading: every unit is loaded on first use (and cached while memory allows).
#include "policies/preloader.h"
#include "sim/registry.h"

namespace policies {
namespace {

class NoPreload final : public Preloader {
 public:
  std::vector<UnitRef> choose(const SystemView&, const std::vector<std::vector<Plan>>&, std::int64_t) override {
    return {};
  }
};

const sim::Registration<Preloader> kRegistration{"none", "preload nothing", {},
                                                 [](const sim::Params&) { return std::make_unique<NoPreload>(); }};

}  // namespace
}  // namespace policies
