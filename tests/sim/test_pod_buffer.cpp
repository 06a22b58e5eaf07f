#include "sim/pod_buffer.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

struct Item {
  std::uint64_t key;
  std::uint32_t value;
};

TEST(PodBuffer, GrowsKeepingContentsAndTruncates) {
  PodBuffer<Item> b;
  EXPECT_TRUE(b.empty());
  for (std::uint32_t i = 0; i < 1000; ++i) b.push_back({i * 3ULL, i});
  ASSERT_EQ(b.size(), 1000u);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(b[i].key, i * 3ULL);
    ASSERT_EQ(b[i].value, i);
  }
  // remove_if + truncate keeps the order of the rest.
  b.truncate(std::remove_if(b.begin(), b.end(), [](const Item& it) { return it.value % 2 == 0; }));
  ASSERT_EQ(b.size(), 500u);
  EXPECT_EQ(b.front().value, 1u);
  EXPECT_EQ(b[499].value, 999u);
  b.clear();
  EXPECT_TRUE(b.empty());
  b.push_back({7, 7});
  EXPECT_EQ(b.front().key, 7u);
}

TEST(PodBuffer, SwapAndMoveExchangeStorage) {
  PodBuffer<Item> a, b;
  a.push_back({1, 1});
  a.push_back({2, 2});
  b.push_back({9, 9});
  a.swap(b);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.front().key, 9u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].key, 2u);
  PodBuffer<Item> c(std::move(b));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.front().key, 1u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
}

}  // namespace
}  // namespace sim
