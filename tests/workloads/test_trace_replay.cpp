// The `trace` arrival process: reading the three layouts, scaling, splitting over tasks, looping,
// the shipped public traces (counts from their published descriptions), and bad input naming the
// file and row (exit code 2 through the CLI).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "sim/config.h"
#include "workloads/arrival.h"
#include "workloads/trace_replay.h"
#include "workloads/trace_source.h"

namespace fs = std::filesystem;

namespace {

// Each test writes its own files (ctest runs cases as parallel processes).
std::string scratch(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir =
      ::testing::TempDir() + "/stitchsim-trace-" + info->name() + "-" + std::to_string(::getpid());
  fs::create_directories(dir);
  return dir + "/" + name;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = scratch(name);
  std::ofstream(path) << text;
  return path;
}

std::unique_ptr<workloads::ArrivalProcess> make(sim::Json j) {
  j["name"] = "trace";
  return workloads::make_arrival(sim::ConfigNode(j, "test.json", "$.arrival"), "/");
}

// Every arrival (at most `limit`) from start time 0.
std::vector<sim::Time> all(workloads::ArrivalProcess& a, std::size_t limit = 10'000'000,
                           std::uint64_t seed = 1) {
  auto rng = sim::Rng::stream(seed, "arrival", 0);
  std::vector<sim::Time> out;
  sim::Time t;
  while (out.size() < limit) {
    t = a.next(t, rng);
    if (t == sim::Time::max()) break;
    out.push_back(t);
  }
  return out;
}

// The error a ConfigError-throwing call produces (empty if none).
template <class F>
sim::ConfigError error_of(F f) {
  try {
    f();
  } catch (const sim::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError";
  return sim::ConfigError("", "", "");
}

std::string arrival_ms_csv(const std::vector<double>& ms) {
  std::string text = "arrival_ms\n";
  for (double v : ms) text += std::to_string(v) + "\n";
  return text;
}

const std::string kPublic = std::string(STITCHSIM_SOURCE_DIR) + "/../shared/data/public/";

}  // namespace

TEST(TraceSource, ParsesTimestampsToNanoseconds) {
  using workloads::parse_timestamp_ns;
  EXPECT_EQ(parse_timestamp_ns("1970-01-01 00:00:01.5"), 1'500'000'000);
  EXPECT_EQ(parse_timestamp_ns("1970-01-02 00:00:00"), 86'400'000'000'000);
  // 100 ns resolution of the Azure LLM trace, across a day boundary.
  EXPECT_EQ(*parse_timestamp_ns("2023-11-17 00:00:00.0000001") - *parse_timestamp_ns("2023-11-16 23:59:59.9999999"),
            200);
  EXPECT_EQ(*parse_timestamp_ns("2024-03-01 00:00:00") - *parse_timestamp_ns("2024-02-28 00:00:00"),
            2 * 86'400'000'000'000);  // leap year
  for (const char* bad : {"2023-02-29 00:00:00", "2023-11-16 24:00:00", "2023-11-16 18:17", "2023-11-16 18:17:03.",
                          "2023-11-16 18:17:03.1234567890", "2023/11/16 18:17:03", "2023-11-16 18:1a:03"}) {
    EXPECT_FALSE(parse_timestamp_ns(bad).has_value()) << bad;
  }
}

TEST(TraceReplay, TimestampFormatIsOffsetFromFirstRow) {
  const auto file = write("ts.csv", "\xEF\xBB\xBFTIMESTAMP,ContextTokens\n"
                                    "2023-11-16 18:17:03.9799600,10\n"
                                    "2023-11-16 18:17:04.0319600,10\n"
                                    "2023-11-16 18:17:04.0319600,11\n"
                                    "2023-11-16 18:18:03.9799601,12");  // no final newline, as published
  auto a = make({{"file", file}, {"format", "timestamp"}});
  EXPECT_EQ(all(*a), (std::vector<sim::Time>{sim::Time{0}, sim::Time{52'000'000}, sim::Time{52'000'000},
                                              sim::Time{60'000'000'100}}));
}

TEST(TraceReplay, MinuteCountsKeepEveryMinutesCount) {
  const auto file = write("counts.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
                                        "o,a,f,http,6,0,3\n"
                                        "o,a,g,http,1,1,1\n");
  auto a = make({{"file", file}, {"format", "minute_counts"}});
  const auto t = all(*a);
  ASSERT_EQ(t.size(), 9u);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_EQ(std::count_if(t.begin(), t.end(), [](sim::Time x) { return x < sim::from_s(60); }), 6);
  EXPECT_EQ(std::count_if(t.begin(), t.end(), [](sim::Time x) { return x >= sim::from_s(120); }), 3);
  EXPECT_LT(t.back(), sim::from_s(180));
  EXPECT_NEAR(a->mean_rate_rps(), 9.0 / 180.0, 1e-12);
  // rate_scale 0.5: cumulative 6, 6, 9 -> 3, 3, 4.5 -> floor 3, 3, 4 -> minutes get 3, 0, 1.
  // time_scale 2: each minute lasts 120 s.
  auto half = make({{"file", file}, {"format", "minute_counts"}, {"rate_scale", 0.5}, {"time_scale", 2.0}});
  const auto h = all(*half);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_LT(h[2], sim::from_s(120));
  EXPECT_GE(h[3], sim::from_s(240));
  EXPECT_LT(h[3], sim::from_s(360));
  // The second function row.
  auto g = make({{"file", file}, {"format", "minute_counts"}, {"row", 1}});
  EXPECT_EQ(all(*g).size(), 3u);
}

TEST(TraceReplay, MinuteCountSplitPartitionsEveryMinute) {
  const std::vector<std::uint64_t> counts{7, 0, 1, 12, 5};
  const auto shared = std::make_shared<const std::vector<std::uint64_t>>(counts);
  for (const double rate : {1.0, 0.37, 2.5}) {
    std::vector<std::uint64_t> sum(counts.size(), 0);
    for (int i = 0; i < 3; ++i) {
      workloads::ReplayOptions o;
      o.split_into = 3;
      o.split_index = i;
      o.rate_scale = rate;
      workloads::MinuteCountReplay part(shared, o);
      for (std::size_t m = 0; m < counts.size(); ++m) sum[m] += part.part_counts()[m];
    }
    // The parts add up to floor(rate * cumulative) minute by minute.
    std::uint64_t cumulative = 0, before = 0;
    for (std::size_t m = 0; m < counts.size(); ++m) {
      cumulative += counts[m];
      const auto now = static_cast<std::uint64_t>(std::floor(rate * static_cast<double>(cumulative)));
      EXPECT_EQ(sum[m], now - before) << "rate " << rate << " minute " << m;
      before = now;
    }
  }
}

TEST(TraceReplay, TimestampSplitPartitionsTheTraceExactly) {
  std::vector<double> ms(1000);
  for (std::size_t i = 0; i < ms.size(); ++i) ms[i] = static_cast<double>(i / 3) * 1.5;  // ties too
  const auto file = write("t.csv", arrival_ms_csv(ms));
  std::vector<sim::Time> joined;
  for (int i = 0; i < 4; ++i) {
    auto part = make({{"file", file}, {"split_into", 4}, {"split_index", i}});
    const auto t = all(*part);
    EXPECT_GT(t.size(), 200u) << i;  // a fair share: 250 expected
    EXPECT_LT(t.size(), 300u) << i;
    joined.insert(joined.end(), t.begin(), t.end());
  }
  std::sort(joined.begin(), joined.end());
  auto whole = make({{"file", file}});
  EXPECT_EQ(joined, all(*whole));
}

TEST(TraceReplay, TimestampRateScaleKeepsCopiesWithinTheirGap) {
  std::vector<double> ms(2000);
  for (std::size_t i = 0; i < ms.size(); ++i) ms[i] = static_cast<double>(i * i % 7 + 10 * i);
  std::sort(ms.begin(), ms.end());
  const auto file = write("t.csv", arrival_ms_csv(ms));
  auto exact = make({{"file", file}});
  auto rng_exact = sim::Rng::stream(1, "arrival", 0);
  sim::Time t;
  std::size_t n = 0;
  while ((t = exact->next(t, rng_exact)) != sim::Time::max()) ++n;
  EXPECT_EQ(n, ms.size());
  EXPECT_EQ(rng_exact.next_u64(), sim::Rng::stream(1, "arrival", 0).next_u64());  // rate 1 draws nothing

  auto more = make({{"file", file}, {"rate_scale", 2.5}});
  const auto m = all(*more);
  EXPECT_NEAR(static_cast<double>(m.size()) / static_cast<double>(ms.size()), 2.5, 0.05);
  EXPECT_TRUE(std::is_sorted(m.begin(), m.end()));
  // Each trace request of the first 1000 has 2 or 3 arrivals in [its time, next time).
  for (std::size_t j = 0; j + 1 < 1000; ++j) {
    const auto lo = std::lower_bound(m.begin(), m.end(), sim::from_ms(ms[j]));
    const auto hi = std::lower_bound(m.begin(), m.end(), sim::from_ms(ms[j + 1]));
    const auto k = hi - lo;  // the times are distinct, so the gaps are too
    EXPECT_TRUE(k == 2 || k == 3) << j << ": " << k;
  }
  auto fewer = make({{"file", file}, {"rate_scale", 0.3}});
  EXPECT_NEAR(static_cast<double>(all(*fewer).size()) / static_cast<double>(ms.size()), 0.3, 0.04);
}

TEST(TraceReplay, RepeatAndTimeScale) {
  const auto file = write("t.csv", arrival_ms_csv({0, 10, 20}));
  auto a = make({{"file", file}, {"repeat", true}});
  EXPECT_EQ(all(*a, 7), (std::vector<sim::Time>{sim::from_ms(0), sim::from_ms(10), sim::from_ms(20), sim::from_ms(30),
                                                 sim::from_ms(40), sim::from_ms(50), sim::from_ms(60)}));
  EXPECT_NEAR(a->mean_rate_rps(), 100.0, 1e-9);  // period 30 ms holds 3 requests
  auto slow = make({{"file", file}, {"repeat", true}, {"time_scale", 2.0}});
  EXPECT_EQ(all(*slow, 4).back(), sim::from_ms(60));
  EXPECT_NEAR(slow->mean_rate_rps(), 50.0, 1e-9);
  // The first call's `previous` is the origin.
  auto late = make({{"file", file}});
  auto rng = sim::Rng::stream(1, "arrival", 0);
  EXPECT_EQ(late->next(sim::from_s(5), rng), sim::from_s(5));
  EXPECT_EQ(late->next(sim::from_s(5), rng), sim::from_s(5) + sim::from_ms(10));
}

TEST(TraceReplay, BadFilesNameFileAndRow) {
  struct Case {
    std::string format, text, row, words;
  };
  const std::vector<Case> cases{
      {"timestamp", "TIMESTAMP\n2023-11-16 18:17:03.98\n2023-11-16 18:17:0x.98\n", "row 3", "not a time"},
      {"timestamp", "TIMESTAMP\n2023-11-16 18:17:03.98\n2023-11-16 18:17:02.98\n", "row 3", "must not decrease"},
      {"timestamp", "WHEN\n2023-11-16 18:17:03.98\n", "row 1", "no 'TIMESTAMP' column"},
      {"minute_counts", "HashFunction,1,2\nf,3,-1\n", "row 2", "column 2"},
      {"minute_counts", "HashFunction,1,2\nf,3\n", "row 2", "too few columns"},
      {"minute_counts", "HashFunction,a,b\nf,3,4\n", "row 1", "minute columns"},
      {"arrival_ms", "arrival_ms\n5\n1\n", "row 3", "must not decrease"},
      {"arrival_ms", "", "row 1", "empty"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto file = write("bad" + std::to_string(i) + ".csv", c.text);
    const auto e = error_of([&] { make({{"file", file}, {"format", c.format}}); });
    EXPECT_EQ(e.file(), file) << i;
    EXPECT_EQ(e.path(), c.row) << i << ": " << e.what();
    EXPECT_NE(e.message().find(c.words), std::string::npos) << i << ": " << e.what();
  }
  const auto missing = error_of([&] { make({{"file", scratch("none.csv")}}); });
  EXPECT_NE(missing.message().find("cannot open"), std::string::npos);
  const auto counts = write("c.csv", "HashFunction,1\nf,3\n");
  const auto no_row = error_of([&] { make({{"file", counts}, {"format", "minute_counts"}, {"row", 1}}); });
  EXPECT_NE(no_row.message().find("has 1 function rows"), std::string::npos) << no_row.what();
}

TEST(TraceReplay, BadParametersNameTheirJsonPath) {
  const auto file = write("t.csv", arrival_ms_csv({0, 10}));
  auto e = error_of([&] { make({{"file", file}, {"split_into", 2}, {"split_index", 2}}); });
  EXPECT_EQ(e.file(), "test.json");
  EXPECT_EQ(e.path(), "$.arrival");
  EXPECT_NE(e.message().find("split_index"), std::string::npos);
  e = error_of([&] { make({{"file", file}, {"format", "timestamp"}, {"task", "a"}}); });
  EXPECT_EQ(e.path(), "$.arrival.task");
  const auto one = write("one.csv", arrival_ms_csv({4}));
  e = error_of([&] { make({{"file", one}, {"repeat", true}}); });
  EXPECT_NE(e.message().find("repeat"), std::string::npos);
  e = error_of([&] { make({{"file", file}, {"time_scale", 0}}); });
  EXPECT_EQ(e.path(), "$.arrival.time_scale");
}

// The public traces in ../shared/data/public (skipped where that folder is absent).
TEST(TraceReplay, AzureLlmTracesHaveTheirPublishedCounts) {
  const std::string code = kPublic + "azure-llm-2023/AzureLLMInferenceTrace_code.csv";
  const std::string conv = kPublic + "azure-llm-2023/AzureLLMInferenceTrace_conv.csv";
  if (!fs::exists(code) || !fs::exists(conv)) GTEST_SKIP() << "no " << kPublic;
  auto c = make({{"file", code}, {"format", "timestamp"}});
  const auto tc = all(*c);
  EXPECT_EQ(tc.size(), 8819u);
  EXPECT_NEAR(tc.back().to_s(), 3436.0, 0.5);  // 18:17:03.98 to 19:14:19.93
  auto v = make({{"file", conv}, {"format", "timestamp"}});
  EXPECT_EQ(all(*v).size(), 19366u);
  EXPECT_NEAR(v->mean_rate_rps(), 5.53, 0.01);
}

TEST(TraceReplay, InvitroDayHasItsPublishedTotal) {
  const std::string file = kPublic + "invitro/invocations.csv";
  if (!fs::exists(file)) GTEST_SKIP() << "no " << file;
  const auto counts = workloads::read_minute_count_trace(file, 0);
  ASSERT_EQ(counts->size(), 1440u);
  EXPECT_EQ(std::accumulate(counts->begin(), counts->end(), std::uint64_t{0}), 20'820'188u);
  EXPECT_EQ(*std::min_element(counts->begin(), counts->end()), 7544u);
  EXPECT_EQ(*std::max_element(counts->begin(), counts->end()), 15001u);
  // A hundredth of the rate split over 50 tasks: the parts add up to floor(0.01 * total) exactly,
  // each about a fiftieth, every arrival within the day.
  std::size_t sum = 0;
  for (int i = 0; i < 50; ++i) {
    auto a = make({{"file", file}, {"format", "minute_counts"}, {"rate_scale", 0.01}, {"split_into", 50},
                   {"split_index", i}});
    const auto t = all(*a);
    EXPECT_NEAR(static_cast<double>(t.size()), 20'820'188 / 100.0 / 50.0, 0.01 * 4164) << i;
    EXPECT_LT(t.back(), sim::from_s(86'400));
    EXPECT_NEAR(a->mean_rate_rps(), static_cast<double>(t.size()) / 86'400.0, 1e-9);
    sum += t.size();
  }
  EXPECT_EQ(sum, 208'201u);
}

// The reduced copies shipped in workloads/traces (scripts/convert_public_traces.py) keep the
// published counts and spans.
TEST(TraceReplay, ShippedTracesKeepTheirCounts) {
  const std::string dir = std::string(STITCHSIM_SOURCE_DIR) + "/workloads/traces/";
  auto code = make({{"file", dir + "azure_llm_2023_code.csv"}});
  const auto tc = all(*code);
  EXPECT_EQ(tc.size(), 8819u);
  EXPECT_NEAR(tc.back().to_s(), 3436.0, 0.5);
  auto conv = make({{"file", dir + "azure_llm_2023_conv.csv"}});
  EXPECT_EQ(all(*conv).size(), 19366u);
  const auto day = workloads::read_minute_count_trace(dir + "azure_functions_2019_day.csv", 0);
  ASSERT_EQ(day->size(), 1440u);
  EXPECT_EQ(std::accumulate(day->begin(), day->end(), std::uint64_t{0}), 20'820'188u);
  // Same times as the original where that is present.
  const std::string original = kPublic + "azure-llm-2023/AzureLLMInferenceTrace_code.csv";
  if (fs::exists(original)) {
    auto o = make({{"file", original}, {"format", "timestamp"}});
    EXPECT_EQ(all(*o), tc);
  }
}

TEST(TraceReplay, CliExitsTwoNamingFileAndRow) {
  const std::string src = STITCHSIM_SOURCE_DIR;
  sim::Json j = sim::read_json_file(src + "/experiments/configs/default.json");
  j["platform"] = src + "/hw-models/platforms/snapdragon_8gen2.json";
  j["profile"] = src + "/hw-models/profiles/sm8550.h5";
  j["duration"] = "1s";
  const auto trace = write("bad.csv", "TIMESTAMP\n2023-11-16 18:17:03.98\n2023-11-16 18:17:03\n2023-11-16 99:00:00\n");
  j["tasks"][0]["arrival"] = {{"name", "trace"}, {"file", trace}, {"format", "timestamp"}};
  const auto config = write("bad.json", j.dump());
  const auto out = scratch("run"), err = scratch("err.txt");
  const int status = std::system((std::string(STITCHSIM_BINARY) + " run " + config + " --out " + out + " 2>" + err).c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  std::ifstream in(err);
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find(trace + ": row 3"), std::string::npos) << line;  // row 3 decreases
  EXPECT_FALSE(fs::exists(out));
}
