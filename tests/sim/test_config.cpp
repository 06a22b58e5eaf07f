#include <gtest/gtest.h>

#include <fstream>

#include "sim/config.h"
#include "sim/params.h"
#include "sim/time.h"

using sim::ConfigError;
using sim::ConfigNode;
using sim::Json;

namespace {
std::vector<sim::ParamSpec> specs() {
  return {sim::param_double("rate_rps", std::nullopt, "rps", "rate", 0.0),
          sim::param_int("count", 3, "", "count", 1, 10),
          sim::param_string("mode", "a", "mode", {"a", "b"}),
          sim::param_duration("timeout", "10ms", "timeout")};
}

// Runs `f` and returns the ConfigError it throws (fails the test if none).
template <class F>
ConfigError expect_error(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError";
  return ConfigError("", "", "");
}
}  // namespace

TEST(Time, ParsesUnits) {
  EXPECT_EQ(sim::parse_duration("2.5ms").ns, 2500000);
  EXPECT_EQ(sim::parse_duration("10 s").ns, 10000000000);
  EXPECT_EQ(sim::parse_duration("300us").ns, 300000);
  EXPECT_EQ(sim::parse_duration("42ns").ns, 42);
  EXPECT_EQ(sim::parse_duration("1.5min").ns, 90000000000);
  EXPECT_THROW(sim::parse_duration("12"), std::invalid_argument);
  EXPECT_THROW(sim::parse_duration("abc"), std::invalid_argument);
  EXPECT_THROW(sim::parse_duration("3 parsecs"), std::invalid_argument);
  EXPECT_EQ(sim::from_ms(1.5).ns, 1500000);
}

TEST(Params, DefaultsFilled) {
  Json j = {{"name", "x"}, {"rate_rps", 5}};
  sim::Params p(ConfigNode(j, "f.json", "$.arrival"), specs());
  EXPECT_EQ(p.get_double("rate_rps"), 5);
  EXPECT_EQ(p.get_int("count"), 3);
  EXPECT_EQ(p.get_string("mode"), "a");
  EXPECT_EQ(p.get_duration("timeout").ns, 10000000);
  EXPECT_EQ(p.resolved().size(), 4u);
}

TEST(Params, UnknownKeyNamesPath) {
  Json j = {{"rate_rps", 5}, {"rat_rps", 6}};
  auto e = expect_error([&] { sim::Params(ConfigNode(j, "f.json", "$.tasks[1].arrival"), specs()); });
  EXPECT_EQ(e.file(), "f.json");
  EXPECT_EQ(e.path(), "$.tasks[1].arrival.rat_rps");
  EXPECT_NE(std::string(e.what()).find("unknown key"), std::string::npos);
}

TEST(Params, WrongTypeNamesPath) {
  Json j = {{"rate_rps", "fast"}};
  auto e = expect_error([&] { sim::Params(ConfigNode(j, "f.json", "$.a"), specs()); });
  EXPECT_EQ(e.path(), "$.a.rate_rps");
  EXPECT_NE(e.message().find("expected a number"), std::string::npos);
}

TEST(Params, MissingRequiredNamesPath) {
  Json j = Json::object();
  auto e = expect_error([&] { sim::Params(ConfigNode(j, "f.json", "$.a"), specs()); });
  EXPECT_EQ(e.path(), "$.a.rate_rps");
  EXPECT_NE(e.message().find("missing"), std::string::npos);
}

TEST(Params, RangeAndChoices) {
  auto e1 = expect_error([&] { sim::Params(ConfigNode(Json{{"rate_rps", -1}}, "f", "$"), specs()); });
  EXPECT_EQ(e1.path(), "$.rate_rps");
  auto e2 = expect_error([&] { sim::Params(ConfigNode(Json{{"rate_rps", 1}, {"count", 11}}, "f", "$"), specs()); });
  EXPECT_EQ(e2.path(), "$.count");
  auto e3 = expect_error([&] { sim::Params(ConfigNode(Json{{"rate_rps", 1}, {"mode", "c"}}, "f", "$"), specs()); });
  EXPECT_EQ(e3.path(), "$.mode");
  auto e4 = expect_error([&] { sim::Params(ConfigNode(Json{{"rate_rps", 1}, {"timeout", "5 furlongs"}}, "f", "$"), specs()); });
  EXPECT_EQ(e4.path(), "$.timeout");
}

TEST(ConfigNode, NestedPaths) {
  Json j = Json::parse(R"({"tasks": [{"slo": {"latency_ms": "x"}}]})");
  ConfigNode root(j, "exp.json");
  auto e = expect_error([&] { root.at("tasks").at(0).at("slo").at("latency_ms").as_double(); });
  EXPECT_EQ(e.path(), "$.tasks[0].slo.latency_ms");
  EXPECT_EQ(std::string(e.what()).rfind("exp.json: $.tasks[0].slo.latency_ms: ", 0), 0u);
  auto e2 = expect_error([&] { root.at("tasks").at(3); });
  EXPECT_EQ(e2.path(), "$.tasks[3]");
}

TEST(ConfigNode, MalformedJsonNamesLine) {
  std::string path = ::testing::TempDir() + "/bad.json";
  {
    std::ofstream out(path);
    out << "{\n  \"a\": 1,\n  \"b\": }\n";
  }
  auto e = expect_error([&] { sim::read_json_file(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_NE(e.message().find("line 3"), std::string::npos) << e.what();
  auto e2 = expect_error([&] { sim::read_json_file(path + ".missing"); });
  EXPECT_NE(e2.message().find("cannot open"), std::string::npos);
}

TEST(Override, SetsNestedValues) {
  Json j = Json::parse(R"({"scheduler": {"name": "a"}, "tasks": [{"arrival": {"rate_rps": 1}}]})");
  sim::apply_override(j, "scheduler.name=round_robin");
  sim::apply_override(j, "tasks.0.arrival.rate_rps=30");
  sim::apply_override(j, "new.key=[1,2]");
  EXPECT_EQ(j["scheduler"]["name"], "round_robin");
  EXPECT_EQ(j["tasks"][0]["arrival"]["rate_rps"], 30);
  EXPECT_EQ(j["new"]["key"].size(), 2u);
  EXPECT_THROW(sim::apply_override(j, "tasks.5.x=1"), ConfigError);
  EXPECT_THROW(sim::apply_override(j, "novalue"), ConfigError);
}
