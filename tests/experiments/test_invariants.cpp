// Invariants that hold for every registered execution model, scheduler and variant selector,
// checked on a run
// whose memory is too small for all models (so loads, evictions and memory waits happen):
// no processor slot runs two jobs at once, memory never exceeds capacity, every request ends
// finished or dropped with a reason, and the same seed gives an identical summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "sim/registry.h"

namespace {

const std::string kDefault = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/default.json";

experiments::Experiment load(const std::string& execution, const std::string& scheduler, const std::string& selector,
                             std::uint64_t seed, bool early_drop) {
  std::vector<std::string> sets = {
      "execution_model.name=" + execution,
      "scheduler={\"name\":\"" + scheduler + "\",\"early_drop\":" + (early_drop ? "true" : "false") + "}",
      "variant_selector.name=" + selector,
      "duration=\"8s\"",
      // Every task on its fp32 variant: the four models need about 1.1 GB, memory holds 0.6 GB.
      "tasks.0.variant=dense_fp32", "tasks.1.variant=dense_fp32", "tasks.2.variant=dense_fp32",
      "tasks.3.variant=dense_fp32", "platform.memory.capacity_bytes=600000000",
      // fp32 runs on the CPU/GPU only (measured profile): loose SLOs so early drop still runs jobs.
      "tasks.0.slo.latency_ms=5000", "tasks.1.slo.latency_ms=5000", "tasks.2.slo.latency_ms=5000",
      "tasks.3.slo.latency_ms=20000"};
  // The platform is a path in default.json; inline it so the override can change memory.
  sim::Json config = sim::read_json_file(kDefault);
  std::string base = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs";
  config["platform"] = sim::read_json_file(base + "/" + config["platform"].get<std::string>());
  for (const auto& s : sets) sim::apply_override(config, s);
  config["seed"] = seed;
  return experiments::load_experiment_json(config, kDefault, base);
}

void check_invariants(const experiments::Experiment& e, const experiments::RunResult& r) {
  // 1. No slot runs two jobs at once.
  std::map<std::pair<int, int>, std::vector<std::pair<std::int64_t, std::int64_t>>> by_slot;
  for (const auto& iv : r.intervals) {
    ASSERT_LE(iv.start, iv.end);
    ASSERT_LT(iv.slot, e.platform.processors[static_cast<std::size_t>(iv.processor)].slots);
    by_slot[{iv.processor, iv.slot}].push_back({iv.start.ns, iv.end.ns});
  }
  for (auto& [key, v] : by_slot) {
    std::sort(v.begin(), v.end());
    for (std::size_t i = 1; i < v.size(); ++i) {
      ASSERT_LE(v[i - 1].second, v[i].first) << "overlap on processor " << key.first << " slot " << key.second;
    }
  }
  // 2. Memory never exceeds capacity (the pool also throws if it would).
  EXPECT_LE(r.peak_memory_bytes, e.platform.memory_capacity_bytes);
  EXPECT_GT(r.peak_memory_bytes, 0);
  // 3. Every request finished or dropped with a reason, never both.
  ASSERT_FALSE(r.requests.empty());
  for (const auto& q : r.requests) {
    ASSERT_NE(q.finished(), q.dropped()) << "request " << q.id;
    if (q.dropped()) ASSERT_GT(std::string(q.drop_reason).size(), 0u);
    if (q.finished()) ASSERT_GE(q.finish, q.start);
  }
}

struct Case {
  std::string execution, scheduler, selector;
  bool early_drop;
};

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& x : sim::Registry<hw::ExecutionModel>::instance().names())
    for (const auto& s : sim::Registry<policies::Scheduler>::instance().names())
      for (const auto& v : sim::Registry<policies::VariantSelector>::instance().names())
        for (bool d : {false, true}) out.push_back({x, s, v, d});
  return out;
}

class EveryPolicy : public ::testing::TestWithParam<Case> {};

TEST_P(EveryPolicy, InvariantsHold) {
  const Case& c = GetParam();
  auto e = load(c.execution, c.scheduler, c.selector, 11, c.early_drop);
  experiments::Simulation sim(e);
  auto r = sim.run();
  check_invariants(e, r);
  // The layerwise model keeps no weights between networks (each instance loads its layers), so
  // only the caching models evict.
  if (c.selector == "fixed" && c.execution != "layerwise") EXPECT_GT(r.evictions, 0u) << "scenario should force evictions";
}

TEST_P(EveryPolicy, SameSeedSameSummary) {
  const Case& c = GetParam();
  auto e = load(c.execution, c.scheduler, c.selector, 5, c.early_drop);
  experiments::Simulation a(e), b(e);
  auto sa = experiments::make_summary(e, a.run());
  auto sb = experiments::make_summary(e, b.run());
  EXPECT_EQ(sa.dump(), sb.dump());
  auto e2 = load(c.execution, c.scheduler, c.selector, 6, c.early_drop);
  experiments::Simulation d(e2);
  EXPECT_NE(sa.dump(), experiments::make_summary(e2, d.run()).dump()) << "seed has no effect";
}

INSTANTIATE_TEST_SUITE_P(All, EveryPolicy, ::testing::ValuesIn(all_cases()), [](const auto& info) {
  return info.param.execution + "_" + info.param.scheduler + "_" + info.param.selector + (info.param.early_drop ? "_drop" : "");
});

TEST(Invariants, EveryRegisteredSchedulerIsCovered) {
  // Four Band policies at least; a new registration is picked up by the suite above.
  EXPECT_GE(sim::Registry<policies::Scheduler>::instance().names().size(), 4u);
  EXPECT_GE(sim::Registry<hw::ExecutionModel>::instance().names().size(), 1u);
}

}  // namespace
