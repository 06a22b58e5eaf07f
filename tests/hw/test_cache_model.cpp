// Cache models and the platform's runtime costs: the reuse curve's arithmetic, its config errors,
// dispatch and same-processor hand-off costs, and the SoC stretching executions by idle time.
#include <gtest/gtest.h>

#include "hw-models/cache_model.h"
#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "tests/hw/soc_fixture.h"
#include "sim/engine.h"

namespace {

using sim::from_ms;

hw::LatencyDist dist(double warm_ms, double cold_ms) {
  hw::LatencyDist d;
  d.mean_ms = warm_ms;
  d.samples_ms = {warm_ms};
  d.count = 1;
  d.cold_mean_ms = cold_ms;
  return d;
}

std::unique_ptr<hw::CacheModel> curve(sim::Json extra = sim::Json::object()) {
  sim::Json j = {{"name", "reuse_curve"}, {"gap_ms", {2.0, 10.0}}, {"cold_fraction", {0.5, 1.0}}};
  j.update(extra);
  return hw::make_cache_model(sim::ConfigNode(j, "platform.json", "$.cache_model"));
}

TEST(CacheModel, NoneNeverSlowsDown) {
  auto none = hw::make_cache_model(sim::ConfigNode(sim::Json("none"), "p.json", "$.cache_model"));
  EXPECT_TRUE(none->inert());
  EXPECT_EQ(none->slowdown(dist(1.0, 3.0), sim::Time::max(), 1.0), 1.0);
}

TEST(CacheModel, ReuseCurveInterpolatesBetweenWarmAndCold) {
  auto c = curve();
  hw::LatencyDist d = dist(1.0, 3.0);  // cold is 3x warm: full slowdown factor 3
  EXPECT_DOUBLE_EQ(c->slowdown(d, sim::Time::zero(), 0.0), 1.0);
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(1), 0.0), 1.0 + 0.25 * 2.0);  // half way to the first point
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(2), 0.0), 1.0 + 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(6), 0.0), 1.0 + 0.75 * 2.0);
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(500), 0.0), 3.0);
  EXPECT_DOUBLE_EQ(c->slowdown(d, sim::Time::max(), 0.0), 3.0);  // never ran: cold
  // Without a cold latency, or when cold is not slower, nothing changes.
  EXPECT_EQ(c->slowdown(dist(1.0, 0.0), from_ms(500), 0.0), 1.0);
  EXPECT_EQ(c->slowdown(dist(1.0, 0.9), from_ms(500), 0.0), 1.0);
}

TEST(CacheModel, CorunScalesOnlyTheColdPart) {
  auto c = curve({{"corun_penalty", 0.4}});
  hw::LatencyDist d = dist(1.0, 2.0);
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(2), 1.0), 1.0 + 0.5 * 1.4);
  EXPECT_DOUBLE_EQ(c->slowdown(d, from_ms(2), 0.5), 1.0 + 0.5 * 1.2);
  EXPECT_DOUBLE_EQ(c->slowdown(d, sim::Time::zero(), 1.0), 1.0);  // warm: neighbours do not matter
}

TEST(CacheModel, BadCurveNamesThePath) {
  try {
    curve({{"cold_fraction", {0.5}}});
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.cache_model.cold_fraction");
  }
  try {
    curve({{"gap_ms", {2.0, 2.0}}});
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.cache_model.gap_ms[1]");
  }
  EXPECT_THROW(curve({{"name", "nosuch"}}), sim::ConfigError);
}

sim::Json platform_json() {
  return {{"name", "p"},
          {"processors", {{{"name", "a"}, {"kind", "CPU"}}, {{"name", "b"}, {"kind", "CPU"}}}},
          {"memory", {{"capacity_bytes", 1000000000}}},
          {"handoff_ms", {{"default", 0.2}, {"a->a", 0.05}}},
          {"dispatch_ms", {{"default", 0.1}, {"b", 0.3}}},
          {"cache_model", {{"name", "reuse_curve"}, {"gap_ms", {2.0, 10.0}}, {"cold_fraction", {0.5, 1.0}}}}};
}

