// Simulated requests per second on the default experiment (one thread), measured over a long
// simulated horizon so setup is negligible.
//  - BM_DefaultExperiment: outputs not written; this measures the model.
//  - BM_DefaultExperimentWithTables: `stitchsim run` end to end (run_experiment), streaming the
//    requests and processor_intervals tables to results.h5 in a temporary run directory, no
//    trace (issue 16's goal: >= 1 M requests per second with tables).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"

static void BM_DefaultExperiment(benchmark::State& state) {
  std::string src = STITCHSIM_SOURCE_DIR;
  auto duration = "duration=\"" + std::to_string(state.range(0)) + "s\"";
  auto e = experiments::load_experiment(src + "/experiments/configs/default.json",
                                        {duration, "outputs.trace=false", "outputs.intervals=false"});
  std::int64_t requests = 0;
  for (auto _ : state) {
    experiments::Simulation sim(e);
    auto r = sim.run();
    requests += static_cast<std::int64_t>(r.requests.size());
    benchmark::DoNotOptimize(r.end_time);
  }
  state.SetItemsProcessed(requests);
  state.counters["requests_per_run"] = static_cast<double>(requests) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DefaultExperiment)->Arg(3600)->Unit(benchmark::kMillisecond);

static void BM_DefaultExperimentWithTables(benchmark::State& state) {
  std::string src = STITCHSIM_SOURCE_DIR;
  auto duration = "duration=\"" + std::to_string(state.range(0)) + "s\"";
  auto e = experiments::load_experiment(src + "/experiments/configs/default.json", {duration, "outputs.trace=false"});
  const auto dir = std::filesystem::temp_directory_path() / "stitchsim_bench_tables";
  std::int64_t requests = 0;
  for (auto _ : state) {
    sim::Json summary = experiments::run_experiment(e, dir.string(), true, true);
    requests += summary["overall"]["requests"].get<std::int64_t>();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(requests);
  state.counters["requests_per_run"] = static_cast<double>(requests) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DefaultExperimentWithTables)->Arg(3600)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
