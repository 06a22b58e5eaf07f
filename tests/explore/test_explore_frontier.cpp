// The exploration core: placement counting, enumeration with feasibility, and the exact
// frontier search checked against brute force on random synthetic spaces.
#include <gtest/gtest.h>
#include <omp.h>

#include <set>
#include <tuple>

#include "hw-models/stitching/enumerate.h"
#include "hw-models/stitching/frontier.h"
#include "tests/explore/synthetic.h"

namespace ex = stitching;
using explore_test::SyntheticOptions;

namespace {

// Independent placement check: the rule, straight from its definition.
bool allowed(ex::PlacementRule rule, const std::vector<int>& p) {
  if (rule == ex::PlacementRule::kAny) return true;
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = i + 1; j < p.size(); ++j) {
      if (p[i] != p[j]) continue;
      if (rule == ex::PlacementRule::kOnePerProcessor) return false;
      for (std::size_t k = i; k <= j; ++k)
        if (p[k] != p[i]) return false;  // a processor's subgraphs must be contiguous
    }
  return true;
}

std::uint64_t count_by_definition(ex::PlacementRule rule, int P, int S) {
  std::uint64_t n = 0, total = 1;
  for (int s = 0; s < S; ++s) total *= static_cast<std::uint64_t>(P);
  for (std::uint64_t code = 0; code < total; ++code) {
    std::vector<int> p;
    for (std::uint64_t c = code, s = 0; s < static_cast<std::uint64_t>(S); ++s, c /= static_cast<std::uint64_t>(P))
      p.push_back(static_cast<int>(c % static_cast<std::uint64_t>(P)));
    n += allowed(rule, p) ? 1 : 0;
  }
  return n;
}

ex::AccuracyModel additive_model(const hw::ModelProfile& m) {
  return ex::make_accuracy_estimator(sim::ConfigNode(sim::Json("analytic"), "<test>"))->fit(m, {});
}

// An accuracy model with random adjacent-pair terms (the form the xgboost estimator produces).
ex::AccuracyModel pair_model(const hw::ModelProfile& m, std::uint64_t seed) {
  ex::AccuracyModel a = additive_model(m);
  sim::Rng rng = sim::Rng::stream(seed, "pair-terms");
  a.pair.assign(static_cast<std::size_t>(a.subgraphs * a.variants * a.variants), 0.0);
  for (auto& t : a.pair) t = rng.uniform(-0.01, 0.0);
  return a;
}

using Vec = std::tuple<double, std::int64_t, std::int64_t>;
std::set<Vec> vectors(const std::vector<ex::FrontierPoint>& f) {
  std::set<Vec> out;
  for (const auto& p : f) out.insert({p.accuracy, p.latency_ns, p.memory_bytes});
  return out;
}

// Every frontier point's tuple and placement really has the reported objectives.
void check_points(const ex::StitchSpace& sp, const ex::AccuracyModel& acc, const std::vector<hw::StitchedAccuracy>& meas,
                  const std::vector<ex::FrontierPoint>& f) {
  for (const auto& p : f) {
    ex::Cost c = ex::evaluate_cost(sp, p.variants.data(), p.processors.data());
    ASSERT_EQ(c.latency_ns, p.latency_ns);
    ASSERT_EQ(c.memory_bytes(), p.memory_bytes);
    ASSERT_TRUE(allowed(sp.placement, p.processors));
    double expect = acc.evaluate(p.variants.data());
    for (const auto& m : meas)
      if (m.variants == p.variants) expect = m.accuracy;
    ASSERT_EQ(expect, p.accuracy);
  }
}

}  // namespace

TEST(ExplorePlacement, CountsMatchTheDefinition) {
  for (auto rule : {ex::PlacementRule::kAny, ex::PlacementRule::kContiguous, ex::PlacementRule::kOnePerProcessor})
    for (int P = 1; P <= 4; ++P)
      for (int S = 1; S <= 5; ++S) {
        ex::PlacementAutomaton au(rule, P);
        EXPECT_EQ(au.count_sequences(S), count_by_definition(rule, P, S)) << ex::to_string(rule) << " P=" << P << " S=" << S;
      }
  EXPECT_EQ(ex::PlacementAutomaton(ex::PlacementRule::kOnePerProcessor, 3).count_sequences(3), 6u);  // the paper's orders
}

