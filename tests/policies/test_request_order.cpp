// Request-level ordering and the literature's policies on timelines worked out by hand: whole
// simulations of a few requests with deterministic latencies, so every finish time is exact.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "sim/run_directory.h"

namespace fs = std::filesystem;

namespace {

struct Req {
  std::string name;
  int layers;
  double layer_ms;
  double arrive_ms;
  double slo_ms = 1000;
};

// One request per entry, each its own task and model (a chain of `layers` jobs of `layer_ms` on
// processor "npu"; a second processor "slow" runs every layer `slow_factor` times slower when
// slow_factor > 0). Returns the run.
struct Scenario {
  std::string scheduler;
  sim::Json scheduler_params = sim::Json::object();
  double slow_factor = 0;
  std::vector<Req> reqs;
  bool decisions = false;

  sim::Json experiment(const std::string& dir) const {
    sim::Json models = sim::Json::object();
    sim::Json tasks = sim::Json::array();
    sim::Json processors = {{{"name", "npu"}, {"kind", "NPU"}}};
    if (slow_factor > 0) processors.push_back({{"name", "slow"}, {"kind", "CPU"}});
    for (const auto& r : reqs) {
      sim::Json latency = sim::Json::array(), memory = sim::Json::array();
      for (int s = 0; s < r.layers; ++s) {
        latency.push_back({{"variant", "v"}, {"subgraph", s}, {"processor", "npu"}, {"mean_ms", r.layer_ms}});
        if (slow_factor > 0) {
          latency.push_back({{"variant", "v"}, {"subgraph", s}, {"processor", "slow"}, {"mean_ms", r.layer_ms * slow_factor}});
        }
        memory.push_back({{"variant", "v"}, {"subgraph", s}, {"weights_bytes", 1}, {"activation_bytes", 1}, {"load_ms", 0}});
      }
      models[r.name] = {{"subgraph_count", r.layers},
                        {"variants", {{{"name", "v"}, {"accuracy", 0.9}}}},
                        {"memory", memory},
                        {"latency", latency}};
      tasks.push_back({{"name", r.name}, {"model", r.name}, {"slo", {{"latency_ms", r.slo_ms}}},
                       {"start", std::to_string(r.arrive_ms) + "ms"}, {"max_requests", 1},
                       {"arrival", {{"name", "periodic"}, {"rate_rps", 1}}}});
    }
    sim::Json profile = {{"format", "stitchsim-profile"}, {"version", 1}, {"processors", processors}, {"models", models}};
    sim::write_json_file(dir + "/profile.json", profile);
    sim::Json platform_processors = {{{"name", "npu"}, {"kind", "NPU"}, {"slots", 1}}};
    if (slow_factor > 0) platform_processors.push_back({{"name", "slow"}, {"kind", "CPU"}, {"slots", 1}});
    sim::Json sched = scheduler_params;
    sched["name"] = scheduler;
    return {{"name", "hand"}, {"duration", "10s"},
            {"platform", {{"name", "p"}, {"processors", platform_processors},
                          {"memory", {{"capacity_bytes", 1 << 20}}}, {"handoff_ms", {{"default", 0.0}}}}},
            {"profile", "profile.json"}, {"scheduler", sched}, {"tasks", tasks},
            {"outputs", {{"trace", false}, {"decisions", decisions}}}};
  }

