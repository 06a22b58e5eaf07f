// Each Band policy's decisions on small scenarios worked out by hand, over a fake view.
#include <gtest/gtest.h>

#include "policies/scheduler.h"
#include "policies/variant_selector.h"
#include "sim/registry.h"

namespace {

// Two processors (p0 "cpu" 1 slot, p1 "npu" 1 slot), one model with 2 subgraphs and 2 variants.
// latency_ms[v][s][p]; a negative entry means "cannot run".
class FakeView : public policies::SystemView {
 public:
  FakeView() {
    platform_.processors = {{"cpu", hw::ProcessorKind::kCpu, 1}, {"npu", hw::ProcessorKind::kNpu, 1}};
    platform_.memory_capacity_bytes = 1000;
    platform_.handoff.assign(2, std::vector<sim::Time>(2, sim::Time::zero()));
    hw::ModelProfile m;
    m.name = "m";
    m.subgraph_count = 2;
    m.variants = {{"fp32", "fp32", "none", 0, 0.9}, {"int8", "int8", "none", 0, 0.8}};
    m.memory.assign(4, hw::UnitMemory{});
    profile_.processors = {"cpu", "npu"};
    profile_.models = {m};
    slo_ = {{100, 0.85}, {100, 0.0}};
  }
  double latency_ms[2][2][2] = {{{10, 4}, {10, 4}}, {{6, 1}, {6, -1}}};
  sim::Time backlog_[2] = {sim::Time::zero(), sim::Time::zero()};
  int busy_[2] = {0, 0};
  std::size_t queue_[2] = {0, 0};
  sim::Time now_;
  std::vector<policies::ReadyJob> ready;

  sim::Time now() const override { return now_; }
  const hw::Platform& platform() const override { return platform_; }
  const hw::Profile& profile() const override { return profile_; }
  const hw::LatencyModel& latency_model() const override { return *latency_; }
  int busy_slots(int p) const override { return busy_[p]; }
  std::size_t queue_length(int p) const override { return queue_[p]; }
  sim::Time backlog(int p) const override { return backlog_[p]; }
  sim::Time expected_latency(int, int v, int s, int p) const override {
    double ms = latency_ms[v][s][p];
    return ms < 0 ? sim::Time::max() : sim::from_ms(ms);
  }
  sim::Time expected_load(int, int, int) const override { return sim::Time::zero(); }
  int task_count() const override { return 2; }
  const std::string& task_name(int t) const override { return names_[t]; }
  int task_model(int) const override { return 0; }
  int task_variant(int t) const override { return t; }
  const workloads::Slo& task_slo(int t) const override { return slo_[t]; }
  const std::vector<policies::ReadyJob>& ready_jobs() const override { return ready; }
  double task_rate_rps(int) const override { return 1.0; }
  bool task_active(int) const override { return true; }
  std::int64_t memory_used_bytes() const override { return 0; }

  void add_job(std::uint64_t id, int task, int variant, int subgraph, double deadline_ms) {
    ready.push_back({id, task, 0, variant, subgraph, -1, now_, sim::from_ms(deadline_ms)});
  }

 private:
  hw::Platform platform_;
  hw::Profile profile_;
  std::unique_ptr<hw::LatencyModel> latency_ =
      hw::make_latency_model(sim::ConfigNode(sim::Json("profile_table"), "test.json", "$.latency_model"));
  std::vector<workloads::Slo> slo_;
  std::vector<std::string> names_ = {"a", "b"};
};

std::unique_ptr<policies::Scheduler> make(const sim::Json& j) {
  auto s = policies::make_scheduler(sim::ConfigNode(j, "test.json", "$.scheduler"));
  return s;
}

}  // namespace

