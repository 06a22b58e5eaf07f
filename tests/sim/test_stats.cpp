#include <gtest/gtest.h>

#include <cmath>

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

TEST(TimeWeightedAverage, WeightsByDuration) {
  sim::TimeWeightedAverage a;
  a.set(sim::from_s(1), 10);  // 0 for 1 s
  a.set(sim::from_s(3), 0);   // 10 for 2 s
  EXPECT_DOUBLE_EQ(a.average(sim::from_s(4)), 5.0);  // (0*1 + 10*2 + 0*1) / 4
  EXPECT_DOUBLE_EQ(a.peak(), 10);
}
