// The hold benchmark's 4-ary heap reference must itself be right: (time, seq) order, FIFO ties.
#include "tests/bench/four_ary_heap.h"

#include <cstdint>
#include <random>
#include <set>
#include <utility>

#include <gtest/gtest.h>

namespace {

TEST(FourAryHeap, MatchesOrderedSetUnderRandomInterleaving) {
  std::mt19937_64 rng(11);
  bench::FourAryHeap heap;
  std::set<std::pair<std::int64_t, std::uint64_t>> ref;
  std::uint64_t seq = 0;
  std::int64_t now = -50;  // negative times too
  for (int step = 0; step < 200000; ++step) {
    if (ref.empty() || rng() % 3 != 0) {
      const std::int64_t t = now + static_cast<std::int64_t>(rng() % 64);  // many ties
      heap.push({t, seq});
      ref.emplace(t, seq++);
    } else {
      ASSERT_EQ(heap.top().time_ns, ref.begin()->first);
      ASSERT_EQ(heap.top().seq, ref.begin()->second);
      now = heap.top().time_ns;
      heap.pop();
      ref.erase(ref.begin());
    }
    ASSERT_EQ(heap.size(), ref.size());
  }
  while (!ref.empty()) {
    ASSERT_EQ(heap.top().seq, ref.begin()->second);
    heap.pop();
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(heap.empty());
}

}  // namespace
