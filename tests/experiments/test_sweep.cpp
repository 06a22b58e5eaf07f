// Sweeps: row order independent of threads and ranks, resume after a kill loses nothing, and
// 2 MPI ranks give the same table as 1 rank (real mpirun on loopback).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "experiments/capacity.h"
#include "experiments/sweep.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A sweep over the default experiment, shortened; `seeds` sets its size.
std::string write_sweep(const std::string& name, int seeds, const std::string& duration = "3s") {
  std::string dir = ::testing::TempDir() + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  sim::Json base = sim::read_json_file(std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/default.json");
  std::string cfg_dir = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/";
  base["platform"] = fs::path(cfg_dir + base["platform"].get<std::string>()).lexically_normal().string();
  base["profile"] = fs::path(cfg_dir + base["profile"].get<std::string>()).lexically_normal().string();
  base["duration"] = duration;
  std::ofstream(dir + "/base.json") << base.dump(1);
  sim::Json seeds_json = sim::Json::array();
  for (int s = 1; s <= seeds; ++s) seeds_json.push_back(s);
  sim::Json sweep = {{"base", "base.json"},
                     {"axes",
                      {{{"key", "scheduler.name"}, {"values", {"round_robin", "least_slack_time_first"}}},
                       {{"name", "load"},
                        {"values", {{"low", {{"tasks.0.arrival.rate_rps", 10}}}, {"high", {{"tasks.0.arrival.rate_rps", 60}}}}}},
                       {{"key", "seed"}, {"values", seeds_json}}}},
                     {"metrics", {"overall.slo_violation_rate", "overall.requests", "tasks.image.latency_ms.p99"}}};
  std::ofstream(dir + "/sweep.json") << sweep.dump(1);
  return dir;
}

int run(const std::string& cmd) {
  int status = std::system((cmd + " 2>/dev/null").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string bin() { return STITCHSIM_BINARY; }

}  // namespace

TEST(Sweep, CoordinatesAreRowMajor) {
  auto dir = write_sweep("sweep_coords", 3);
  auto spec = experiments::read_sweep(dir + "/sweep.json");
  ASSERT_EQ(spec.run_count(), 12u);
  EXPECT_EQ(spec.coordinates(0), (std::vector<std::size_t>{0, 0, 0}));
  EXPECT_EQ(spec.coordinates(4), (std::vector<std::size_t>{0, 1, 1}));
  EXPECT_EQ(spec.coordinates(11), (std::vector<std::size_t>{1, 1, 2}));
  sim::Json base = sim::read_json_file(spec.base_config);
  auto c = experiments::config_for_run(spec, base, 11);
  EXPECT_EQ(c["scheduler"]["name"], "least_slack_time_first");
  EXPECT_EQ(c["tasks"][0]["arrival"]["rate_rps"], 10);  // "low" sorts after "high"
  EXPECT_EQ(c["seed"], 3);
}

TEST(Sweep, SameTableAtAnyThreadCount) {
  auto dir = write_sweep("sweep_threads", 3);
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/t1 --threads 1 -q"), 0);
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/t2 --threads 2 -q"), 0);
  std::string a = slurp(dir + "/t1/results.csv");
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 13);
  EXPECT_EQ(a, slurp(dir + "/t2/results.csv"));
  EXPECT_TRUE(fs::exists(dir + "/t1/results.h5"));
}

TEST(Sweep, ResumeAfterKillLosesNothing) {
  auto dir = write_sweep("sweep_kill", 40, "20s");  // 160 runs: long enough to kill midway
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/full --threads 2 -q"), 0);
  pid_t pid = fork();
  if (pid == 0) {
    std::string out = dir + "/killed";
    execl(bin().c_str(), bin().c_str(), "sweep", (dir + "/sweep.json").c_str(), "--out", out.c_str(), "--threads",
          "1", "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it hard once some runs are recorded, then tear the last line as a crash might.
  std::string progress = dir + "/killed/progress/rank-0.jsonl";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string p = slurp(progress);
    if (std::count(p.begin(), p.end(), '\n') >= 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string before = slurp(progress);
  auto done_before = std::count(before.begin(), before.end(), '\n');
  ASSERT_GE(done_before, 5);
  ASSERT_LT(done_before, 160) << "finished before the kill; make the sweep longer";
  EXPECT_FALSE(fs::exists(dir + "/killed/results.csv"));
  std::ofstream(progress, std::ios::app) << "{\"index\": 159, \"val";
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/killed --threads 2 -q"), 0);
  EXPECT_EQ(slurp(dir + "/full/results.csv"), slurp(dir + "/killed/results.csv"));
  // The first invocation's rows were kept, not recomputed: its file still starts with them.
  EXPECT_EQ(slurp(progress).rfind(before, 0), 0u);
}

TEST(Sweep, TwoMpiRanksEqualOneRank) {
  auto dir = write_sweep("sweep_mpi", 4);
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/r1 --threads 1 -q"), 0);
  // In the sanitized suite (scripts/test.sh --sanitize) the ranks are not leak-checked: OpenMPI
  // keeps allocations for the life of the process in components it unloads before exit, so
  // LeakSanitizer can name none of their frames and no suppression can match them. (The
  // variable means nothing to an unsanitized build.)
  std::string mpirun =
      "mpirun --allow-run-as-root --bind-to none --oversubscribe -np 2 --mca btl self,tcp "
      "--mca btl_tcp_if_include lo --mca oob_tcp_if_include lo -x ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 ";
  ASSERT_EQ(run(mpirun + bin() + " sweep " + dir + "/sweep.json --out " + dir + "/r2 --threads 1 -q"), 0);
  EXPECT_EQ(slurp(dir + "/r1/results.csv"), slurp(dir + "/r2/results.csv"));
  EXPECT_TRUE(fs::exists(dir + "/r2/progress/rank-1.jsonl")) << "rank 1 did no work";
}

TEST(Sweep, BadAxisValueFailsFastWithPath) {
  auto dir = write_sweep("sweep_bad", 2);
  sim::Json s = sim::read_json_file(dir + "/sweep.json");
  s["axes"][0]["values"].push_back("no_such_policy");
  std::ofstream(dir + "/sweep.json") << s.dump();
  int status = std::system((bin() + " sweep " + dir + "/sweep.json --out " + dir + "/bad -q 2>" + dir + "/err.txt").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(slurp(dir + "/err.txt").find("no_such_policy"), std::string::npos) << slurp(dir + "/err.txt");
  EXPECT_FALSE(fs::exists(dir + "/bad/results.csv"));
}

// A capacity sweep: one bisection per cell, in parallel; each cell equals the same search run
// alone (find_capacity), and the table is the same at any thread count.
TEST(Sweep, CapacityCellsEqualSingleSearches) {
  auto dir = write_sweep("sweep_capacity", 1, "4s");
  sim::Json s = sim::read_json_file(dir + "/sweep.json");
  s.erase("metrics");
  s["axes"] = {{{"key", "variant_selector.name"}, {"values", {"av", "sv_lo", "fastest_accurate"}}}};
  s["capacity"] = {{"target", 0.05}, {"low", 0.1}, {"high", 10}, {"tolerance", 0.05}};
  std::ofstream(dir + "/sweep.json") << s.dump(1);
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/t1 --threads 1 -q"), 0);
  ASSERT_EQ(run(bin() + " sweep " + dir + "/sweep.json --out " + dir + "/t2 --threads 2 -q"), 0);
  EXPECT_EQ(slurp(dir + "/t1/results.csv"), slurp(dir + "/t2/results.csv"));
  auto spec = experiments::read_sweep(dir + "/sweep.json");
  sim::Json base = sim::read_json_file(spec.base_config);
  std::string csv = slurp(dir + "/t2/results.csv");
  for (std::size_t i = 0; i < spec.run_count(); ++i) {
    auto r = experiments::find_capacity(experiments::config_for_run(spec, base, i), spec.base_config, dir, 0.05, 0.1,
                                        10, 0.05);
    // The row "i,policy,capacity_rps,..." holds this search's capacity, printed the same way.
    std::string row = fmt::format("\n{},{},{},", i, spec.axes[0].labels[i], r.capacity_rps);
    EXPECT_NE(csv.find(row), std::string::npos) << row << " not in\n" << csv;
  }
}

TEST(Sweep, CapacityNeedsRatesAndKnownMetrics) {
  auto dir = write_sweep("sweep_capacity_bad", 1);
  sim::Json s = sim::read_json_file(dir + "/sweep.json");
  s["capacity"] = sim::Json::object();  // the file's metrics are summary paths, not capacity metrics
  std::ofstream(dir + "/sweep.json") << s.dump(1);
  int status = std::system((bin() + " sweep " + dir + "/sweep.json --out " + dir + "/bad -q 2>" + dir + "/err.txt").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(slurp(dir + "/err.txt").find("$.metrics[0]"), std::string::npos) << slurp(dir + "/err.txt");
  s.erase("metrics");
  sim::Json base = sim::read_json_file(dir + "/base.json");
  base["tasks"][1]["arrival"] = {{"name", "normal"}, {"mean_ms", 100}, {"stddev_ms", 10}};  // no rate to scale
  std::ofstream(dir + "/base.json") << base.dump(1);
  std::ofstream(dir + "/sweep.json") << s.dump(1);
  status = std::system((bin() + " sweep " + dir + "/sweep.json --out " + dir + "/bad -q 2>" + dir + "/err.txt").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(slurp(dir + "/err.txt").find("$.tasks[1].arrival has no numeric rate_rps"), std::string::npos)
      << slurp(dir + "/err.txt");
  EXPECT_FALSE(fs::exists(dir + "/bad"));
}
