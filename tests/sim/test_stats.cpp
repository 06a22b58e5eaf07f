#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/stats.h"

TEST(SampleStats, PercentilesMatchNumpyLinear) {
  sim::SampleStats s;
  for (double x : {5.0, 1.0, 4.0, 2.0, 3.0}) s.add(x);
  EXPECT_DOUBLE_EQ(s.quantile(0.5), 3.0);
  EXPECT_DOUBLE_EQ(s.quantile(0.95), 4.8);  // numpy.percentile([1..5], 95) == 4.8
  EXPECT_DOUBLE_EQ(s.min(), 1.0);
  EXPECT_DOUBLE_EQ(s.max(), 5.0);
  EXPECT_DOUBLE_EQ(s.mean(), 3.0);
  sim::SampleStats empty;
  EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
}

TEST(SampleStats, QuantilesEqualTheSortedSamplesAndMeanKeepsInsertionOrder) {
  // Quantiles select order statistics instead of sorting: the same values as interpolating in
  // a sorted copy, with duplicates, whatever the call order; the mean sums in insertion order.
  sim::SampleStats s;
  std::vector<double> xs;
  std::uint64_t state = 12345;
  for (int i = 0; i < 10007; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double x = static_cast<double>((state >> 33) % 997) * 0.1 + 1e-3 * static_cast<double>(i % 7);
    xs.push_back(x);
    s.add(x);
  }
  double sum = 0;
  for (double x : xs) sum += x;
  const double mean = sum / static_cast<double>(xs.size());
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  auto reference = [&](double q) {
    double pos = q * static_cast<double>(sorted.size() - 1);
    auto lo = static_cast<std::size_t>(std::floor(pos));
    std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
  };
  for (double q : {0.99, 0.5, 0.0, 1.0, 0.95, 0.123, 0.5}) EXPECT_EQ(s.quantile(q), reference(q)) << q;
  EXPECT_EQ(s.min(), sorted.front());
  EXPECT_EQ(s.max(), sorted.back());
  EXPECT_EQ(s.mean(), mean);  // bit for bit: summed in the order added
  s.add(-1.0);                // new samples are seen by the next quantile
  EXPECT_EQ(s.min(), -1.0);
}

TEST(TimeWeightedAverage, WeightsByDuration) {
  sim::TimeWeightedAverage a;
  a.set(sim::from_s(1), 10);  // 0 for 1 s
  a.set(sim::from_s(3), 0);   // 10 for 2 s
  EXPECT_DOUBLE_EQ(a.average(sim::from_s(4)), 5.0);  // (0*1 + 10*2 + 0*1) / 4
  EXPECT_DOUBLE_EQ(a.peak(), 10);
}
