// A synthetic planner workload shared by bench_planner and the planner tests: a 4-processor SoC
// (cpu, gpu, npu, dsp) and 4 models with K zoo variants cut into S subgraphs, built from a seed;
// 16 tasks use the 4 models in turn, one request per second each, all active.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "policies/view.h"
#include "sim/config.h"
#include "sim/rng.h"

namespace synthetic_planner {

constexpr int kTasks = 16;
constexpr int kModels = 4;
constexpr int kProcessors = 4;
const char* const kProcessorNames[kProcessors] = {"cpu", "gpu", "npu", "dsp"};
const char* const kPrecisions[] = {"fp32", "fp16", "int8"};

// Model m: K variants (v0 dense fp32, the rest random precision and sparsity, accuracy falling
// with both), S subgraphs with random base latency and weights; every processor but the NPU
// runs fp32; speeds differ per processor and precision as on a phone SoC.
inline hw::ModelProfile synthetic_model(int index, int K, int S, sim::Rng& rng) {
  hw::ModelProfile m;
  m.name = "model" + std::to_string(index);
  m.subgraph_count = S;
  for (int v = 0; v < K; ++v) {
    hw::ZooVariant z;
    z.name = "v" + std::to_string(v);
    z.precision = v == 0 ? "fp32" : kPrecisions[rng.below(3)];
    z.sparsity = v == 0 ? 0.0 : 0.1 * static_cast<double>(rng.below(9));
    z.pruning = z.sparsity == 0 ? "none" : (rng.below(2) ? "structured" : "unstructured");
    const double drop = (z.precision == std::string("int8") ? 0.01 : z.precision == std::string("fp16") ? 0.002 : 0.0) +
                        0.08 * z.sparsity * z.sparsity + rng.uniform(0.0, 0.004);
    z.accuracy = 0.80 - drop;
    m.variants.push_back(z);
  }
  // speed[processor][precision]: fraction of the base latency.
  const double speed[kProcessors][3] = {{1.0, 0.9, 0.6}, {0.3, 0.18, 0.22}, {0.5, 0.15, 0.05}, {0.7, 0.3, 0.12}};
  std::vector<double> base_ms(static_cast<std::size_t>(S)), base_mb(static_cast<std::size_t>(S));
  for (int s = 0; s < S; ++s) {
    base_ms[static_cast<std::size_t>(s)] = rng.uniform(1.0, 6.0);
    base_mb[static_cast<std::size_t>(s)] = rng.uniform(2.0, 20.0);
  }
  m.memory.resize(static_cast<std::size_t>(K * S));
  m.latency.resize(static_cast<std::size_t>(K * S * kProcessors));
  for (int v = 0; v < K; ++v) {
    const auto& z = m.variants[static_cast<std::size_t>(v)];
    const int pc = z.precision == std::string("fp32") ? 0 : z.precision == std::string("fp16") ? 1 : 2;
    const double bytes = (pc == 0 ? 1.0 : pc == 1 ? 0.5 : 0.25) * (z.pruning == "none" ? 1.0 : 1.0 - 0.8 * z.sparsity);
    for (int s = 0; s < S; ++s) {
      auto& u = m.memory[static_cast<std::size_t>(v * S + s)];
      u.weights_bytes = static_cast<std::int64_t>(base_mb[static_cast<std::size_t>(s)] * 1e6 * bytes);
      u.activation_bytes = 1'000'000;
      for (int p = 0; p < kProcessors; ++p) {
        if (p == 2 && pc == 0) continue;  // no fp32 on the NPU
        const double sparse = z.pruning == "structured" ? 1.0 - 0.7 * z.sparsity : 1.0;
        hw::LatencyDist d;
        d.mean_ms = base_ms[static_cast<std::size_t>(s)] * speed[p][pc] * sparse * rng.uniform(0.9, 1.1);
        m.latency[static_cast<std::size_t>((v * S + s) * kProcessors + p)] = d;
      }
    }
  }
  return m;
}

// The planner's read-only view: 16 tasks, one request per second each, all active.
class PlannerView final : public policies::SystemView {
 public:
  explicit PlannerView(int K, int S, std::uint64_t seed = 7) {
    sim::Rng rng = sim::Rng::stream(seed, "bench-planner");
    profile_.file = "synthetic-planner-profile";
    for (int p = 0; p < kProcessors; ++p) {
      profile_.processors.push_back(kProcessorNames[p]);
      platform_.processors.push_back({kProcessorNames[p], hw::ProcessorKind::kCpu, 1});
    }
    platform_.name = "synthetic-4";
    platform_.memory_capacity_bytes = 8'000'000'000;
    platform_.handoff.assign(kProcessors, std::vector<sim::Time>(kProcessors, sim::from_us(100)));
    for (int m = 0; m < kModels; ++m) profile_.models.push_back(synthetic_model(m, K, S, rng));
    for (int t = 0; t < kTasks; ++t) {
      names_.push_back("task" + std::to_string(t));
      slo_.push_back({40.0, 0.78});
    }
  }
  // Changes one task's latency SLO; the next choose() re-plans.
  void nudge_slo(int task, bool tighten) { slo_[static_cast<std::size_t>(task)].latency_ms = tighten ? 20.0 : 40.0; }

  sim::Time now() const override { return sim::Time::zero(); }
  const hw::Platform& platform() const override { return platform_; }
  const hw::Profile& profile() const override { return profile_; }
  const hw::LatencyModel& latency_model() const override { return *latency_; }
  int busy_slots(int) const override { return 0; }
  std::size_t queue_length(int) const override { return 0; }
  sim::Time backlog(int) const override { return sim::Time::zero(); }
  sim::Time expected_latency(int model, int variant, int subgraph, int processor) const override {
    const auto* d = profile_.latency(model, variant, subgraph, processor);
    return d == nullptr ? sim::Time::max() : sim::from_ms(d->mean_ms);
  }
  sim::Time expected_load(int, int, int) const override { return sim::Time::zero(); }
  int task_count() const override { return kTasks; }
  const std::string& task_name(int t) const override { return names_[static_cast<std::size_t>(t)]; }
  int task_model(int t) const override { return t % kModels; }
  int task_variant(int) const override { return 0; }
  double task_rate_rps(int) const override { return 1.0; }
  bool task_active(int) const override { return true; }
  std::int64_t memory_used_bytes() const override { return 0; }
  const workloads::Slo& task_slo(int t) const override { return slo_[static_cast<std::size_t>(t)]; }
  const std::vector<policies::ReadyJob>& ready_jobs() const override { return ready_; }

 private:
  hw::Platform platform_;
  hw::Profile profile_;
  std::vector<std::string> names_;
  std::vector<workloads::Slo> slo_;
  std::vector<policies::ReadyJob> ready_;
  std::unique_ptr<hw::LatencyModel> latency_ =
      hw::make_latency_model(sim::ConfigNode(sim::Json("profile_table"), "bench", "$.latency_model"));
};

}  // namespace synthetic_planner