TEST(ExploreEnumeration, VisitsEveryFeasiblePairOnce) {
  SyntheticOptions o;
  o.subgraphs = 4;
  o.variants = 3;
  o.missing_share = 0;
  hw::Profile prof = explore_test::synthetic_profile(o);
  // Remove the NPU's fp32 restriction's effect by counting directly: K^S tuples times the
  // sequences whose every unit has a latency entry.
  for (auto rule : {ex::PlacementRule::kAny, ex::PlacementRule::kContiguous}) {
    ex::SpaceSettings st;
    st.placement = rule;
    ex::StitchSpace sp = ex::build_space(prof, 0, explore_test::synthetic_platform(), st);
    ex::AccuracyModel acc = additive_model(prof.models[0]);
    ex::MeasuredAccuracy none(sp.subgraphs, sp.variants, {});
    std::uint64_t visited = 0;
    std::set<std::vector<int>> seen;
    auto visit = [&](const ex::Evaluated& e) {
      ++visited;
      std::vector<int> key(e.variants, e.variants + sp.subgraphs);
      key.insert(key.end(), e.processors, e.processors + sp.subgraphs);
      seen.insert(key);
      ex::Cost c = ex::evaluate_cost(sp, e.variants, e.processors);
      ASSERT_EQ(c.latency_ns, e.latency_ns);
      ASSERT_EQ(c.memory_bytes(), e.memory_bytes);
    };
    ex::enumerate(sp, ex::PlacementAutomaton(rule, 3), acc, none, visit, 0, sp.variants);
    // Independent count over all K^S * P^S pairs.
    std::uint64_t expect = 0;
    int S = sp.subgraphs, K = sp.variants;
    std::vector<int> x(4), p(4);
    for (int code = 0; code < 81 * 81; ++code) {
      int c = code;
      for (int s = 0; s < S; ++s, c /= 3) x[static_cast<std::size_t>(s)] = c % K;
      for (int s = 0; s < S; ++s, c /= 3) p[static_cast<std::size_t>(s)] = c % 3;
      if (allowed(rule, p) && ex::evaluate_cost(sp, x.data(), p.data()).latency_ns >= 0) ++expect;
    }
    EXPECT_EQ(visited, expect);
    EXPECT_EQ(seen.size(), visited);
  }
}

TEST(ExploreEnumeration, InfeasiblePairsAreExcluded) {
  SyntheticOptions o;
  o.subgraphs = 3;
  o.variants = 5;
  o.missing_share = 0.3;
  hw::Profile prof = explore_test::synthetic_profile(o);
  ex::SpaceSettings st;
  st.placement = ex::PlacementRule::kAny;
  ex::StitchSpace full = ex::build_space(prof, 0, explore_test::synthetic_platform(), st);
  // A budget between the smallest and largest stitched variant.
  st.memory_budget_bytes = 60'000'000;
  ex::StitchSpace sp = ex::build_space(prof, 0, explore_test::synthetic_platform(), st);
  ex::AccuracyModel acc = additive_model(prof.models[0]);
  ex::MeasuredAccuracy none(sp.subgraphs, sp.variants, {});
  std::uint64_t visited = 0, missing_units = 0;
  auto visit = [&](const ex::Evaluated& e) {
    ++visited;
    ASSERT_LE(e.memory_bytes, 60'000'000);
    for (int s = 0; s < sp.subgraphs; ++s) ASSERT_GE(sp.unit_latency(s, e.variants[s], e.processors[s]), 0);
  };
  ex::enumerate(sp, ex::PlacementAutomaton(sp.placement, 3), acc, none, visit, 0, sp.variants);
  for (auto l : full.unit_latency_ns) missing_units += l < 0 ? 1 : 0;
  EXPECT_GT(missing_units, 0u);  // the test exercises missing entries
  EXPECT_GT(visited, 0u);
  std::uint64_t all = 0;
  auto count = [&](const ex::Evaluated&) { ++all; };
  ex::enumerate(full, ex::PlacementAutomaton(full.placement, 3), acc, none, count, 0, full.variants);
  EXPECT_LT(visited, all);  // the budget removed some
  for (const auto& p : ex::exact_frontier(sp, acc, none)) EXPECT_LE(p.memory_bytes, 60'000'000);
}

struct FrontierCase {
  int subgraphs, variants;
  ex::PlacementRule rule;
  bool pairs, measured;
};

class FrontierVsBruteForce : public ::testing::TestWithParam<FrontierCase> {};

