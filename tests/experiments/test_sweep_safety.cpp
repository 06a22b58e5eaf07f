// Sweeps that cannot lie (issue 15): everything is checked before the output folder exists, a
// rerun with a changed spec refuses instead of mixing old rows in, named axis values keep file
// order, and a torn progress line is repaired so no finished run is lost or redone.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli_harness.h"
#include "experiments/sweep.h"

namespace fs = std::filesystem;
using namespace cli_harness;  // run_cli, scratch, write_temp, ...

namespace {

// A 2-run sweep over seeds of a 1 s experiment, written next to its base config.
std::string write_sweep(const sim::Json& seeds, const sim::Json& metrics = {"overall.requests"}) {
  auto base = default_config();
  base["duration"] = "1s";
  write_temp("base.json", base.dump());
  sim::Json sweep = {{"base", "base.json"}, {"axes", {{{"key", "seed"}, {"values", seeds}}}}, {"metrics", metrics}};
  return write_temp("sweep.json", sweep.dump());
}

std::string fresh_out() {
  std::string out = scratch("out");
  fs::remove_all(out);
  return out;
}

TEST(SweepSafety, ChangedSpecRefusesUnlessOverwrite) {
  std::string out = fresh_out();
  ASSERT_EQ(run_cli("sweep " + write_sweep({1, 2}) + " -q --out " + out).code, 0);
  std::string first = slurp(out + "/results.csv");
  // Same spec: a rerun resumes (nothing left to do) and keeps the results.
  EXPECT_EQ(run_cli("sweep " + write_sweep({1, 2}) + " -q --out " + out).code, 0);
  EXPECT_EQ(slurp(out + "/results.csv"), first);
  Result r = run_cli("sweep " + write_sweep({3, 4}) + " -q --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("different spec"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(out + "/results.csv"), first);
  ASSERT_EQ(run_cli("sweep " + write_sweep({3, 4}) + " -q --overwrite --out " + out).code, 0);
  std::string second = slurp(out + "/results.csv");
  EXPECT_NE(second.find(",3,"), std::string::npos) << second;
  EXPECT_EQ(second.find(",1,"), std::string::npos) << second;
}

TEST(SweepSafety, UnknownMetricIsExit2BeforeAnythingExists) {
  std::string out = fresh_out();
  Result r = run_cli("sweep " + write_sweep({1, 2}, {"overall.requests", "overall.nope"}) + " --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // not even the "[sweep] N runs" line
  EXPECT_NE(r.err.find("$.metrics[1]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(SweepSafety, BadAxisValueIsReportedAgainstTheSweepAxis) {
  std::string out = fresh_out();
  auto base = default_config();
  write_temp("base.json", base.dump());
  sim::Json sweep = {{"base", "base.json"}, {"axes", {{{"key", "scheduler.name"}, {"values", {"round_robin", "fastest"}}}}}};
  Result r = run_cli("sweep " + write_temp("sweep.json", sweep.dump()) + " --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("sweep.json: $.axes[0].values[1]: axis 'scheduler.name' value 'fastest'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(SweepSafety, FolderOfOtherDataIsKept) {
  std::string out = fresh_out();
  fs::create_directories(out);
  std::ofstream(out + "/notes") << "keep";
  Result r = run_cli("sweep " + write_sweep({1}) + " -q --overwrite --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(slurp(out + "/notes"), "keep");
  EXPECT_FALSE(fs::exists(out + "/progress"));
}

TEST(SweepSafety, NamedAxisValuesKeepFileOrder) {
  write_temp("base.json", default_config().dump());
  // Written by hand: "zeta" before "alpha", which a sorted reader would swap.
  std::string f = write_temp("sweep.json", R"({"base": "base.json", "axes": [{"name": "load", "values": {
      "zeta": {"tasks.0.arrival.rate_rps": 5}, "alpha": {"tasks.0.arrival.rate_rps": 50}, "mid": {"seed": 3}}}]})");
  auto spec = experiments::read_sweep(f);
  ASSERT_EQ(spec.axes.size(), 1u);
  EXPECT_EQ(spec.axes[0].labels, (std::vector<std::string>{"zeta", "alpha", "mid"}));
  EXPECT_EQ(spec.axes[0].overrides[0].front().second, 5);
}

TEST(SweepSafety, TornProgressLineIsRepairedAndNothingFinishedIsRedone) {
  std::string out = fresh_out();
  std::string sweep = write_sweep({1, 2, 3});
  ASSERT_EQ(run_cli("sweep " + sweep + " -q --threads 1 --out " + out).code, 0);
  std::string progress = out + "/progress/rank-0.jsonl";
  std::string text = slurp(progress);
  std::size_t first_end = text.find('\n');
  ASSERT_NE(first_end, std::string::npos);
  // As a kill would leave it: the first record whole, the second cut in half, no results yet.
  std::string torn = text.substr(0, first_end + 1) + text.substr(first_end + 1, 10);
  std::ofstream(progress, std::ios::binary | std::ios::trunc) << torn;
  fs::remove(out + "/results.csv");
  ASSERT_EQ(run_cli("sweep " + sweep + " -q --threads 1 --out " + out).code, 0);
  // Every record is whole and each run is there once: the torn one was redone, the finished one
  // was not, and no record was glued onto the torn line.
  EXPECT_EQ(experiments::read_progress(out, 3).size(), 3u);
  std::string repaired = slurp(progress);
  EXPECT_EQ(std::count(repaired.begin(), repaired.end(), '\n'), 3) << repaired;
  EXPECT_TRUE(fs::exists(out + "/results.csv"));
}

}  // namespace
