// The `soc` execution model on timelines worked out by hand: load, queueing behind a busy slot,
// memory hit, hand-off overlapping a load, LRU eviction, and head-of-line blocking for memory.
#include <gtest/gtest.h>

#include "tests/hw/soc_fixture.h"

namespace {

// One model, two variants, two subgraphs; every unit 1000 bytes of weights, 10 of activations,
// loads in 2 ms, executes in 1 ms (deterministic) on processors "a" and "b".
hw::Profile profile() {
  hw::Profile pr;
  pr.processors = {"a", "b"};
  pr.processor_kinds = {"CPU", "GPU"};
  hw::ModelProfile m;
  m.name = "m";
  m.subgraph_count = 2;
  m.variants = {hw::ZooVariant{.name = "v0"}, hw::ZooVariant{.name = "v1"}};
  m.memory.assign(4, hw::UnitMemory{.weights_bytes = 1000, .activation_bytes = 10, .load_ms = 2});
  hw::LatencyDist d;
  d.mean_ms = 1;
  m.latency.assign(8, d);
  pr.models.push_back(m);
  return pr;
}

// Two 1-slot processors, a->b hand-off 0.5 ms, no dispatch cost, `capacity` bytes of memory.
hw::Platform platform(std::int64_t capacity) {
  hw::Platform p;
  p.processors = {{"a", hw::ProcessorKind::kCpu, 1}, {"b", hw::ProcessorKind::kGpu, 1}};
  p.memory_capacity_bytes = capacity;
  p.handoff = {{sim::Time::zero(), sim::from_ms(0.5)}, {sim::from_ms(0.5), sim::Time::zero()}};
  return p;
}

hw::JobSpec job(std::uint64_t id, int variant, int subgraph, int processor, int prev = -1) {
  hw::JobSpec s;
  s.job = id;
  s.request = id;
  s.rng_stream = id;
  s.variant = variant;
  s.subgraph = subgraph;
  s.processor = processor;
  s.prev_processor = prev;
  return s;
}

const soc_test::Done& find(const soc_test::SocFixture& f, std::uint64_t id) {
  for (const auto& d : f.rec.done)
    if (d.spec.job == id) return d;
  throw std::runtime_error("job not finished");
}

double ms(sim::Time t) { return t.to_ms(); }

TEST(SocTimeline, LoadQueueHitHandoffAndEviction) {
  soc_test::SocFixture f(platform(2020), profile());  // room for two units and two activations
  f.submit_at(0, job(1, 0, 0, 0));        // absent: load 0..2, execute 2..3
  f.submit_at(0, job(2, 0, 0, 0));        // queued behind 1 (one slot): starts 3, hit, 3..4
  f.submit_at(3.5, job(3, 0, 1, 1, 0));   // on b after a: load 3.5..5.5 overlaps hand-off 0.5: 5.5..6.5
  f.submit_at(10, job(4, 1, 0, 0));       // memory full of unpinned units: evicts LRU (v0/s0, last
                                          // released at 4) and loads: 12..13
  f.submit_at(20, job(5, 0, 0, 0));       // v0/s0 was evicted: loads again, evicting v0/s1: 22..23
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 5u);
  EXPECT_EQ(ms(find(f, 1).timing.started), 0);
  EXPECT_EQ(ms(find(f, 1).timing.exec_start), 2);
  EXPECT_EQ(ms(find(f, 1).timing.finished), 3);
  EXPECT_TRUE(find(f, 1).timing.loaded);
  EXPECT_EQ(ms(find(f, 2).timing.started), 3);
  EXPECT_EQ(ms(find(f, 2).timing.exec_start), 3);
  EXPECT_EQ(ms(find(f, 2).timing.finished), 4);
  EXPECT_FALSE(find(f, 2).timing.loaded);
  EXPECT_EQ(ms(find(f, 3).timing.exec_start), 5.5);
  EXPECT_EQ(ms(find(f, 3).timing.finished), 6.5);
  EXPECT_EQ(ms(find(f, 4).timing.exec_start), 12);
  EXPECT_EQ(ms(find(f, 5).timing.exec_start), 22);
  EXPECT_EQ(f.soc.memory().loads(), 4u);
  EXPECT_EQ(f.soc.memory().hits(), 1u);
  EXPECT_EQ(f.soc.memory().evictions(), 2u);
  EXPECT_EQ(f.soc.memory().peak_bytes(), 2020);
  // Intervals: a load/wait phase then an execute phase per job that waited.
  auto st = f.soc.stats(f.engine.now());
  EXPECT_EQ(st.jobs_per_processor, (std::vector<std::uint64_t>{4, 1}));
  int waits = 0;
  for (const auto& iv : st.intervals) waits += iv.phase == 0;
  EXPECT_EQ(waits, 4);  // jobs 1, 3, 4, 5 waited for a load
}

TEST(SocTimeline, HeadOfLineWaitsForMemoryUntilARelease) {
  soc_test::SocFixture f(platform(1010), profile());  // one unit and one activation at a time
  f.submit_at(0, job(1, 0, 0, 0));    // load 0..2, execute 2..3, pinned until 3
  f.submit_at(0.5, job(2, 0, 1, 1));  // needs 1010 more, nothing evictable: waits at b's head
  f.submit_at(1, job(3, 1, 1, 1));    // queued behind 2 on b
  f.engine.run();
  ASSERT_EQ(f.rec.done.size(), 3u);
  // At 3 job 1 releases; job 2 starts, evicts v0/s0, loads 3..5, executes 5..6.
  EXPECT_EQ(ms(find(f, 2).timing.started), 3);
  EXPECT_EQ(ms(find(f, 2).timing.exec_start), 5);
  EXPECT_EQ(ms(find(f, 2).timing.finished), 6);
  // Job 3 follows on b's one slot: evicts v0/s1, loads 6..8, executes 8..9.
  EXPECT_EQ(ms(find(f, 3).timing.started), 6);
  EXPECT_EQ(ms(find(f, 3).timing.finished), 9);
  EXPECT_EQ(f.soc.memory().evictions(), 2u);
  EXPECT_LE(f.soc.memory().peak_bytes(), 1010);
}

TEST(SocTimeline, BacklogAndExpectedLoadDescribeTheQueue) {
  soc_test::SocFixture f(platform(100000), profile());
  bool checked = false;
  f.submit_at(0, job(1, 0, 0, 0));
  f.submit_at(0, job(2, 0, 1, 0));
  f.engine.schedule_fn(sim::from_ms(1), sim::priority::kNormal, [&] {
    // Job 1 runs until 3 (2 ms left), job 2 waits (1 ms expected): 3 ms of work on one slot.
    EXPECT_EQ(ms(f.soc.backlog(0)), 3);
    EXPECT_EQ(ms(f.soc.backlog(1)), 0);
    EXPECT_EQ(f.soc.queue_length(0), 1u);
    EXPECT_EQ(f.soc.busy_slots(0), 1);
    EXPECT_EQ(ms(f.soc.expected_load(0, 0, 0)), 0);  // loading already: no extra wait
    EXPECT_EQ(ms(f.soc.expected_load(0, 1, 0)), 2);  // absent
    checked = true;
  });
  f.engine.run();
  EXPECT_TRUE(checked);
}

}  // namespace
