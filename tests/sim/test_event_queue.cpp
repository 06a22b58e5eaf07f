#include "sim/event_queue.h"

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

// Reference model: an ordered set keyed by exactly the order the queue promises.
// (time, priority, insertion sequence, payload)
using RefKey = std::tuple<std::int64_t, std::uint8_t, std::uint64_t, std::uint32_t>;

TEST(EventQueue, EmptyPopsNothing) {
  EventQueue q;
  EventQueue::Entry e;
  EXPECT_FALSE(q.pop(Time::max(), e));
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, EqualTimeGoesByPriorityThenInsertion) {
  EventQueue q;
  q.push(Time{10}, priority::kLow, 0);
  q.push(Time{10}, priority::kNormal, 1);
  q.push(Time{5}, priority::kLast, 2);
  q.push(Time{10}, priority::kNormal, 3);
  q.push(Time{10}, priority::kFirst, 4);
  q.push(Time{10}, priority::kLow, 5);
  std::vector<std::uint32_t> got;
  EventQueue::Entry e;
  while (q.pop(Time::max(), e)) got.push_back(e.payload);
  EXPECT_EQ(got, (std::vector<std::uint32_t>{2, 4, 1, 3, 0, 5}));
}

TEST(EventQueue, PushAtCurrentTimeWithSmallerPriorityComesNext) {
  EventQueue q;
  q.push(Time{7}, priority::kNormal, 0);
  q.push(Time{7}, priority::kNormal, 1);
  q.push(Time{7}, priority::kLow, 2);
  EventQueue::Entry e;
  ASSERT_TRUE(q.pop(Time::max(), e));
  EXPECT_EQ(e.payload, 0u);
  q.push(Time{7}, priority::kHigh, 3);    // before 1
  q.push(Time{7}, priority::kNormal, 4);  // after 1 (same priority, later)
  std::vector<std::uint32_t> got;
  while (q.pop(Time::max(), e)) {
    EXPECT_EQ(e.time, Time{7});
    got.push_back(e.payload);
  }
  EXPECT_EQ(got, (std::vector<std::uint32_t>{3, 1, 4, 2}));
}

TEST(EventQueue, PushBeforeLastPopThrowsUnlessEmpty) {
  EventQueue q;
  q.push(Time{100}, priority::kNormal, 0);
  q.push(Time{200}, priority::kNormal, 1);
  EventQueue::Entry e;
  ASSERT_TRUE(q.pop(Time::max(), e));
  EXPECT_EQ(q.floor(), Time{100});
  EXPECT_THROW(q.push(Time{99}, priority::kNormal, 2), std::logic_error);
  EXPECT_EQ(q.size(), 1u);
  ASSERT_TRUE(q.pop(Time::max(), e));
  ASSERT_TRUE(q.empty());
  q.push(Time{50}, priority::kNormal, 3);  // empty again: any time is fine
  EXPECT_EQ(q.floor(), Time{50});
  ASSERT_TRUE(q.pop(Time::max(), e));
  EXPECT_EQ(e.time, Time{50});
  EXPECT_EQ(e.payload, 3u);
}

TEST(EventQueue, RefusedPopDoesNotMoveBasePastLimit) {
  EventQueue q;
  q.push(Time{1000}, priority::kNormal, 0);
  EventQueue::Entry e;
  EXPECT_FALSE(q.pop(Time{500}, e));
  EXPECT_EQ(q.size(), 1u);
  q.push(Time{500}, priority::kNormal, 1);  // legal: nothing popped after 500
  ASSERT_TRUE(q.pop(Time{500}, e));
  EXPECT_EQ(e.payload, 1u);
  EXPECT_FALSE(q.pop(Time{999}, e));
  ASSERT_TRUE(q.pop(Time{1000}, e));
  EXPECT_EQ(e.payload, 0u);
}

TEST(EventQueue, NegativeAndExtremeTimes) {
  EventQueue q(Time{std::numeric_limits<std::int64_t>::min()});
  q.push(Time::max(), priority::kNormal, 0);
  q.push(Time{-5}, priority::kNormal, 1);
  q.push(Time{std::numeric_limits<std::int64_t>::min()}, priority::kNormal, 2);
  q.push(Time{0}, priority::kNormal, 3);
  std::vector<std::uint32_t> got;
  EventQueue::Entry e;
  while (q.pop(Time::max(), e)) got.push_back(e.payload);
  EXPECT_EQ(got, (std::vector<std::uint32_t>{2, 1, 3, 0}));
}

