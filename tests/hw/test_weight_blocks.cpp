// Weight blocks: one per unit by default; a shared block is loaded and counted once.
#include <gtest/gtest.h>

#include "tests/hw/soc_fixture.h"

namespace {

// Two models "a" and "b", one variant, one subgraph each, 1000 bytes of weights, load 2 ms,
// execution 1 ms on processor "p" (1 slot).
hw::Profile two_models() {
  hw::Profile profile;
  profile.processors = {"p"};
  profile.processor_kinds = {"CPU"};
  for (const char* name : {"a", "b"}) {
    hw::ModelProfile m;
    m.name = name;
    m.subgraph_count = 1;
    m.variants.push_back(hw::ZooVariant{.name = "v"});
    m.memory.assign(1, hw::UnitMemory{.weights_bytes = 1000, .activation_bytes = 0, .load_ms = 2});
    hw::LatencyDist d;
    d.mean_ms = 1;
    m.latency.assign(1, d);
    profile.models.push_back(m);
  }
  return profile;
}

hw::Platform one_processor() {
  hw::Platform p;
  p.processors = {{"p", hw::ProcessorKind::kCpu, 1}};
  p.memory_capacity_bytes = 10000;
  p.handoff.assign(1, std::vector<sim::Time>(1, sim::Time::zero()));
  return p;
}

TEST(WeightBlocks, OnePerUnitUnlessShared) {
  hw::WeightBlocks b(two_models());
  EXPECT_EQ(b.count(), 2u);
  EXPECT_NE(b.block(0, 0, 0), b.block(1, 0, 0));
  b.share(0, 0, 0, 1, 0, 0);
  EXPECT_EQ(b.block(1, 0, 0), b.block(0, 0, 0));
  EXPECT_EQ(b.owner(b.block(1, 0, 0)).model, 0);
}

TEST(WeightBlocks, SharedBlockIsLoadedOnceAndCountedOnce) {
  for (bool shared : {false, true}) {
    soc_test::SocFixture f(one_processor(), two_models(), [shared](hw::WeightBlocks& b) {
      if (shared) b.share(0, 0, 0, 1, 0, 0);
    });
    f.submit_at(0, hw::JobSpec{.model = 0});
    f.submit_at(10, hw::JobSpec{.model = 1});
    f.engine.run();
    ASSERT_EQ(f.rec.done.size(), 2u);
    // Model b's job: a load of 2 ms unless it shares a's resident block.
    EXPECT_EQ(f.rec.done[1].timing.exec_start, sim::from_ms(shared ? 10 : 12)) << shared;
    EXPECT_EQ(f.soc.memory().peak_bytes(), shared ? 1000 : 2000) << shared;
    EXPECT_EQ(f.soc.memory().loads(), shared ? 1u : 2u) << shared;
  }
}

}  // namespace
