// Hot-subgraph preloading (SparseLoom): hotness(unit) = frequency + uniqueness_weight * unique,
// where frequency is the share of anticipated plans (over tasks and SLO configurations) that use
// the unit, and unique is 1 when some anticipated plan of a task uses the unit and no other
// distinct plan of that task does (losing it would leave that SLO with no resident option).
// Units are offered hottest first; ties go to the smaller unit, then to index order.
#include <algorithm>
#include <map>

#include "policies/preloader.h"
#include "sim/registry.h"

namespace policies {
namespace {

class HotnessPreload final : public Preloader {
 public:
  explicit HotnessPreload(double uniqueness_weight) : uniqueness_weight_(uniqueness_weight) {}

  std::vector<UnitRef> choose(const SystemView& view, const std::vector<std::vector<Plan>>& anticipated,
                              std::int64_t) override {
    struct Score {
      double frequency = 0;
      bool unique = false;
    };
    std::map<std::tuple<int, int, int>, Score> score;
    double total = 0;
    for (int t = 0; t < static_cast<int>(anticipated.size()); ++t) total += static_cast<double>(anticipated[t].size());
    for (int t = 0; t < static_cast<int>(anticipated.size()); ++t) {
      int model = view.task_model(t);
      int S = view.profile().models[static_cast<std::size_t>(model)].subgraph_count;
      std::map<std::tuple<int, int, int>, int> distinct_plans_using;
      std::vector<Plan> distinct;
      for (const Plan& p : anticipated[t]) {
        if (std::find(distinct.begin(), distinct.end(), p) == distinct.end()) distinct.push_back(p);
        for (int s = 0; s < S; ++s) score[{model, p.variant[static_cast<std::size_t>(s)], s}].frequency += 1.0 / total;
      }
      for (const Plan& p : distinct)
        for (int s = 0; s < S; ++s) ++distinct_plans_using[{model, p.variant[static_cast<std::size_t>(s)], s}];
      for (const auto& [unit, n] : distinct_plans_using)
        if (n == 1 && distinct.size() > 1) score[unit].unique = true;
    }
    std::vector<std::pair<double, UnitRef>> ranked;
    for (const auto& [u, sc] : score) {
      UnitRef ref{std::get<0>(u), std::get<1>(u), std::get<2>(u)};
      ranked.push_back({sc.frequency + (sc.unique ? uniqueness_weight_ : 0.0), ref});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return unit_weights(view, a.second) < unit_weights(view, b.second);
    });
    std::vector<UnitRef> out;
    for (const auto& r : ranked) out.push_back(r.second);
    return out;
  }

 private:
  double uniqueness_weight_;
};

const sim::Registration<Preloader> kRegistration{
    "hotness", "SparseLoom: preload the hottest subgraphs (usage frequency + uniqueness) within the budget",
    {sim::param_double("uniqueness_weight", 0.5, "", "hotness bonus of a unit only one anticipated plan uses", 0.0)},
    [](const sim::Params& p) { return std::make_unique<HotnessPreload>(p.get_double("uniqueness_weight")); }};

}  // namespace
}  // namespace policies