TEST(ShortestExpectedLatency, PicksEarliestFinishCountingBacklog) {
  FakeView v;
  v.add_job(0, 0, 0, 0, 100);  // cpu 10 ms, npu 4 ms
  auto s = make({{"name", "shortest_expected_latency"}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 1u);
  EXPECT_EQ(d.assignments[0].processor, 1);
  // With 7 ms of backlog on the npu, 4 + 7 = 11 > 10 on the idle cpu.
  v.backlog_[1] = sim::from_ms(7);
  s->schedule(v, d);
  EXPECT_EQ(d.assignments[0].processor, 0);
}

TEST(ShortestExpectedLatency, CountsDecisionsInTheSameCall) {
  FakeView v;
  for (int i = 0; i < 3; ++i) v.add_job(static_cast<std::uint64_t>(i), 0, 0, 0, 100);
  auto s = make({{"name", "shortest_expected_latency"}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 3u);
  // npu finishes at 4, 8, then cpu (10) beats npu (12).
  EXPECT_EQ(d.assignments[0].processor, 1);
  EXPECT_EQ(d.assignments[1].processor, 1);
  EXPECT_EQ(d.assignments[2].processor, 0);
}

TEST(LeastSlackTimeFirst, MostUrgentJobTakesTheFastIdleProcessor) {
  FakeView v;
  v.add_job(0, 0, 0, 0, 90);  // slack 90 - 8 = 82
  v.add_job(1, 0, 0, 0, 20);  // slack 20 - 8 = 12: goes first, to the npu
  v.add_job(2, 0, 0, 0, 50);  // slack 42: second, to the remaining idle cpu
  auto s = make({{"name", "least_slack_time_first"}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 2u);
  EXPECT_EQ(d.assignments[0].ready_index, 1u);
  EXPECT_EQ(d.assignments[0].processor, 1);
  EXPECT_EQ(d.assignments[1].ready_index, 2u);
  EXPECT_EQ(d.assignments[1].processor, 0);
  // No idle processor: nothing is assigned, jobs wait.
  v.busy_[0] = v.busy_[1] = 1;
  s->schedule(v, d);
  EXPECT_TRUE(d.assignments.empty());
}

TEST(RoundRobin, IdleProcessorsInTurnAndOnlyWhatTheyCanRun) {
  FakeView v;
  v.add_job(0, 1, 1, 1, 100);  // int8 subgraph 1 cannot run on the npu
  v.add_job(1, 0, 0, 0, 100);
  auto s = make({{"name", "round_robin"}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 2u);
  EXPECT_EQ(d.assignments[0].ready_index, 0u);
  EXPECT_EQ(d.assignments[0].processor, 0);  // cpu takes the oldest job
  EXPECT_EQ(d.assignments[1].ready_index, 1u);
  EXPECT_EQ(d.assignments[1].processor, 1);
}

TEST(FixedProcessor, PerTaskAndFallback) {
  FakeView v;
  auto s = make({{"name", "fixed_processor"}, {"per_task", {{"a", "cpu"}, {"b", "npu"}}}});
  s->bind(v);
  v.add_job(0, 0, 0, 0, 100);  // task a -> cpu
  v.add_job(1, 1, 1, 1, 100);  // task b -> npu, but int8 sg1 cannot run there -> fastest alone (cpu)
  v.add_job(2, 1, 1, 0, 100);  // task b -> npu
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 3u);
  EXPECT_EQ(d.assignments[0].processor, 0);
  EXPECT_EQ(d.assignments[1].processor, 0);
  EXPECT_EQ(d.assignments[2].processor, 1);
  auto bad = make({{"name", "fixed_processor"}, {"per_task", {{"a", "dsp"}}}});
  EXPECT_THROW(bad->bind(v), sim::ConfigError);
}

TEST(Scheduler, PinnedJobsGoWhereThePlanSays) {
  FakeView v;
  v.add_job(0, 0, 0, 0, 100);
  v.ready.back().fixed_processor = 0;  // the npu would be faster, but the plan pins the cpu
  v.add_job(1, 1, 1, 1, 100);
  v.ready.back().fixed_processor = 1;  // int8 subgraph 1 cannot run on the npu
  auto s = make({{"name", "shortest_expected_latency"}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.assignments.size(), 1u);
  EXPECT_EQ(d.assignments[0].processor, 0);
  ASSERT_EQ(d.drops.size(), 1u);
  EXPECT_STREQ(d.drops[0].reason, "plan_infeasible");
}

TEST(EarlyDrop, DropsOnlyHopelessRequests) {
  FakeView v;
  v.now_ = sim::from_ms(10);
  v.add_job(0, 0, 0, 0, 17);  // fastest remaining 4 + 4 = 8 ms: 18 > 17, hopeless
  v.add_job(1, 0, 0, 0, 19);  // 18 <= 19: kept
  auto s = make({{"name", "shortest_expected_latency"}, {"early_drop", true}});
  policies::Decisions d;
  s->schedule(v, d);
  ASSERT_EQ(d.drops.size(), 1u);
  EXPECT_EQ(d.drops[0].ready_index, 0u);
  EXPECT_STREQ(d.drops[0].reason, "deadline_unreachable");
  ASSERT_EQ(d.assignments.size(), 1u);
  EXPECT_EQ(d.assignments[0].ready_index, 1u);
  auto keep = make({{"name", "shortest_expected_latency"}});
  keep->schedule(v, d);
  EXPECT_TRUE(d.drops.empty());
}

TEST(VariantSelector, FastestAccurateFollowsTheSlo) {
  FakeView v;
  auto sel = policies::make_variant_selector(sim::ConfigNode(sim::Json{{"name", "fastest_accurate"}}, "t", "$"));
  // Task 0 needs accuracy 0.85: only fp32 qualifies although int8 is faster.
  EXPECT_EQ(sel->choose(v, 0).variant[0], 0);
  // Task 1 accepts anything: int8 (fastest path 1 + 6 = 7 ms < 8 ms).
  EXPECT_EQ(sel->choose(v, 1).variant[1], 1);
  EXPECT_DOUBLE_EQ(sel->choose(v, 1).accuracy, 0.8);
  auto fixed = policies::make_variant_selector(sim::ConfigNode(sim::Json("fixed"), "t", "$"));
  EXPECT_EQ(fixed->choose(v, 1).variant[0], 1);
  EXPECT_EQ(fixed->choose(v, 1).processor[0], -1);
}