TEST_P(FrontierVsBruteForce, SameFrontierOnRandomSpaces) {
  const FrontierCase c = GetParam();
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SyntheticOptions o;
    o.subgraphs = c.subgraphs;
    o.variants = c.variants;
    o.seed = seed;
    o.activation_by_precision = seed % 2 == 0;
    hw::Profile prof = explore_test::synthetic_profile(o);
    ex::SpaceSettings st;
    st.placement = c.rule;
    st.memory_budget_bytes = seed % 3 == 0 ? 70'000'000 : 0;
    ex::StitchSpace sp = ex::build_space(prof, 0, explore_test::synthetic_platform(), st);
    const auto& m = prof.models[0];
    ex::AccuracyModel acc = c.pairs ? pair_model(m, seed) : additive_model(m);
    std::vector<hw::StitchedAccuracy> meas_rows;
    // The zoo diagonal is always measured; some cases add measured off-diagonal tuples.
    std::vector<ex::AccuracySample> samples = ex::measured_samples(m);
    for (const auto& smp : samples) meas_rows.push_back({smp.variants, smp.accuracy, {}});
    if (c.measured) {
      // Measured values both above and below the estimate, so overrides can add and remove points.
      auto extra = explore_test::sample_stitched(m, 12, seed, [&](const hw::ModelProfile&, const std::vector<int>& x) {
        return acc.evaluate(x.data()) + (x[0] % 2 ? 0.02 : -0.02);
      });
      for (const auto& r : extra) samples.push_back({r.variants, r.accuracy});
      meas_rows.insert(meas_rows.end(), extra.begin(), extra.end());
    }
    ex::MeasuredAccuracy meas(sp.subgraphs, sp.variants, samples);
    auto dp = ex::exact_frontier(sp, acc, meas);
    auto bf = ex::brute_force_frontier(sp, acc, meas);
    ASSERT_FALSE(bf.empty());
    EXPECT_EQ(vectors(dp), vectors(bf)) << "seed " << seed;
    EXPECT_EQ(dp.size(), bf.size());
    check_points(sp, acc, meas_rows, dp);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Spaces, FrontierVsBruteForce,
    ::testing::Values(FrontierCase{3, 4, ex::PlacementRule::kOnePerProcessor, false, false},
                      FrontierCase{3, 6, ex::PlacementRule::kContiguous, false, false},
                      FrontierCase{4, 5, ex::PlacementRule::kAny, false, false},
                      FrontierCase{5, 4, ex::PlacementRule::kContiguous, true, false},
                      FrontierCase{4, 5, ex::PlacementRule::kAny, true, true},
                      FrontierCase{3, 6, ex::PlacementRule::kOnePerProcessor, false, true},
                      FrontierCase{1, 7, ex::PlacementRule::kAny, false, false},
                      // Large enough for multi-block staircases in the dominance filter.
                      FrontierCase{5, 8, ex::PlacementRule::kAny, false, true}));

TEST(ExploreFrontier, IdenticalAtAnyThreadCount) {
  SyntheticOptions o;
  o.subgraphs = 8;
  o.variants = 10;
  hw::Profile prof = explore_test::synthetic_profile(o);
  ex::SpaceSettings st;
  st.placement = ex::PlacementRule::kAny;
  ex::StitchSpace sp = ex::build_space(prof, 0, explore_test::synthetic_platform(), st);
  ex::AccuracyModel acc = pair_model(prof.models[0], 3);
  ex::MeasuredAccuracy meas(sp.subgraphs, sp.variants, ex::measured_samples(prof.models[0]));
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  auto one = ex::exact_frontier(sp, acc, meas);
  omp_set_num_threads(2);
  auto two = ex::exact_frontier(sp, acc, meas);
  omp_set_num_threads(saved);
  ASSERT_EQ(one.size(), two.size());
  ASSERT_GT(one.size(), 10u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].variants, two[i].variants);
    EXPECT_EQ(one[i].processors, two[i].processors);
    EXPECT_EQ(one[i].accuracy, two[i].accuracy);
  }
}

TEST(ExploreFrontier, ParetoIndicesKeepOneOfEqualPointsAndDropDominated) {
  std::vector<ex::Objectives> pts = {{0.8, 10, 100}, {0.8, 10, 100}, {0.7, 10, 100}, {0.9, 20, 100},
                                     {0.9, 20, 90},  {0.6, 5, 200},   {0.6, 5, 300}};
  auto idx = ex::pareto_indices(pts);
  EXPECT_EQ(idx, (std::vector<std::size_t>{5, 0, 4}));
}
