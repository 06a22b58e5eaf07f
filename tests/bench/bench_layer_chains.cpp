// Per-layer chains at the event core's speed (issue 16, item 5): three transformer encoders as
// chains of 12, 14 and 16 layer jobs on one accelerator, Poisson 30 req/s each
// (experiments/configs/layer_chains/), scheduled FCFS at the request level. Reports simulated
// jobs and requests per CPU second of the whole run (outputs off), and the start-up: loading the
// experiment and building the run before the first event.
#include <benchmark/benchmark.h>

#include "experiments/experiment.h"
#include "experiments/simulation.h"

namespace {

const std::string kConfig = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/layer_chains/experiment.json";

void BM_LayerChains(benchmark::State& state) {
  auto e = experiments::load_experiment(kConfig, {"duration=\"" + std::to_string(state.range(0)) + "s\"",
                                                  "outputs.trace=false", "outputs.intervals=false",
                                                  "outputs.sinks=[]"});
  std::int64_t jobs = 0, requests = 0;
  for (auto _ : state) {
    experiments::RecordOutput out;
    out.keep_all = false;
    experiments::Simulation sim(e, out);
    auto r = sim.run();
    requests += static_cast<std::int64_t>(r.stats.all.requests);
    for (auto j : r.jobs_per_processor) jobs += static_cast<std::int64_t>(j);
  }
  state.SetItemsProcessed(jobs);
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  state.counters["jobs_per_run"] = static_cast<double>(jobs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LayerChains)->Arg(222)->Unit(benchmark::kMillisecond);  // ~20,000 requests at 90 req/s, as the peer's trace

void BM_LayerChainsStartup(benchmark::State& state) {
  for (auto _ : state) {
    auto e = experiments::load_experiment(kConfig, {"outputs.trace=false", "outputs.sinks=[]"});
    experiments::Simulation sim(e);
    benchmark::DoNotOptimize(&sim);
  }
}
BENCHMARK(BM_LayerChainsStartup)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
