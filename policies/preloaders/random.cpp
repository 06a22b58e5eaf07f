// Random preloading (the ablation baseline): every unit of the tasks' zoos in a seeded random
// order, filled until the budget is used.
#include <algorithm>

#include "policies/preloader.h"
#include "sim/registry.h"
#include "sim/rng.h"

namespace policies {
namespace {

class RandomPreload final : public Preloader {
 public:
  explicit RandomPreload(std::uint64_t seed) : seed_(seed) {}
  std::vector<UnitRef> choose(const SystemView& view, const std::vector<std::vector<Plan>>&, std::int64_t) override {
    std::vector<UnitRef> units;
    std::vector<bool> seen(view.profile().models.size(), false);
    for (int t = 0; t < view.task_count(); ++t) {
      int m = view.task_model(t);
      if (seen[static_cast<std::size_t>(m)]) continue;
      seen[static_cast<std::size_t>(m)] = true;
      const auto& mp = view.profile().models[static_cast<std::size_t>(m)];
      for (int v = 0; v < static_cast<int>(mp.variants.size()); ++v)
        for (int s = 0; s < mp.subgraph_count; ++s) units.push_back({m, v, s});
    }
    auto rng = sim::Rng::stream(seed_, "preloader/random", 0);
    for (std::size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[rng.below(i)]);
    return units;
  }

 private:
  std::uint64_t seed_;
};

const sim::Registration<Preloader> kRegistration{
    "random", "preload units of the tasks' zoos in random order until the budget is full (ablation)",
    {sim::param_int("seed", 1, "", "order seed", 0)},
    [](const sim::Params& p) { return std::make_unique<RandomPreload>(static_cast<std::uint64_t>(p.get_int("seed"))); }};

}  // namespace
}  // namespace policies
