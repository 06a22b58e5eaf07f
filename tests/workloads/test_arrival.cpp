#include <gtest/gtest.h>

#include <fstream>

#include "sim/config.h"
#include "workloads/arrival.h"

namespace {

std::unique_ptr<workloads::ArrivalProcess> make(const sim::Json& j) {
  return workloads::make_arrival(sim::ConfigNode(j, "test.json", "$.arrival"), ::testing::TempDir());
}

std::vector<sim::Time> draw(workloads::ArrivalProcess& a, int n, std::uint64_t seed = 1) {
  auto rng = sim::Rng::stream(seed, "arrival", 0);
  std::vector<sim::Time> out;
  sim::Time t;
  for (int i = 0; i < n; ++i) {
    t = a.next(t, rng);
    if (t == sim::Time::max()) break;
    out.push_back(t);
  }
  return out;
}

}  // namespace

TEST(Arrival, PoissonRate) {
  auto a = make({{"name", "poisson"}, {"rate_rps", 50}});
  auto t = draw(*a, 20000);
  double rate = static_cast<double>(t.size()) / t.back().to_s();
  EXPECT_NEAR(rate, 50.0, 1.5);
  EXPECT_EQ(a->mean_rate_rps(), 50);
}

TEST(Arrival, PeriodicJitterDoesNotDrift) {
  auto a = make({{"name", "periodic"}, {"rate_rps", 100}, {"jitter_ms", 2}});
  auto t = draw(*a, 1001);
  // k-th arrival within +-2 ms of k * 10 ms, and never decreasing.
  for (std::size_t k = 0; k < t.size(); ++k) {
    EXPECT_LE(std::abs(t[k].to_ms() - 10.0 * static_cast<double>(k)), 2.0 + 1e-6) << k;
    if (k) EXPECT_GE(t[k], t[k - 1]);
  }
  auto b = make({{"name", "periodic"}, {"rate_rps", 100}});
  auto u = draw(*b, 3);
  EXPECT_EQ(u[2], sim::from_ms(20));
}

TEST(Arrival, SameSeedSameArrivals) {
  auto a = make({{"name", "poisson"}, {"rate_rps", 5}});
  auto b = make({{"name", "poisson"}, {"rate_rps", 5}});
  EXPECT_EQ(draw(*a, 100, 7), draw(*b, 100, 7));
  auto c = make({{"name", "poisson"}, {"rate_rps", 5}});
  EXPECT_NE(draw(*c, 100, 8), draw(*b, 100, 7));
}

TEST(Arrival, TraceReplayFiltersByTask) {
  std::ofstream(::testing::TempDir() + "/trace_ok.csv") << "arrival_ms,task\n0,a\n5.5,b\n10,a\n12,a\n";
  auto a = make({{"name", "trace"}, {"file", "trace_ok.csv"}, {"task", "a"}});
  auto t = draw(*a, 10);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1], sim::from_ms(10));
  auto all = make({{"name", "trace"}, {"file", "trace_ok.csv"}});
  EXPECT_EQ(draw(*all, 10).size(), 4u);
}

TEST(Arrival, TraceErrorsNameFileAndRow) {
  std::ofstream(::testing::TempDir() + "/trace_bad.csv") << "arrival_ms\n1\n-3\n";
  try {
    make({{"name", "trace"}, {"file", "trace_bad.csv"}});
    FAIL() << "no error";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(e.file().find("trace_bad.csv"), std::string::npos);
    EXPECT_EQ(e.path(), "row 3");
  }
  std::ofstream(::testing::TempDir() + "/trace_order.csv") << "arrival_ms\n5\n1\n";
  EXPECT_THROW(make({{"name", "trace"}, {"file", "trace_order.csv"}}), sim::ConfigError);
  EXPECT_THROW(make({{"name", "trace"}, {"file", "nope.csv"}}), sim::ConfigError);
}
