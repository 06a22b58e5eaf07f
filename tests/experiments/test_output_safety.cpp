// Issue 15's reproductions through the real binary: no command deletes or overwrites what it did
// not create, every output path is checked before the work starts, and bad values end as one
// line with exit code 2.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli_harness.h"

namespace fs = std::filesystem;
using namespace cli_harness;  // run_cli, scratch, write_temp, ...

namespace {

// Exit 2, one line starting "error: " that holds `part`.
void expect_one_line_error(const Result& r, const std::string& part) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(part), std::string::npos) << "missing '" << part << "' in: " << r.err;
}

std::string config_file() { return write_temp("config.json", default_config().dump()); }

TEST(OutputSafety, RunKeepsAFolderOfOtherData) {
  std::string d = scratch("d");
  fs::create_directories(d);
  std::ofstream(d + "/notes") << "keep me";
  for (const char* flag : {"", " --overwrite"}) {
    expect_one_line_error(run_cli("run " + config_file() + " -q --out " + d + flag), "not a stitchsim output");
    EXPECT_EQ(slurp(d + "/notes"), "keep me");
  }
}

TEST(OutputSafety, RunKeepsAPlainFileAndDevNull) {
  std::string f = write_temp("plain", "data");
  expect_one_line_error(run_cli("run " + config_file() + " -q --overwrite --out " + f), "is a file");
  EXPECT_EQ(slurp(f), "data");
  expect_one_line_error(run_cli("run " + config_file() + " -q --overwrite --out /dev/null"), "device");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OutputSafety, OverwriteReplacesOnlyAPreviousOutputOfTheSameKind) {
  std::string r = scratch("r");
  fs::remove_all(r);
  ASSERT_EQ(run_cli("run " + config_file() + " -q --out " + r).code, 0);
  expect_one_line_error(run_cli("run " + config_file() + " -q --out " + r), "--overwrite");
  EXPECT_EQ(run_cli("run " + config_file() + " -q --overwrite --out " + r).code, 0);
  expect_one_line_error(run_cli("explore " + config_file() + " -q --overwrite --out " + r), "not of 'stitchsim explore'");
  EXPECT_TRUE(fs::exists(r + "/summary.json"));
}

TEST(OutputSafety, BadPlacesFailBeforeTheRun) {
  std::string base = scratch("p");
  fs::create_directories(base);
  for (const auto& [out, part] : std::vector<std::pair<std::string, std::string>>{
           {"/proc/stitchsim-x", "cannot create"},
           {".", "of its own"},
           {base + "/nonexist/../x", "'..' follows"}}) {
    expect_one_line_error(run_cli("run " + config_file() + " -q --out " + out), part);
  }
  EXPECT_FALSE(fs::exists(base + "/nonexist"));
  EXPECT_FALSE(fs::exists(base + "/x"));
}

TEST(OutputSafety, ConfigNamesCannotEscapeTheRunsFolder) {
  // Without --out the name picks runs/<name> (relative to the working directory): "" wiped all
  // of runs/, "../../x" escaped it.
  for (const char* name : {"", "../../x", "a/b"}) {
    auto j = default_config();
    j["name"] = name;
    expect_one_line_error(run_cli("run -q " + write_temp("named.json", j.dump())), "$.name");
  }
}

TEST(OutputSafety, SinkFilesStayInTheRunDirectory) {
  auto j = default_config();
  j["outputs"] = {{"sinks", {{{"name", "hdf5"}, {"file", "../../escaped.h5"}}}}};
  expect_one_line_error(run_cli("run -q " + write_temp("sink.json", j.dump()) + " --out " + scratch("r")), "$.outputs.sinks[0].file");
  EXPECT_FALSE(fs::exists(scratch("escaped.h5")));
}

