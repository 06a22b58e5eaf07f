// Hostile inputs against every command that reads a file: each answer is exit code 2 and one line
// starting "error: " that names the file, never a crash, a hang, exit 1 or a second line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "cli_harness.h"

namespace fs = std::filesystem;
using namespace cli_harness;  // run_cli, scratch, write_temp, ...

namespace {

struct Hostile {
  std::string name, text;
};

std::vector<Hostile> hostile_inputs() {
  return {{"empty", ""},
          {"deep", std::string(100000, '[') + std::string(100000, ']')},
          {"deep_object", [] {
             std::string s;
             for (int i = 0; i < 20000; ++i) s += "{\"a\":";
             return s + "1" + std::string(20000, '}');
           }()},
          {"huge_number", "{\"seed\": 1e999, \"name\": \"x\"}"},
          {"duplicate_key", "{\"name\": \"a\", \"name\": \"b\"}"},
          {"top_level_array", "[]"},
          {"top_level_string", "\"run\""},
          {"binary", std::string("\x89HDF\r\n\x1a\n\0\0\xff\xfe", 12)},
          {"invalid_utf8", "{\"name\": \"\xc3\x28\"}"},
          {"nan", "{\"seed\": NaN}"}};
}

// Commands with the input in place of FILE; OUT is a fresh output path.
std::vector<std::string> commands() {
  return {"run FILE -q --out OUT",
          "explore FILE -q --out OUT",
          "sweep FILE -q --out OUT",
          "capacity FILE",
          "validate FILE -q --out OUT",
          "profile show FILE",
          "profile check FILE",
          "profile estimate FILE --estimator '\"analytic\"' --out OUT.json"};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

TEST(HostileMatrix, EveryCommandAnswersEveryInputWithOneLine) {
  std::string out = scratch("out");
  for (const auto& input : hostile_inputs()) {
    std::string file = write_temp(input.name + ".json", input.text);
    for (const auto& command : commands()) {
      fs::remove_all(out);
      fs::remove(out + ".json");
      std::string args = replace_all(replace_all(command, "FILE", file), "OUT", out);
      Result r = run_cli(args);
      std::string what = input.name + " -> stitchsim " + command + "\n" + r.err;
      EXPECT_EQ(r.code, 2) << what;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what;
      EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << what;
      EXPECT_NE(r.err.find(file), std::string::npos) << what;
      EXPECT_FALSE(fs::exists(out)) << what;
      EXPECT_FALSE(fs::exists(out + ".json")) << what;
    }
  }
}

TEST(HostileMatrix, MissingAndSpecialFiles) {
  std::string dir = scratch("a_directory.json");
  fs::create_directories(dir);
  for (const std::string& file : {scratch("missing.json"), dir, std::string("/dev/zero")}) {
    for (const auto& command : commands()) {
      std::string args = replace_all(replace_all(command, "FILE", file), "OUT", scratch("out"));
      Result r = run_cli(args);
      EXPECT_EQ(r.code, 2) << file << " -> " << command << "\n" << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << file << " -> " << command << "\n" << r.err;
    }
  }
}

}  // namespace
