// Output paths: stitchsim creates outputs only where nothing is, replaces only its own output of
// the same kind and only when told to, and a failed run leaves nothing behind (not even the
// parent folders it created).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/output_path.h"
#include "sim/run_directory.h"

namespace fs = std::filesystem;

namespace {

// A fresh folder for this test case.
std::string fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path d = fs::path(::testing::TempDir()) / ("outpath-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string refusal(const std::string& dir, const std::string& kind, bool overwrite) {
  try {
    sim::check_output_dir(dir, kind, overwrite);
  } catch (const sim::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(OutputPath, RefusesWhatItDidNotCreate) {
  std::string d = fresh_dir();
  std::ofstream(d + "/file") << "x";
  fs::create_directories(d + "/data");
  std::ofstream(d + "/data/notes") << "keep";
  fs::create_symlink(d + "/data", d + "/link");
  EXPECT_NE(refusal(d + "/file", "run", true).find("is a file"), std::string::npos);
  EXPECT_NE(refusal(d + "/data", "run", true).find("is not a stitchsim output"), std::string::npos);
  EXPECT_NE(refusal(d + "/link", "run", true).find("symbolic link"), std::string::npos);
  EXPECT_NE(refusal("/dev/null", "run", true).find("device"), std::string::npos);
  EXPECT_NE(refusal(d + "/file/sub", "run", true).find("not a directory"), std::string::npos);
  EXPECT_NE(refusal(".", "run", true).find("of its own"), std::string::npos);
  EXPECT_NE(refusal(d + "/..", "run", true).find("of its own"), std::string::npos);
  EXPECT_NE(refusal("", "run", true).find("empty"), std::string::npos);
  EXPECT_NE(refusal(d + "/nonexist/../x", "run", true).find("'..' follows"), std::string::npos);
  EXPECT_EQ(sim::check_output_dir(d + "/data/../new", "run", false), sim::OutputState::absent);
  EXPECT_EQ(std::ifstream(d + "/data/notes").get(), 'k');
}

TEST(OutputPath, ReplacesOnlyItsOwnKindWithOverwrite) {
  std::string d = fresh_dir();
  EXPECT_EQ(sim::check_output_dir(d + "/new/deeper", "run", false), sim::OutputState::absent);
  fs::create_directories(d + "/empty");
  EXPECT_EQ(sim::check_output_dir(d + "/empty", "run", false), sim::OutputState::empty);
  fs::create_directories(d + "/old");
  sim::write_output_marker(d + "/old", "run");
  EXPECT_NE(refusal(d + "/old", "run", false).find("--overwrite"), std::string::npos);
  EXPECT_EQ(sim::check_output_dir(d + "/old", "run", true), sim::OutputState::previous);
  EXPECT_NE(refusal(d + "/old", "explore", true).find("not of 'stitchsim explore'"), std::string::npos);
  // A marker that is not ours (not JSON, or no kind) is no marker.
  std::ofstream(d + "/old/" + sim::kOutputMarker) << "garbage";
  EXPECT_NE(refusal(d + "/old", "run", true).find("not a stitchsim output"), std::string::npos);
}

TEST(OutputPath, Files) {
  std::string d = fresh_dir();
  std::ofstream(d + "/p.h5") << "x";
  EXPECT_THROW(sim::check_output_file(d + "/p.h5", false), sim::ConfigError);
  EXPECT_NO_THROW(sim::check_output_file(d + "/p.h5", true));
  EXPECT_NO_THROW(sim::check_output_file(d + "/new.h5", false));
  EXPECT_THROW(sim::check_output_file(d, true), sim::ConfigError);
  EXPECT_THROW(sim::check_output_file("/dev/null", true), sim::ConfigError);
}

TEST(OutputPath, NamesAreOneFolder) {
  for (const char* bad : {"", ".", "..", "../../x", "a/b", "a\\b", "tab\there"}) {
    sim::Json j = {{"name", bad}};
    EXPECT_THROW(sim::checked_output_name(sim::ConfigNode(j, "c.json").at("name")), sim::ConfigError) << bad;
  }
  sim::Json j = {{"name", "paper-fig10 (main)"}};
  EXPECT_EQ(sim::checked_output_name(sim::ConfigNode(j, "c.json").at("name")), "paper-fig10 (main)");
}

TEST(RunDirectory, FailedRunLeavesNothingNotEvenParents) {
  std::string d = fresh_dir();
  {
    sim::RunDirectory run(d + "/a/b/c/run", "run", false);
    EXPECT_TRUE(fs::exists(run.staging()));
    EXPECT_TRUE(fs::exists(run.file(sim::kOutputMarker)));
  }
  EXPECT_FALSE(fs::exists(d + "/a"));
  EXPECT_TRUE(fs::is_empty(d));
}

TEST(RunDirectory, CommitThenOverwriteOnlyWithTheFlag) {
  std::string d = fresh_dir();
  {
    sim::RunDirectory run(d + "/r", "run", false);
    std::ofstream(run.file("summary.json")) << "1";
    run.commit();
  }
  EXPECT_EQ(sim::read_output_marker(d + "/r")->at("kind"), "run");
  EXPECT_THROW(sim::RunDirectory(d + "/r", "run", false), sim::ConfigError);
  {
    sim::RunDirectory run(d + "/r", "run", true);
    std::ofstream(run.file("summary.json")) << "2";
    run.commit();
  }
  EXPECT_EQ(std::ifstream(d + "/r/summary.json").get(), '2');
  // Only the run directory is left: no staging or old copies beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 1);
}

TEST(RunDirectory, UnwritablePlaceFailsBeforeAnyWork) {
  EXPECT_THROW(sim::RunDirectory("/proc/stitchsim-run", "run", false), sim::ConfigError);
}

}  // namespace