TEST(PlatformCosts, DispatchAndSameProcessorHandoff) {
  hw::Platform p = hw::read_platform(sim::ConfigNode(platform_json(), "p.json"));
  EXPECT_EQ(p.handoff_cost(-1, 0), from_ms(0.1));
  EXPECT_EQ(p.handoff_cost(-1, 1), from_ms(0.3));
  EXPECT_EQ(p.handoff_cost(0, 0), from_ms(0.05));
  EXPECT_EQ(p.handoff_cost(1, 1), sim::Time::zero());  // "default" is only between processors
  EXPECT_EQ(p.handoff_cost(0, 1), from_ms(0.2));
  // The JSON form reads back to the same costs and cache model.
  hw::Platform back = hw::read_platform(sim::ConfigNode(hw::to_json(p), "back.json"));
  EXPECT_EQ(back.handoff, p.handoff);
  EXPECT_EQ(back.dispatch, p.dispatch);
  EXPECT_EQ(back.cache_resolved, p.cache_resolved);
  // Without the keys: no costs and the inert cache model.
  sim::Json plain = platform_json();
  plain.erase("dispatch_ms");
  plain.erase("cache_model");
  hw::Platform q = hw::read_platform(sim::ConfigNode(plain, "q.json"));
  EXPECT_EQ(q.handoff_cost(-1, 1), sim::Time::zero());
  EXPECT_TRUE(q.cache->inert());
  sim::Json bad = platform_json();
  bad["dispatch_ms"]["c"] = 1.0;
  try {
    hw::read_platform(sim::ConfigNode(bad, "bad.json"));
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.dispatch_ms.c");
  }
}

// Model "m" with one variant and two subgraphs, each warm 1 ms and cold 3 ms on both processors.
hw::Profile two_unit_profile() {
  hw::Profile profile;
  profile.processors = {"a", "b"};
  profile.processor_kinds = {"CPU", "CPU"};
  hw::ModelProfile m;
  m.name = "m";
  m.subgraph_count = 2;
  m.variants.push_back(hw::ZooVariant{.name = "v"});
  m.memory.assign(2, hw::UnitMemory{.weights_bytes = 1000, .activation_bytes = 10, .load_ms = 0});
  m.latency.assign(4, dist(1.0, 3.0));
  profile.models.push_back(m);
  return profile;
}

std::vector<double> exec_ms(const std::vector<hw::JobTiming>& done) {
  std::vector<double> out;
  for (const auto& t : done) out.push_back((t.finished - t.exec_start).to_ms());
  return out;
}

// A SoC over two_unit_profile() on platform_json() without dispatch cost, recording executions.
struct SocFixture : soc_test::SocFixture {
  explicit SocFixture(double corun_penalty) : soc_test::SocFixture(make_platform(corun_penalty), two_unit_profile()) {}
  static hw::Platform make_platform(double corun_penalty) {
    sim::Json pj = platform_json();
    pj["dispatch_ms"] = {{"default", 0.0}};
    pj["cache_model"]["corun_penalty"] = corun_penalty;
    return hw::read_platform(sim::ConfigNode(pj, "p.json"));
  }
};

TEST(SocCache, ExecutionStretchesWithIdleTime) {
  SocFixture f(0.0);
  // t=0: never ran (cold, 3 ms, ends at 3); t=3: idle 0 (1 ms, ends at 4); t=6: idle 2 ms
  // (1 + 0.5 * 2 = 2 ms, ends at 8); t=108: idle 100 ms (3 ms).
  for (double at : {0.0, 3.0, 6.0, 108.0}) f.submit_at(at, hw::JobSpec{});
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 4u);
  EXPECT_EQ(exec_ms(f.timings()), (std::vector<double>{3.0, 1.0, 2.0, 3.0}));
}

TEST(SocCache, ColdUnitSlowsFurtherWhileTheOtherProcessorExecutes) {
  SocFixture f(0.5);
  // Subgraph 1 starts on b at t=0 (cold, alone: 3 ms). Subgraph 0 starts on a at t=1 while b
  // executes: cold share 1 * (1 + 0.5) -> 1 + 1.5 * 2 = 4 ms.
  f.submit_at(0.0, hw::JobSpec{.subgraph = 1, .processor = 1});
  f.submit_at(1.0, hw::JobSpec{});
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 2u);
  EXPECT_EQ(exec_ms(f.timings()), (std::vector<double>{3.0, 4.0}));
}

}  // namespace