  // Finish time (ms) of each request, in the order of `reqs`.
  std::vector<double> finish_ms(experiments::RunResult* out = nullptr) const {
    std::string dir = (fs::temp_directory_path() / "stitchsim_request_order").string();
    fs::create_directories(dir);
    auto e = experiments::load_experiment_json(experiment(dir), dir + "/exp.json", dir);
    experiments::Simulation sim(e);
    auto r = sim.run();
    std::vector<double> f(reqs.size(), -1);
    for (const auto& q : r.requests) f[static_cast<std::size_t>(q.task)] = q.finish.to_ms();
    if (out) *out = std::move(r);
    return f;
  }
};

// A and B are chains of three 2 ms layers; B arrives 1 ms after A.
std::vector<Req> two_chains() { return {{"A", 3, 2.0, 0.0}, {"B", 3, 2.0, 1.0}}; }

TEST(RequestOrder, LayerLevelRoundRobinInterleavesFcfsDoesNot) {
  // Round robin serves ready jobs by readiness: B0 (ready at 1) goes before A1 (ready at 2),
  // so A0 0-2, B0 2-4, A1 4-6, B1 6-8, A2 8-10, B2 10-12.
  EXPECT_EQ(Scenario({"round_robin", {}, 0, two_chains()}).finish_ms(), (std::vector<double>{10, 12}));
  // FCFS by request arrival: A runs to its end (0-6), then B (6-12).
  EXPECT_EQ(Scenario({"fcfs", {}, 0, two_chains()}).finish_ms(), (std::vector<double>{6, 12}));
  EXPECT_EQ(Scenario({"fcfs", {{"preemptive", false}}, 0, two_chains()}).finish_ms(), (std::vector<double>{6, 12}));
}

TEST(RequestOrder, EdfPreemptsAtJobBoundariesOnlyWhenAllowed) {
  // A: deadline 100 ms; B arrives at 1 with deadline 1 + 10 = 11.
  std::vector<Req> r = {{"A", 3, 2.0, 0.0, 100}, {"B", 3, 2.0, 1.0, 10}};
  // Preemptive: at the boundary at 2, B (deadline 11) overtakes A: B 2-8, then A 8-12.
  EXPECT_EQ(Scenario({"edf", {}, 0, r}).finish_ms(), (std::vector<double>{12, 8}));
  // Without preemption, A (under way) keeps going: A 0-6, B 6-12, and B misses its deadline.
  EXPECT_EQ(Scenario({"edf", {{"preemptive", false}}, 0, r}).finish_ms(), (std::vector<double>{6, 12}));
}

TEST(RequestOrder, SrptAndSjfRunTheShortRequestFirst) {
  // A: six 2 ms layers (12 ms) from 0; B: two 2 ms layers (4 ms) from 1. At 2, B's 4 ms left is
  // less than A's 10: B 2-6, A 6-16.
  std::vector<Req> r = {{"A", 6, 2.0, 0.0}, {"B", 2, 2.0, 1.0}};
  EXPECT_EQ(Scenario({"srpt", {}, 0, r}).finish_ms(), (std::vector<double>{16, 6}));
  EXPECT_EQ(Scenario({"sjf", {}, 0, r}).finish_ms(), (std::vector<double>{16, 6}));
  EXPECT_EQ(Scenario({"fcfs", {}, 0, r}).finish_ms(), (std::vector<double>{12, 16}));
}

TEST(Prema, TokensAndPriorityThresholdDecide) {
  // Equal priorities: at 2, A's token is 1 * (1 + 0/6) = 1 (it just ran), B's 1 * (1 + 1/6);
  // both reach the threshold 1, and A's 4 ms left is shorter than B's 6: A 0-6, B 6-12.
  EXPECT_EQ(Scenario({"prema", {}, 0, two_chains()}).finish_ms(), (std::vector<double>{6, 12}));
  // B at priority 3: its token 3 * (1 + 1/6) = 3.5 reaches threshold 3 and A's (1) does not, so B
  // runs at 2 (B 2-8) and keeps its lead; A resumes at 8: A finishes 12.
  EXPECT_EQ(Scenario({"prema", {{"priorities", {{"B", 3}}}}, 0, two_chains()}).finish_ms(), (std::vector<double>{12, 8}));
}

TEST(Heft, EarliestFinishAndReservationWindow) {
  // Four one-layer requests at 0; "npu" runs a layer in 1 ms, "slow" in 3 ms. Earliest finish:
  // npu 0-1, npu 1-2, npu 2-3 (tie at 3 with slow goes to the first), then slow 0-3 (npu: 4).
  std::vector<Req> r = {{"A", 1, 1.0, 0.0}, {"B", 1, 1.0, 0.0}, {"C", 1, 1.0, 0.0}, {"D", 1, 1.0, 0.0}};
  EXPECT_EQ(Scenario({"heft", {}, 3.0, r}).finish_ms(), (std::vector<double>{1, 2, 3, 3}));
  // With a 0.5 ms window, only jobs starting within 0.5 ms are queued: one at a time on the npu
  // (each later one would start >= 1 ms out), and the slow processor is never chosen since the
  // npu always finishes first: 1, 2, 3, 4.
  EXPECT_EQ(Scenario({"heft", {{"reservation_window_ms", 0.5}}, 3.0, r}).finish_ms(), (std::vector<double>{1, 2, 3, 4}));
}

TEST(Dysta, UrgencyPutsTheTighterDeadlineFirstAtEqualWork) {
  // Equal work (three 2 ms layers); B arrives at 1 with a tight deadline (1 + 7 = 8 ms), A's is
  // loose (100). At 2: A's score 4 + 0.01*(100-2-4 + 0) = 4.94, B's 6 + 0.01*(8-2-6 + 1/6/2) ~ 6.0:
  // remaining work dominates, A goes on: A 0-6, B 6-12 (B misses). With beta = 1 urgency weighs in:
  // A 4 + 94 = 98, B 6 + 0.08 ~ 6.1: B overtakes at 2: B 2-8 (met), A 8-12.
  std::vector<Req> r = {{"A", 3, 2.0, 0.0, 100}, {"B", 3, 2.0, 1.0, 7}};
  EXPECT_EQ(Scenario({"dysta", {}, 0, r}).finish_ms(), (std::vector<double>{6, 12}));
  EXPECT_EQ(Scenario({"dysta", {{"beta", 1.0}}, 0, r}).finish_ms(), (std::vector<double>{12, 8}));
}

TEST(Decisions, RecordTheKeyAndExplainTellsTheStory) {
  Scenario s{"edf", {}, 0, {{"A", 3, 2.0, 0.0, 100}, {"B", 3, 2.0, 1.0, 10}}, true};
  experiments::RunResult r;
  s.finish_ms(&r);
  // One plan row per request, one assign row per job (6), in time order; B's first job at 2 ms
  // was chosen by its deadline (11 ms) among 2 ready jobs.
  int plans = 0, assigns = 0;
  const experiments::DecisionRecord* b0 = nullptr;
  for (const auto& d : r.decisions) {
    plans += std::string(d.kind) == "plan";
    assigns += std::string(d.kind) == "assign";
    if (std::string(d.kind) == "assign" && d.request == 1 && d.subgraph == 0) b0 = &d;
  }
  EXPECT_EQ(plans, 2);
  EXPECT_EQ(assigns, 6);
  ASSERT_NE(b0, nullptr);
  EXPECT_EQ(b0->at, sim::from_ms(2));
  EXPECT_EQ(std::string(b0->key_name), "deadline_ms");
  EXPECT_DOUBLE_EQ(b0->key, 11.0);
  EXPECT_EQ(b0->competing, 2);

  // The CLI: run, then explain request 1 (B).
  std::string dir = (fs::temp_directory_path() / "stitchsim_explain").string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  sim::write_json_file(dir + "/exp.json", s.experiment(dir));
  std::string bin = STITCHSIM_BINARY;
  ASSERT_EQ(std::system((bin + " run " + dir + "/exp.json --out " + dir + "/run -q").c_str()), 0);
  std::string out = dir + "/explain.txt";
  ASSERT_EQ(std::system((bin + " explain " + dir + "/run --request 1 > " + out).c_str()), 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("request 1 of task 'B'"), std::string::npos) << text;
  EXPECT_NE(text.find("subgraph 0 (v): sent to npu at +1.000 ms by edf (deadline_ms = 11.000), 2 job(s) were ready"),
            std::string::npos) << text;
  EXPECT_NE(text.find("latency SLO met by 3.000 ms"), std::string::npos) << text;  // finished at 8, deadline 11
  // A request id past the end: one error line, exit 2.
  int status = std::system((bin + " explain " + dir + "/run --request 2 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
