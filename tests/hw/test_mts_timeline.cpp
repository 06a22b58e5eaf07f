// The `mts` execution model on hand-worked timelines: requests of one model merged up to a full
// batch or the end of the window, timed as one `soc` job scaled by the marginal share; a family
// of two models merged into the first member's unit; other keys never merged.
#include <gtest/gtest.h>

#include "hw-models/execution_models/mts.h"
#include "tests/hw/soc_fixture.h"

namespace {

// `models` models of one variant... (m, 2 variants, 2 subgraphs): every unit 1000 bytes of
// weights, 10 of activations, loads in 2 ms, executes in 1 ms (deterministic) on "a" and "b".
hw::Profile profile(const std::vector<std::string>& names) {
  hw::Profile pr;
  pr.processors = {"a", "b"};
  pr.processor_kinds = {"CPU", "GPU"};
  for (const auto& name : names) {
    hw::ModelProfile m;
    m.name = name;
    m.subgraph_count = 2;
    m.variants = {hw::ZooVariant{.name = "v0"}, hw::ZooVariant{.name = "v1"}};
    m.memory.assign(4, hw::UnitMemory{.weights_bytes = 1000, .activation_bytes = 10, .load_ms = 2});
    hw::LatencyDist d;
    d.mean_ms = 1;
    m.latency.assign(8, d);
    pr.models.push_back(m);
  }
  return pr;
}

hw::Platform two_processors() {
  hw::Platform p;
  p.processors = {{"a", hw::ProcessorKind::kCpu, 1}, {"b", hw::ProcessorKind::kGpu, 1}};
  p.memory_capacity_bytes = 1000000;
  p.handoff = {{sim::Time::zero(), sim::from_ms(0.5)}, {sim::from_ms(0.5), sim::Time::zero()}};
  return p;
}

hw::JobSpec job(std::uint64_t id, int model, int variant, int subgraph, int processor) {
  hw::JobSpec s;
  s.job = id;
  s.request = id;
  s.rng_stream = id;
  s.model = model;
  s.variant = variant;
  s.subgraph = subgraph;
  s.processor = processor;
  return s;
}

struct MtsFixture : soc_test::ModelFixture<hw::Mts> {
  MtsFixture(hw::Profile p, hw::Mts m) : ModelFixture(two_processors(), std::move(p), std::move(m)) {}
  hw::Mts& mts = soc;
  const soc_test::Done& find(std::uint64_t id) const {
    for (const auto& d : rec.done)
      if (d.spec.job == id) return d;
    throw std::runtime_error("job not finished");
  }
};

double ms(sim::Time t) { return t.to_ms(); }

}  // namespace

TEST(MtsTimeline, MergesUpToAFullBatchOrTheWindow) {
  MtsFixture f(profile({"m"}), hw::Mts(sim::from_ms(1), 3, 0.5, {}));
  f.submit_at(0, job(1, 0, 0, 0, 0));
  f.submit_at(0.5, job(2, 0, 0, 0, 0));
  f.submit_at(0.6, job(3, 0, 0, 0, 0));  // third of max_batch 3: flushed at 0.6, loads 0.6..2.6,
                                          // executes 1 ms x (1 + 2 x 0.5) = 2 ms: 2.6..4.6
  f.submit_at(10, job(4, 0, 0, 0, 0));   // alone: the window ends at 11, hit: 11..12
  f.submit_at(20, job(5, 0, 1, 0, 0));   // other variant: flushed at 21, loads: 23..24
  f.submit_at(20.2, job(6, 0, 0, 0, 0)); // flushed at 21.2, queued behind job 5: 24..25
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 6u);
  for (std::uint64_t id : {1, 2, 3}) {
    EXPECT_EQ(ms(f.find(id).timing.started), 0.6) << id;
    EXPECT_EQ(ms(f.find(id).timing.exec_start), 2.6) << id;
    EXPECT_EQ(ms(f.find(id).timing.finished), 4.6) << id;
    EXPECT_EQ(f.find(id).spec.batch, 1u);  // each request's own spec comes back
  }
  EXPECT_EQ(ms(f.find(4).timing.started), 11);
  EXPECT_EQ(ms(f.find(4).timing.finished), 12);
  EXPECT_EQ(ms(f.find(5).timing.exec_start), 23);
  EXPECT_EQ(ms(f.find(5).timing.finished), 24);
  EXPECT_EQ(ms(f.find(6).timing.started), 24);
  EXPECT_EQ(ms(f.find(6).timing.finished), 25);
  EXPECT_EQ(f.mts.merged_jobs(), 1u);
  EXPECT_EQ(f.mts.merged_requests(), 3u);
  EXPECT_EQ(f.mts.stats(sim::from_ms(30)).loads, 2u);
}

TEST(MtsTimeline, FamilyOfTwoModelsRunsInTheFirstMembersUnit) {
  MtsFixture f(profile({"a", "b", "c"}), hw::Mts(sim::from_ms(1), 8, 0.25, {"a", "b"}));
  f.submit_at(0, job(1, 1, 0, 0, 1));    // b, then a within the window: merged at 1.0 in b's unit,
  f.submit_at(0.3, job(2, 0, 0, 0, 1));  // loads 1..3, executes 1 x 1.25 ms: 3..4.25
  f.submit_at(0.4, job(3, 2, 0, 0, 0));  // c is in no family: straight to soc, loads 0.4..2.4, 2.4..3.4
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 3u);
  EXPECT_EQ(ms(f.find(1).timing.exec_start), 3);
  EXPECT_EQ(ms(f.find(1).timing.finished), 4.25);
  EXPECT_EQ(ms(f.find(2).timing.finished), 4.25);
  EXPECT_EQ(ms(f.find(3).timing.finished), 3.4);
  EXPECT_EQ(f.mts.stats(sim::from_ms(10)).loads, 2u);  // b's and c's units; a's never loaded
  EXPECT_EQ(f.mts.merged_requests(), 2u);
}

TEST(MtsTimeline, UnknownFamilyModelIsAnError) {
  EXPECT_THROW(MtsFixture(profile({"a"}), hw::Mts(sim::from_ms(1), 8, 0.25, {"zzz"})), std::invalid_argument);
}
