// Simulated requests per second on the default experiment (one thread), measured over a long
// simulated horizon so setup is negligible. Outputs are not written: this measures the model.
#include <benchmark/benchmark.h>

#include "experiments/experiment.h"
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

BENCHMARK_MAIN();
