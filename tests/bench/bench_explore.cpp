// Exploration throughput on synthetic profiles (tests/explore/synthetic.h):
//  - BM_Evaluations: exhaustive enumeration of (stitched variant, placement) pairs with latency,
//    memory and accuracy, split over OpenMP threads by the first subgraph's variant.
//    items_per_second = pairs evaluated per second. Evaluation is incremental along the prefix
//    (one step per subgraph and pair, as every enumeration does), so this is the rate of
//    complete pair evaluations, not of independent from-scratch evaluations.
//  - BM_EvaluationsFromScratch: the same pairs each evaluated from scratch (S steps per pair).
//  - BM_Frontier: the exact frontier of a K^S space by the dynamic programme, e.g. 16^12.
// Run: build-explore/tests/bench/bench_explore --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <omp.h>

#include "hw-models/stitching/enumerate.h"
#include "hw-models/stitching/frontier.h"
#include "tests/explore/synthetic.h"

namespace ex = stitching;

namespace {

struct Setup {
  hw::Profile profile;
  ex::StitchSpace space;
  ex::AccuracyModel accuracy;
  ex::MeasuredAccuracy measured;
  Setup(int S, int K, ex::PlacementRule rule) {
    explore_test::SyntheticOptions o;
    o.subgraphs = S;
    o.variants = K;
    o.seed = 7;
    o.missing_share = 0.05;
    profile = explore_test::synthetic_profile(o);
    ex::SpaceSettings st;
    st.placement = rule;
    space = ex::build_space(profile, 0, explore_test::synthetic_platform(), st);
    accuracy = ex::make_accuracy_estimator(sim::ConfigNode(sim::Json("analytic"), "<bench>"))->fit(profile.models[0], {});
    measured = ex::MeasuredAccuracy(S, K, ex::measured_samples(profile.models[0]));
  }
};

void BM_Evaluations(benchmark::State& state) {
  Setup setup(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), ex::PlacementRule::kAny);
  const ex::PlacementAutomaton au(setup.space.placement, setup.space.processors);
  std::uint64_t total = 0;
  double checksum = 0;
  for (auto _ : state) {
    std::uint64_t pairs = 0;
    double sum = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : pairs, sum)
    for (int v = 0; v < setup.space.variants; ++v) {
      std::uint64_t n = 0;
      double acc_sum = 0;
      std::int64_t lat_sum = 0;
      auto visit = [&](const ex::Evaluated& e) {
        ++n;
        acc_sum += e.accuracy;
        lat_sum += e.latency_ns + e.memory_bytes;
      };
      ex::enumerate(setup.space, au, setup.accuracy, setup.measured, visit, v, v + 1);
      pairs += n;
      sum += acc_sum + static_cast<double>(lat_sum);
    }
    total += pairs;
    checksum += sum;
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.counters["threads"] = omp_get_max_threads();
}
BENCHMARK(BM_Evaluations)->Args({4, 16})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EvaluationsFromScratch(benchmark::State& state) {
  Setup setup(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), ex::PlacementRule::kAny);
  const ex::PlacementAutomaton au(setup.space.placement, setup.space.processors);
  // The pairs to evaluate: every feasible one, collected once.
  std::vector<int> pairs;
  auto collect = [&](const ex::Evaluated& e) {
    pairs.insert(pairs.end(), e.variants, e.variants + setup.space.subgraphs);
    pairs.insert(pairs.end(), e.processors, e.processors + setup.space.subgraphs);
  };
  ex::enumerate(setup.space, au, setup.accuracy, setup.measured, collect, 0, setup.space.variants);
  const std::int64_t S = setup.space.subgraphs;
  const std::int64_t n = static_cast<std::int64_t>(pairs.size()) / (2 * S);
  std::uint64_t total = 0;
  double checksum = 0;
  for (auto _ : state) {
    double sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (std::int64_t i = 0; i < n; ++i) {
      const int* x = pairs.data() + i * 2 * S;
      ex::Cost c = ex::evaluate_cost(setup.space, x, x + S);
      sum += setup.accuracy.evaluate(x) + static_cast<double>(c.latency_ns + c.memory_bytes());
    }
    total += static_cast<std::uint64_t>(n);
    checksum += sum;
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
}
BENCHMARK(BM_EvaluationsFromScratch)->Args({4, 16})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Frontier(benchmark::State& state) {
  auto rule = static_cast<ex::PlacementRule>(state.range(2));
  Setup setup(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), rule);
  ex::FrontierStats stats;
  std::size_t size = 0;
  for (auto _ : state) {
    auto f = ex::exact_frontier(setup.space, setup.accuracy, setup.measured, &stats);
    size = f.size();
    benchmark::DoNotOptimize(f);
  }
  state.counters["frontier"] = static_cast<double>(size);
  state.counters["candidates"] = static_cast<double>(stats.candidates);
  state.counters["largest_layer"] = static_cast<double>(stats.largest_layer);
  state.counters["tuples"] = setup.space.tuple_count();
}
BENCHMARK(BM_Frontier)
    ->Args({12, 16, static_cast<int>(ex::PlacementRule::kContiguous)})
    ->Args({12, 16, static_cast<int>(ex::PlacementRule::kAny)})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