TEST(OutputSafety, FailedRunLeavesNoEmptyFolders) {
  // The trace's second arrival (1e12 ms) after a start near the end of int64 time overflows
  // during the simulation, after the run directory's parents were created.
  auto j = default_config();
  // A request every 10^9 s from 9e18 ns: the second arrival time overflows int64 nanoseconds.
  // (A trace replay stops at the duration before overflowing, so a periodic process is used.)
  j["tasks"][0]["arrival"] = {{"name", "periodic"}, {"rate_rps", 1e-9}};
  j["tasks"][0]["start"] = "9000000000000000000ns";
  j["tasks"] = sim::Json::array({j["tasks"][0]});  // no other task arriving until the end of time
  j.erase("slo_changes");
  j["duration"] = "9200000000000000000ns";
  std::string out = scratch("deep") + "/a/b/run";
  fs::remove_all(scratch("deep"));
  Result r = run_cli("run -q " + write_temp("late.json", j.dump()) + " --out " + out);
  expect_one_line_error(r, "too large");
  EXPECT_FALSE(fs::exists(scratch("deep")));
}

TEST(OutputSafety, MisleadingValuesGetTheirOwnMessages) {
  auto with = [](const std::string& set) { return run_cli("run -q " + config_file() + " --out " + scratch("never") + " --set " + set); };
  expect_one_line_error(with("seed=-1"), "must not be negative");
  expect_one_line_error(with("seed=1e999"), "out of range");
  expect_one_line_error(with("tasks.99999999999999999999.name=a"), "index out of range");
  expect_one_line_error(with("description=7"), "$.description: expected a string");
  expect_one_line_error(with("outputs.trace_max_requests=-1"), "$.outputs.trace_max_requests");
  expect_one_line_error(with("precision_change_ms=1e308"), "too large");
  EXPECT_FALSE(fs::exists(scratch("never")));
  // 2^63 is a valid seed, not a negative one.
  EXPECT_EQ(run_cli("run -q " + config_file() + " --out " + scratch("big_seed") + " --set seed=9223372036854775808").code, 0);
}

TEST(OutputSafety, InlineValidateExperimentKeepsItsPath) {
  auto experiment = default_config();
  experiment["scheduler"] = {{"name", "fastest"}};
  sim::Json validate = {{"zoo", cli_harness::source("experiments/live/configs/zoo_two_models.json")}, {"experiment", experiment}};
  Result r = run_cli("validate -q " + write_temp("validate.json", validate.dump()) + " --out " + scratch("never"));
  expect_one_line_error(r, "validate.json: $.experiment.scheduler.name: unknown scheduler");
  EXPECT_FALSE(fs::exists(scratch("never")));
}

TEST(OutputSafety, HugeProfileLatencyIsBadInputNotAnOverflow) {
  sim::Json p = sim::read_json_file(cli_harness::source("tests/data/profile_small.json"));
  p["models"]["tiny"]["latency"][0]["mean_ms"] = 1e12;
  std::string f = write_temp("slow.json", p.dump());
  Result r = run_cli("profile show " + f);
  expect_one_line_error(r, "$.models.tiny.latency[0].mean_ms: is too large");
}

TEST(OutputSafety, CapacityChecksEverythingFirst) {
  expect_one_line_error(run_cli("capacity " + write_temp("array.json", "[]")), "expected an object");
  expect_one_line_error(run_cli("capacity " + config_file() + " --tolerance 0"), "--tolerance");
  std::string f = write_temp("probes.json", "mine");
  expect_one_line_error(run_cli("capacity " + config_file() + " --out " + f), "--overwrite");
  EXPECT_EQ(slurp(f), "mine");
}

TEST(OutputSafety, ProfileOutputsAreNewFiles) {
  std::string f = write_temp("estimated.json", "mine");
  std::string in = cli_harness::source("tests/data/profile_small.json");
  expect_one_line_error(run_cli("profile estimate " + in + " --estimator '\"analytic\"' --out " + f), "--overwrite");
  EXPECT_EQ(slurp(f), "mine");
}

TEST(OutputSafety, ShippedExampleProfilePassesItsOwnCheck) {
  Result r = run_cli("profile check " + cli_harness::source("hw-models/profiles/example_illustrative.json"));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

}  // namespace
