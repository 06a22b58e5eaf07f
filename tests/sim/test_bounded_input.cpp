// The readers of user input stay within bounds: JSON nesting, duplicate keys, numbers beyond a
// double, huge --set indices, integers beyond int64, times beyond int64 nanoseconds, CSV quoting,
// control characters in messages, and crashing readers run in a child process. Each case is a
// reproduction from issue 15 that misbehaved before (crash, exit 1, or a misleading message).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "sim/config.h"
#include "sim/csv_reader.h"
#include "sim/isolated.h"
#include "sim/json_reader.h"
#include "sim/time.h"
#include "workloads/trace.h"

namespace {

// The ConfigError that `f` throws (a test failure when it throws nothing).
template <typename F>
sim::ConfigError config_error(F f) {
  try {
    f();
  } catch (const sim::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError";
  return sim::ConfigError("", "", "");
}

std::string temp_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/bounded-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(BoundedJson, DeepNestingIsOneErrorNotAStackOverflow) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string f = temp_file("deep.json", deep);
  auto e = config_error([&] { sim::read_json_file(f); });
  EXPECT_EQ(e.file(), f);
  EXPECT_NE(e.message().find("nested deeper than 128 levels"), std::string::npos) << e.what();
  // The path names where the limit was crossed: 128 array levels down.
  EXPECT_EQ(e.path().size(), 1 + 3 * 128) << e.path();
  // Exactly at the limit is still fine.
  EXPECT_NO_THROW(sim::parse_json_text(std::string(128, '[') + std::string(128, ']'), "x"));
}

TEST(BoundedJson, DuplicateKeyNamesItsPath) {
  auto e = config_error([] { sim::parse_json_text(R"({"a": [1, {"k": 1, "k": 2}]})", "dup.json"); });
  EXPECT_EQ(e.path(), "$.a[1].k");
  EXPECT_NE(e.message().find("twice"), std::string::npos) << e.what();
  // The same key in two different objects is fine.
  EXPECT_NO_THROW(sim::parse_json_text(R"({"a": {"k": 1}, "b": {"k": 1}})", "x"));
}

TEST(BoundedJson, NumberBeyondADoubleIsOutOfRangeWithItsLine) {
  auto e = config_error([] { sim::parse_json_text("{\n \"x\": 1e999\n}", "big.json"); });
  EXPECT_NE(e.message().find("out of range"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("line 2"), std::string::npos) << e.what();
}

TEST(BoundedJson, SyntaxErrorKeepsLineAndColumn) {
  auto e = config_error([] { sim::parse_json_text("{\n \"x\": nope\n}", "bad.json"); });
  EXPECT_NE(e.message().find("malformed JSON at line 2"), std::string::npos) << e.what();
}

TEST(BoundedJson, SetOverrides) {
  sim::Json j = {{"tasks", {{{"name", "a"}}}}, {"seed", 1}};
  auto big = config_error([&] { sim::apply_override(j, "seed=1e999"); });
  EXPECT_NE(big.message().find("out of range"), std::string::npos) << big.what();
  auto index = config_error([&] { sim::apply_override(j, "tasks.99999999999999999999.name=a"); });
  EXPECT_NE(index.message().find("index out of range"), std::string::npos) << index.what();
  sim::apply_override(j, "tasks.0.name=round_robin");  // a bare word is a string
  EXPECT_EQ(j["tasks"][0]["name"], "round_robin");
  sim::apply_override(j, "seed=7");
  EXPECT_EQ(j["seed"], 7);
}

TEST(BoundedJson, IntegersBeyondInt64AreNotNegative) {
  sim::Json j = sim::parse_json_text(R"({"seed": 9223372036854775808, "neg": -1, "big": 1e308})", "x");
  sim::ConfigNode root(j, "x");
  EXPECT_EQ(root.at("seed").as_uint64(), 9223372036854775808ull);
  auto as_int = config_error([&] { root.at("seed").as_int(); });
  EXPECT_NE(as_int.message().find("too large"), std::string::npos) << as_int.what();
  auto neg = config_error([&] { root.at("neg").as_uint64(); });
  EXPECT_NE(neg.message().find("must not be negative"), std::string::npos) << neg.what();
  // 1e308 is too large, not "below 0".
  auto big = config_error([&] { root.at("big").as_double(0.0); });
  EXPECT_NE(big.message().find("too large"), std::string::npos) << big.what();
  EXPECT_EQ(big.message().find("at least"), std::string::npos) << big.what();
}

TEST(BoundedJson, ControlCharactersStayOnOneLine) {
  sim::ConfigError e("f\nile", "$.a\r", "bad\nvalue\x1b[31m");
  std::string what = e.what();
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(what.find('\x1b'), std::string::npos) << what;
  EXPECT_NE(what.find("bad\\x0avalue"), std::string::npos) << what;
  EXPECT_LT(sim::ConfigError("f", "", std::string(100000, 'x')).message().size(), 2100u);
}

TEST(CheckedTime, ConversionsAndArithmeticThrowInsteadOfWrapping) {
  EXPECT_EQ(sim::from_ms(1.5).ns, 1500000);
  EXPECT_EQ(sim::from_s(-2.0).ns, -2000000000);
  EXPECT_THROW(sim::from_ms(1e17), sim::TimeOverflow);  // 1e23 ns
  EXPECT_THROW(sim::from_ms(std::numeric_limits<double>::quiet_NaN()), sim::TimeOverflow);
  EXPECT_THROW(sim::from_s(std::numeric_limits<double>::infinity()), sim::TimeOverflow);
  EXPECT_THROW(sim::Time::max() + sim::Time(1), sim::TimeOverflow);
  EXPECT_THROW(sim::Time(std::numeric_limits<std::int64_t>::min()) - sim::Time(1), sim::TimeOverflow);
  EXPECT_THROW(sim::from_s(1e9) * 100, sim::TimeOverflow);
  sim::Time t = sim::from_ms(1e12);  // the largest profile latency a bug once wrapped around
  EXPECT_THROW(t * 10, sim::TimeOverflow);
  EXPECT_EQ((t + t).ns, 2000000000000000000);
}

TEST(Csv, QuotingLineBreaksAndCrlf) {
  auto rows = sim::parse_csv_text("task,arrival_ms\r\n\"image, big\",1.5\r\n\"say \"\"hi\"\"\n\",2\r\n\r\n", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields[0], "image, big");
  EXPECT_EQ(rows[2].fields[0], "say \"hi\"\n");
  EXPECT_EQ(rows[2].number, 3u);
  auto e = config_error([] { sim::parse_csv_text("a,b\n\"open,1\n", "t.csv"); });
  EXPECT_NE(e.message().find("malformed CSV"), std::string::npos) << e.what();
}

TEST(Csv, TraceFilterOrderAndRange) {
  auto times = workloads::parse_trace_csv("task,arrival_ms\n\"image, big\",1\nspeech,2\n\"image, big\",3\n", "t.csv", "image, big");
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[1], sim::from_ms(3));
  auto decreasing = config_error([] { workloads::parse_trace_csv("arrival_ms\n5\n4\n", "t.csv", ""); });
  EXPECT_EQ(decreasing.path(), "row 3");
  EXPECT_NE(decreasing.message().find("must not decrease"), std::string::npos);
  // 1e17 ms used to wrap around and be reported as decreasing.
  auto huge = config_error([] { workloads::parse_trace_csv("arrival_ms\n1\n1e17\n", "t.csv", ""); });
  EXPECT_EQ(huge.path(), "row 3");
  EXPECT_NE(huge.message().find("too large"), std::string::npos) << huge.what();
  auto text = config_error([] { workloads::parse_trace_csv("arrival_ms\n1ms\n", "t.csv", ""); });
  EXPECT_NE(text.message().find("not a non-negative number"), std::string::npos) << text.what();
}

// Streaming: records arrive one by one across 64 KiB blocks, a byte-order mark is skipped,
// stopping early reads no further, and the sink's own error comes out as it is.
TEST(Csv, StreamsRecordsAcrossBlocksAndStopsEarly) {
  std::string path = ::testing::TempDir() + "/stream-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBFn,text\n";
    for (int i = 1; i <= 20000; ++i) out << i << ",\"a, " << i << "\"\n";  // ~270 KB: several blocks
    out << "\"unterminated\n";
  }
  std::size_t seen = 0;
  sim::for_each_csv_record(path, [&](const sim::CsvRecord& r) {
    if (r.number == 1) EXPECT_EQ(r.fields[0], "n");  // no byte-order mark in the first name
    ++seen;
    return r.number < 15000;
  });
  EXPECT_EQ(seen, 15000u);  // the malformed end was never reached
  auto e = config_error([&] { sim::for_each_csv_record(path, [](const sim::CsvRecord&) { return true; }); });
  EXPECT_EQ(e.file(), path);
  EXPECT_NE(e.message().find("malformed CSV"), std::string::npos) << e.what();
  auto mine = config_error([&] {
    sim::for_each_csv_record(path, [&](const sim::CsvRecord& r) -> bool {
      if (r.number == 7) throw sim::ConfigError(path, "row 7", "mine");
      return true;
    });
  });
  EXPECT_EQ(mine.path(), "row 7");
  std::filesystem::remove(path);
}

TEST(Isolated, ResultErrorCrashAndHang) {
  EXPECT_EQ(sim::run_isolated("x", [] { return sim::Json{{"a", 1}}; }), (sim::Json{{"a", 1}}));
  auto err = config_error([] { sim::run_isolated("x", []() -> sim::Json { throw sim::ConfigError("f.h5", "/g", "bad"); }); });
  EXPECT_EQ(err.file(), "f.h5");
  EXPECT_EQ(err.path(), "/g");
  EXPECT_EQ(err.message(), "bad");
  auto crash = config_error([] {
    sim::run_isolated("f.h5", []() -> sim::Json {
      ::kill(::getpid(), SIGKILL);
      return {};
    });
  });
  EXPECT_EQ(crash.file(), "f.h5");
  EXPECT_NE(crash.message().find("crashed"), std::string::npos) << crash.what();
  auto hang = config_error([] {
    sim::run_isolated("f.h5", []() -> sim::Json {
      ::pause();
      return {};
    }, 1);
  });
  EXPECT_NE(hang.message().find("longer than 1 s"), std::string::npos) << hang.what();
}

}  // namespace
