// Re-plan time of the SparseLoom planner (`sparseloom`) at scale: 16 tasks on a synthetic
// 4-processor SoC (cpu, gpu, npu, dsp), each of 4 models with K zoo variants cut into S
// subgraphs; the 16 tasks use the 4 models in turn. Everything is built here from a seed.
//
//  - BM_PlannerBind/K/S: the one-time candidate build when the planner binds (every stitched
//    variant on every contiguous placement, Pareto-filtered per placement). One iteration:
//    candidate sets are cached per profile, so only the first bind builds them.
//  - BM_Replan/K/S: one re-plan, the joint choice over all 16 tasks after an SLO change (each
//    iteration tightens or relaxes one task's latency SLO, so every choose() re-plans).
//    Counter candidates_per_task: the size of the sets the choice searches.
// An argument pair the planner refuses (too many stitched variants x placements to enumerate
// online) is reported as an error row with the planner's message.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "policies/planning.h"
#include "policies/variant_selector.h"
#include "policies/view.h"
#include "sim/config.h"
#include "sim/rng.h"
#include "tests/bench/synthetic_planner.h"

namespace {

using synthetic_planner::kTasks;
using synthetic_planner::PlannerView;

// Views live until the process ends (candidate sets stay cached per profile instance anyway).
PlannerView& new_view(int K, int S) {
  static std::vector<std::unique_ptr<PlannerView>> views;
  views.push_back(std::make_unique<PlannerView>(K, S));
  return *views.back();
}

// A bound `sparseloom` planner, or null after reporting the planner's refusal on `state`.
std::unique_ptr<policies::VariantSelector> bound_planner(benchmark::State& state, PlannerView& view) {
  auto planner =
      policies::make_variant_selector(sim::ConfigNode(sim::Json{{"name", "sparseloom"}}, "<bench>", "$.planner"));
  try {
    planner->bind(view);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
  return planner;
}

void BM_PlannerBind(benchmark::State& state) {
  const int K = static_cast<int>(state.range(0)), S = static_cast<int>(state.range(1));
  for (auto _ : state) {
    // A new profile each time: candidate sets are cached per profile.
    if (!bound_planner(state, new_view(K, S))) return;
  }
}

void BM_Replan(benchmark::State& state) {
  const int K = static_cast<int>(state.range(0)), S = static_cast<int>(state.range(1));
  PlannerView& view = new_view(K, S);
  auto planner = bound_planner(state, view);
  if (!planner) return;
  planner->choose(view, 0);  // the first plan
  // The sets the choice searches (the planner's own cache: same options as its defaults).
  policies::CandidateOptions options;
  options.stitched = true;
  double candidates = 0;
  for (int t = 0; t < kTasks; ++t) {
    candidates += static_cast<double>(policies::task_candidates(view, t, options).size());
  }
  state.counters["candidates_per_task"] = candidates / kTasks;
  std::int64_t i = 0;
  for (auto _ : state) {
    const int task = static_cast<int>(i % kTasks);
    view.nudge_slo(task, (i / kTasks) % 2 == 0);
    benchmark::DoNotOptimize(planner->choose(view, task));
    ++i;
  }
}

void args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"K", "S"});
  for (const auto& [k, s] : std::vector<std::pair<int, int>>{{10, 3}, {16, 3}, {10, 4}, {4, 6}, {16, 6}}) b->Args({k, s});
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_PlannerBind)->Apply(args)->Iterations(1);
BENCHMARK(BM_Replan)->Apply(args);

}  // namespace

BENCHMARK_MAIN();