// Interleaved pushes and pops against the reference: pushes land at or after the last popped time,
// at many scales (so entries cross many buckets) and with many exact ties.
TEST(EventQueue, MatchesReferenceUnderRandomInterleaving) {
  std::mt19937_64 rng(12345);
  EventQueue q;
  std::set<RefKey> ref;
  std::int64_t last = 0;
  std::uint64_t seq = 0;
  std::uint32_t next_payload = 0;
  auto random_push = [&] {
    std::int64_t delta = 0;
    switch (rng() % 4) {
      case 0: delta = 0; break;                                               // tie with now
      case 1: delta = static_cast<std::int64_t>(rng() % 8); break;            // near ties
      case 2: delta = static_cast<std::int64_t>(rng() % 100000); break;
      default: delta = static_cast<std::int64_t>(rng() >> (24 + rng() % 30)); break;  // far
    }
    const auto prio = static_cast<std::uint8_t>((rng() % 4) * 64);
    q.push(Time{last + delta}, Priority{prio}, next_payload);
    ref.emplace(last + delta, prio, seq++, next_payload);
    ++next_payload;
  };
  for (int i = 0; i < 1000; ++i) random_push();
  EventQueue::Entry e;
  for (int step = 0; step < 200000; ++step) {
    if (rng() % 2 == 0 || ref.empty()) {
      random_push();
    } else if (rng() % 4 == 0) {
      // A pop bounded by a limit: refused exactly when the next entry is after it.
      const std::int64_t limit = last + static_cast<std::int64_t>(rng() % 2000);
      const std::int64_t next = std::get<0>(*ref.begin());
      const bool popped = q.pop(Time{limit}, e);
      ASSERT_EQ(popped, next <= limit) << "step " << step;
      if (popped) {
        ASSERT_EQ(e.payload, std::get<3>(*ref.begin())) << "step " << step;
        last = next;
        ref.erase(ref.begin());
      }
    } else {
      ASSERT_TRUE(q.pop(Time::max(), e));
      const auto& [t, p, s, payload] = *ref.begin();
      ASSERT_EQ(e.time.ns, t) << "step " << step;
      ASSERT_EQ(e.payload, payload) << "step " << step;
      last = t;
      ref.erase(ref.begin());
    }
    ASSERT_EQ(q.size(), ref.size());
  }
  while (!ref.empty()) {
    ASSERT_TRUE(q.pop(Time::max(), e));
    ASSERT_EQ(e.payload, std::get<3>(*ref.begin()));
    ref.erase(ref.begin());
  }
  EXPECT_FALSE(q.pop(Time::max(), e));
}

// The near() hint only ever names entries still in the queue, and in a dense queue it names
// most of them before they pop.
TEST(EventQueue, NearHintNamesQueuedEntriesBeforeTheyPop) {
  std::mt19937_64 rng(3);
  EventQueue q;
  std::vector<bool> queued(5000, false), hinted(5000, false);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    q.push(Time{static_cast<std::int64_t>(rng() % 100000)}, priority::kNormal, i);
    queued[i] = true;
  }
  int hinted_before_pop = 0;
  bool hint_for_unqueued = false;
  EventQueue::Entry e;
  while (q.pop(Time::max(), e, [&](std::uint32_t p) {
    if (!queued[p]) hint_for_unqueued = true;
    hinted[p] = true;
  })) {
    hinted_before_pop += hinted[e.payload] ? 1 : 0;
    queued[e.payload] = false;
  }
  EXPECT_FALSE(hint_for_unqueued);
  EXPECT_GT(hinted_before_pop, 2500);
}

// In a sparse queue (about 1 ms between entries, so each sits alone in its bucket near the
// front and never reaches digit 0) the hint still comes before the pop: a split bucket small
// enough to hold only the next few hundred pops hints all its entries.
TEST(EventQueue, NearHintComesBeforePopInSparseQueues) {
  std::mt19937_64 rng(5);
  EventQueue q;
  constexpr std::uint32_t kCount = 5000;
  std::vector<bool> hinted(kCount, false);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    q.push(Time{static_cast<std::int64_t>(rng() % 5'000'000'000)}, priority::kNormal, i);
  }
  int hinted_before_pop = 0;
  EventQueue::Entry e;
  while (q.pop(Time::max(), e, [&](std::uint32_t p) { hinted[p] = true; })) {
    hinted_before_pop += hinted[e.payload] ? 1 : 0;
  }
  EXPECT_GT(hinted_before_pop, 4500);
}

TEST(EventQueue, RemoveIfKeepsOrderOfTheRest) {
  std::mt19937_64 rng(7);
  EventQueue q;
  std::set<RefKey> ref;
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(rng() % 300);  // heavy ties
    const auto prio = static_cast<std::uint8_t>(rng() % 3);
    q.push(Time{t}, Priority{prio}, i);
    ref.emplace(t, prio, seq++, i);
  }
  // Pop a few so that some entries sit in the ready heap and the rest in split buckets.
  EventQueue::Entry e;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(q.pop(Time::max(), e));
    ASSERT_EQ(e.payload, std::get<3>(*ref.begin()));
    ref.erase(ref.begin());
  }
  int calls = 0;
  const std::size_t removed = q.remove_if([&](std::uint32_t p) {
    ++calls;
    return p % 3 == 0;
  });
  EXPECT_EQ(calls, 20000 - 100);
  const std::size_t expected_removed =
      std::erase_if(ref, [](const RefKey& k) { return std::get<3>(k) % 3 == 0; });
  EXPECT_EQ(removed, expected_removed);
  ASSERT_EQ(q.size(), ref.size());
  for (const auto& k : ref) {
    ASSERT_TRUE(q.pop(Time::max(), e));
    ASSERT_EQ(e.payload, std::get<3>(k));
  }
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace sim
