#include <gtest/gtest.h>

#include "hw-models/memory_pool.h"

using hw::MemoryPool;
using sim::Time;

TEST(MemoryPool, LoadThenHit) {
  MemoryPool m(100, 4);
  auto g = m.acquire(0, 40, 10, Time{0}, Time{5});
  ASSERT_TRUE(g.ok);
  EXPECT_TRUE(g.started_load);
  EXPECT_EQ(g.ready_at, Time{5});
  EXPECT_EQ(m.used_bytes(), 50);
  // A second job on the same unit while loading waits for the same load.
  auto g2 = m.acquire(0, 40, 10, Time{2}, Time{5});
  EXPECT_FALSE(g2.started_load);
  EXPECT_EQ(g2.ready_at, Time{5});
  m.release(0, 10, Time{6});
  m.release(0, 10, Time{6});
  EXPECT_EQ(m.used_bytes(), 40);
  auto g3 = m.acquire(0, 40, 0, Time{7}, Time{5});
  EXPECT_EQ(g3.ready_at, Time{7});
  EXPECT_EQ(m.hits(), 2u);
  EXPECT_EQ(m.loads(), 1u);
}

TEST(MemoryPool, EvictsLeastRecentlyUsedAndNeverExceedsCapacity) {
  MemoryPool m(100, 4);
  for (std::uint32_t u : {0u, 1u}) {
    ASSERT_TRUE(m.acquire(u, 40, 0, Time{0}, Time{0}).ok);
    m.release(u, 0, Time{0});
  }
  // Touch 0 so that 1 is least recently used.
  ASSERT_TRUE(m.acquire(0, 40, 0, Time{1}, Time{0}).ok);
  m.release(0, 0, Time{1});
  ASSERT_TRUE(m.acquire(2, 40, 0, Time{2}, Time{0}).ok);
  EXPECT_EQ(m.evictions(), 1u);
  EXPECT_TRUE(m.is_resident(0, Time{2}));
  EXPECT_FALSE(m.is_resident(1, Time{2}));
  EXPECT_LE(m.peak_bytes(), 100);
}

TEST(MemoryPool, PinnedUnitsAreNotEvicted) {
  MemoryPool m(100, 4);
  ASSERT_TRUE(m.acquire(0, 60, 0, Time{0}, Time{0}).ok);  // pinned
  EXPECT_FALSE(m.acquire(1, 60, 0, Time{0}, Time{0}).ok);
  EXPECT_EQ(m.used_bytes(), 60);
  m.release(0, 0, Time{1});
  EXPECT_TRUE(m.acquire(1, 60, 0, Time{1}, Time{0}).ok);
  EXPECT_EQ(m.used_bytes(), 60);
}

TEST(MemoryPool, PreloadStaysResident) {
  MemoryPool m(100, 4);
  ASSERT_TRUE(m.preload(3, 50));
  EXPECT_FALSE(m.acquire(1, 60, 0, Time{0}, Time{0}).ok);
  EXPECT_TRUE(m.acquire(3, 50, 0, Time{0}, Time{0}).ok);
  EXPECT_FALSE(m.preload(2, 60));
}

TEST(MemoryPool, ReservationAdmitsAWorkingSetByEvictingAndNeverOverCapacity) {
  MemoryPool m(100, 4);
  ASSERT_TRUE(m.acquire(0, 40, 0, Time{0}, Time{0}).ok);  // pinned
  ASSERT_TRUE(m.acquire(1, 30, 0, Time{0}, Time{0}).ok);
  m.release(1, 0, Time{1});  // 1 is resident and evictable
  // 60 more fit only by evicting unit 1 (40 + 60 = 100).
  EXPECT_TRUE(m.reserve(60, Time{2}));
  EXPECT_EQ(m.evictions(), 1u);
  EXPECT_FALSE(m.is_resident(1, Time{2}));
  EXPECT_EQ(m.used_bytes(), 100);
  EXPECT_EQ(m.reserved_bytes(), 60);
  // Nothing left to evict: a further reservation fails and changes nothing.
  EXPECT_FALSE(m.reserve(1, Time{3}));
  EXPECT_EQ(m.used_bytes(), 100);
  // A load cannot take reserved room either.
  EXPECT_FALSE(m.acquire(2, 10, 0, Time{3}, Time{0}).ok);
  m.unreserve(60, Time{4});
  EXPECT_EQ(m.used_bytes(), 40);
  EXPECT_TRUE(m.acquire(2, 10, 0, Time{4}, Time{0}).ok);
  EXPECT_THROW(m.unreserve(1, Time{5}), std::logic_error);
}
