#include "sim/engine.h"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <random>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

// Records (time, tag) of every event it handles.
class Recorder : public EventHandler {
 public:
  explicit Recorder(Engine& engine) : engine_(engine) {}
  void on_event(std::uint64_t tag) override { seen.emplace_back(engine_.now(), tag); }
  std::vector<std::uint64_t> tags() const {
    std::vector<std::uint64_t> out;
    for (const auto& s : seen) out.push_back(s.second);
    return out;
  }
  std::vector<std::pair<Time, std::uint64_t>> seen;

 private:
  Engine& engine_;
};

TEST(Engine, EqualTimeRunsByPriorityThenInsertion) {
  Engine engine;
  Recorder rec(engine);
  engine.schedule_at(Time{10}, priority::kLow, &rec, 0);
  engine.schedule_at(Time{10}, priority::kNormal, &rec, 1);
  engine.schedule_at(Time{10}, priority::kNormal, &rec, 2);
  engine.schedule_at(Time{10}, priority::kFirst, &rec, 3);
  engine.schedule_at(Time{10}, priority::kLast, &rec, 4);
  engine.schedule_at(Time{10}, priority::kHigh, &rec, 5);
  engine.schedule_at(Time{9}, priority::kLast, &rec, 6);
  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{6, 3, 5, 1, 2, 0, 4}));
  EXPECT_EQ(engine.now(), Time{10});
  EXPECT_EQ(engine.events_processed(), 7u);
  EXPECT_EQ(engine.pending(), 0u);
}

// A handler that schedules, at the current time, events whose priority goes before (and after)
// events already waiting at that time.
class SameTimeScheduler : public EventHandler {
 public:
  SameTimeScheduler(Engine& engine, Recorder& rec) : engine_(engine), rec_(rec) {}
  void on_event(std::uint64_t tag) override {
    rec_.seen.emplace_back(engine_.now(), tag);
    if (tag == 0) {
      const Time now = engine_.now();
      engine_.schedule_at(now, priority::kLow, &rec_, 10);     // after everything at kNormal
      engine_.schedule_at(now, priority::kFirst, &rec_, 11);   // before tags 1 and 2
      engine_.schedule_at(now, priority::kNormal, &rec_, 12);  // after 1 and 2 (inserted later)
      engine_.schedule_in(Time{0}, priority::kHigh, &rec_, 13);  // after 11, before 1
    }
  }

 private:
  Engine& engine_;
  Recorder& rec_;
};

TEST(Engine, SameTimeEventFromHandlerWithSmallerPriorityRunsNext) {
  Engine engine;
  Recorder rec(engine);
  SameTimeScheduler sched(engine, rec);
  engine.schedule_at(Time{5}, priority::kNormal, &sched, 0);
  engine.schedule_at(Time{5}, priority::kNormal, &rec, 1);
  engine.schedule_at(Time{5}, priority::kNormal, &rec, 2);
  engine.schedule_at(Time{6}, priority::kFirst, &rec, 3);
  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{0, 11, 13, 1, 2, 12, 10, 3}));
}

// 100k events at random times (many ties, many scales) with random priorities, all scheduled up
// front: they must run in the order of a std::sort by (time, priority, insertion index).
TEST(Engine, RandomScheduleMatchesSortedReference) {
  std::mt19937_64 rng(2024);
  Engine engine;
  Recorder rec(engine);
  constexpr std::size_t kCount = 100000;
  struct Ev {
    std::int64_t time;
    std::uint8_t prio;
    std::uint64_t index;
  };
  std::vector<Ev> evs;
  for (std::uint64_t i = 0; i < kCount; ++i) {
    std::int64_t t = 0;
    switch (rng() % 3) {
      case 0: t = static_cast<std::int64_t>(rng() % 50); break;  // dense ties
      case 1: t = static_cast<std::int64_t>(rng() % 1000000); break;
      default: t = static_cast<std::int64_t>(rng() >> (rng() % 40 + 20)); break;
    }
    const auto prio = static_cast<std::uint8_t>((rng() % 5) * 60);
    evs.push_back({t, prio, i});
    engine.schedule_at(Time{t}, Priority{prio}, &rec, i);
  }
  EXPECT_EQ(engine.pending(), kCount);
  std::sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) {
    return std::tie(a.time, a.prio, a.index) < std::tie(b.time, b.prio, b.index);
  });
  engine.run();
  ASSERT_EQ(rec.seen.size(), kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(rec.seen[i].second, evs[i].index) << "position " << i;
    ASSERT_EQ(rec.seen[i].first, Time{evs[i].time}) << "position " << i;
  }
}

// Events that schedule and cancel other events while running, checked against a straightforward
// reference simulator built on std::priority_queue over (time, priority, sequence).
class Chain : public EventHandler {
 public:
  Chain(Engine& engine, std::uint64_t seed) : engine_(engine), rng_(seed) {}
  void on_event(std::uint64_t tag) override {
    order.push_back(tag);
    if (next_tag_ >= 60000) return;
    const int children = static_cast<int>(rng_() % 3);
    for (int c = 0; c < children; ++c) {
      const std::int64_t delay = rng_() % 2 == 0 ? static_cast<std::int64_t>(rng_() % 3)
                                                 : static_cast<std::int64_t>(rng_() % 5000);
      const auto prio = static_cast<std::uint8_t>(rng_() % 4 * 64);
      ids.push_back(engine_.schedule_in(Time{delay}, Priority{prio}, this, next_tag_++));
    }
    if (rng_() % 4 == 0 && !ids.empty()) engine_.cancel(ids[rng_() % ids.size()]);
  }
  std::vector<std::uint64_t> order;
  std::vector<EventId> ids;

 private:
  Engine& engine_;
  std::mt19937_64 rng_;
  std::uint64_t next_tag_ = 1000;
};

TEST(Engine, NestedSchedulingAndCancelMatchReferenceSimulator) {
  Engine engine;
  Chain chain(engine, 99);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    chain.ids.push_back(engine.schedule_at(Time{static_cast<std::int64_t>(i % 17)},
                                           Priority{static_cast<std::uint8_t>(i % 3)}, &chain, i));
  }
  engine.run();

  // Replay with the reference. It uses the same random stream in the same event order, so if the
  // engine's order were wrong the two would diverge.
  std::mt19937_64 rng(99);
  // (time, priority, sequence, tag)
  using Key = std::tuple<std::int64_t, std::uint8_t, std::uint64_t, std::uint64_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> pq;
  std::vector<Key> keys;  // by id order, to cancel
  std::vector<bool> cancelled;
  std::vector<std::size_t> tag_to_id(70000, 0);
  std::uint64_t seq = 0;
  auto add = [&](std::int64_t t, std::uint8_t p, std::uint64_t tag) {
    tag_to_id[tag] = keys.size();
    keys.emplace_back(t, p, seq++, tag);
    cancelled.push_back(false);
    pq.push(keys.back());
  };
  for (std::uint64_t i = 0; i < 1000; ++i) {
    add(static_cast<std::int64_t>(i % 17), static_cast<std::uint8_t>(i % 3), i);
  }
  std::vector<bool> fired(70000, false);
  std::vector<std::uint64_t> expected;
  std::uint64_t next_tag = 1000;
  while (!pq.empty()) {
    const auto [t, p, s, tag] = pq.top();
    pq.pop();
    if (cancelled[tag_to_id[tag]]) continue;
    fired[tag] = true;
    expected.push_back(tag);
    if (next_tag >= 60000) continue;
    const int children = static_cast<int>(rng() % 3);
    for (int c = 0; c < children; ++c) {
      const std::int64_t delay = rng() % 2 == 0 ? static_cast<std::int64_t>(rng() % 3)
                                                : static_cast<std::int64_t>(rng() % 5000);
      const auto prio = static_cast<std::uint8_t>(rng() % 4 * 64);
      add(t + delay, prio, next_tag++);
    }
    if (rng() % 4 == 0 && !keys.empty()) {
      const std::size_t victim = rng() % keys.size();
      const std::uint64_t vtag = std::get<3>(keys[victim]);
      if (!fired[vtag]) cancelled[victim] = true;
    }
  }
  ASSERT_GT(expected.size(), 10000u);
  EXPECT_EQ(chain.order, expected);
  EXPECT_EQ(engine.pending(), 0u);
}

TEST(Engine, CancelPendingFiredAndStale) {
  Engine engine;
  Recorder rec(engine);
  const EventId a = engine.schedule_at(Time{10}, priority::kNormal, &rec, 1);
  const EventId b = engine.schedule_at(Time{20}, priority::kNormal, &rec, 2);
  EXPECT_TRUE(a.valid());
  EXPECT_EQ(engine.pending(), 2u);
  EXPECT_TRUE(engine.is_pending(b));

  EXPECT_TRUE(engine.cancel(b));
  EXPECT_FALSE(engine.is_pending(b));
  EXPECT_EQ(engine.pending(), 1u);
  EXPECT_FALSE(engine.cancel(b));  // twice
  EXPECT_EQ(engine.pending(), 1u);

  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(engine.now(), Time{10});  // the cancelled event at 20 did not advance the clock
  EXPECT_FALSE(engine.cancel(a));     // already fired
  EXPECT_FALSE(engine.is_pending(a));
  EXPECT_EQ(engine.pending(), 0u);
  EXPECT_EQ(engine.queued(), 0u);

  // Both slots are free now; new events reuse them. Old ids must not touch the new events.
  const EventId c = engine.schedule_at(Time{30}, priority::kNormal, &rec, 3);
  const EventId d = engine.schedule_at(Time{30}, priority::kNormal, &rec, 4);
  EXPECT_TRUE((c.slot == a.slot || c.slot == b.slot) && (d.slot == a.slot || d.slot == b.slot));
  EXPECT_FALSE(engine.cancel(a));
  EXPECT_FALSE(engine.cancel(b));
  EXPECT_FALSE(engine.is_pending(a));
  EXPECT_TRUE(engine.is_pending(c));
  EXPECT_TRUE(engine.is_pending(d));
  EXPECT_EQ(engine.pending(), 2u);

  EXPECT_FALSE(engine.cancel(EventId{}));              // invalid
  EXPECT_FALSE(engine.cancel(EventId{12345, 1}));      // slot never used
  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{1, 3, 4}));
}

TEST(Engine, CancelFromInsideHandler) {
  Engine engine;
  Recorder rec(engine);
  EventId victim = engine.schedule_at(Time{5}, priority::kNormal, &rec, 2);
  bool cancel_result = false;
  engine.schedule_fn(Time{5}, priority::kHigh, [&] { cancel_result = engine.cancel(victim); });
  engine.run();
  EXPECT_TRUE(cancel_result);
  EXPECT_TRUE(rec.seen.empty());
}

TEST(Engine, ScheduleCancelChurnKeepsMemoryBounded) {
  Engine engine;
  Recorder rec(engine);
  for (int i = 0; i < 100; ++i) engine.schedule_at(Time{1000000 + i}, priority::kNormal, &rec, 0);
  std::size_t max_queued = 0;
  for (int i = 0; i < 1000000; ++i) {
    const EventId id = engine.schedule_at(Time{500 + i % 1000}, priority::kNormal, &rec, 1);
    ASSERT_TRUE(engine.cancel(id));
    max_queued = std::max(max_queued, engine.queued());
  }
  EXPECT_EQ(engine.pending(), 100u);
  EXPECT_LE(max_queued, 2 * 100 + 1100u);
  engine.run();
  EXPECT_EQ(rec.seen.size(), 100u);
  EXPECT_EQ(engine.queued(), 0u);
}

TEST(Engine, ScheduleInThePastThrows) {
  Engine engine;
  Recorder rec(engine);
  engine.schedule_at(Time{100}, priority::kNormal, &rec, 0);
  engine.run();
  ASSERT_EQ(engine.now(), Time{100});
  EXPECT_THROW(engine.schedule_at(Time{99}, priority::kNormal, &rec, 0), std::logic_error);
  EXPECT_THROW(engine.schedule_in(Time{-1}, priority::kNormal, &rec, 0), std::logic_error);
  EXPECT_THROW(engine.schedule_fn(Time{50}, priority::kNormal, [] {}), std::logic_error);
  EXPECT_THROW(engine.schedule_in(Time::max(), priority::kNormal, &rec, 0), std::out_of_range);
  EXPECT_THROW(engine.schedule_at(Time{200}, priority::kNormal, nullptr, 0), std::invalid_argument);
  EXPECT_EQ(engine.pending(), 0u);
  // At now is fine.
  engine.schedule_at(Time{100}, priority::kNormal, &rec, 1);
  EXPECT_EQ(engine.pending(), 1u);
}

TEST(Engine, RunUntilRunsEventsAtLimitAndSetsNow) {
  Engine engine;
  Recorder rec(engine);
  engine.schedule_at(Time{10}, priority::kNormal, &rec, 1);
  engine.schedule_at(Time{50}, priority::kLast, &rec, 2);
  engine.schedule_at(Time{51}, priority::kFirst, &rec, 3);
  engine.schedule_at(Time{200}, priority::kNormal, &rec, 4);
  engine.run_until(Time{50});
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(engine.now(), Time{50});
  EXPECT_EQ(engine.pending(), 2u);

  engine.run_until(Time{120});  // nothing at 120 itself; clock still lands on the limit
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(engine.now(), Time{120});

  // Scheduling between the limit and the next event is legal and keeps order.
  engine.schedule_at(Time{150}, priority::kNormal, &rec, 5);
  engine.schedule_at(Time{120}, priority::kNormal, &rec, 6);
  EXPECT_THROW(engine.run_until(Time{119}), std::logic_error);
  engine.run_until(Time{1000});
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{1, 2, 3, 6, 5, 4}));
  EXPECT_EQ(engine.now(), Time{1000});
  engine.run_until(Time{2000});  // empty queue: still advances the clock
  EXPECT_EQ(engine.now(), Time{2000});
}

TEST(Engine, RunUntilSkipsCancelledEventsWithoutLosingLaterSchedules) {
  Engine engine;
  Recorder rec(engine);
  const EventId a = engine.schedule_at(Time{40}, priority::kNormal, &rec, 1);
  engine.schedule_at(Time{500}, priority::kNormal, &rec, 2);
  engine.cancel(a);
  engine.run_until(Time{100});
  EXPECT_TRUE(rec.seen.empty());
  EXPECT_EQ(engine.now(), Time{100});
  engine.schedule_at(Time{100}, priority::kNormal, &rec, 3);
  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{3, 2}));

  // The queue drained through a cancelled last event (time 900); a later schedule before 900 but
  // after now must still work.
  const EventId b = engine.schedule_at(Time{900}, priority::kNormal, &rec, 4);
  engine.schedule_at(Time{600}, priority::kNormal, &rec, 5);
  engine.cancel(b);
  engine.run();
  EXPECT_EQ(engine.now(), Time{600});
  engine.schedule_at(Time{700}, priority::kNormal, &rec, 6);
  engine.run();
  EXPECT_EQ(rec.tags(), (std::vector<std::uint64_t>{3, 2, 5, 6}));
}

class Stopper : public EventHandler {
 public:
  explicit Stopper(Engine& engine) : engine_(engine) {}
  void on_event(std::uint64_t tag) override {
    ran.push_back(tag);
    if (tag == 2) engine_.stop();
  }
  std::vector<std::uint64_t> ran;

 private:
  Engine& engine_;
};

TEST(Engine, StopFromHandlerReturnsAfterCurrentEvent) {
  Engine engine;
  Stopper s(engine);
  for (std::uint64_t i = 1; i <= 4; ++i) {
    engine.schedule_at(Time{static_cast<std::int64_t>(i * 10)}, priority::kNormal, &s, i);
  }
  engine.schedule_at(Time{20}, priority::kNormal, &s, 7);  // same time as the stopper, later
  engine.run();
  EXPECT_EQ(s.ran, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(engine.now(), Time{20});
  EXPECT_EQ(engine.pending(), 3u);
  engine.run();  // resumes
  EXPECT_EQ(s.ran, (std::vector<std::uint64_t>{1, 2, 7, 3, 4}));
  EXPECT_EQ(engine.events_processed(), 5u);
}

TEST(Engine, StopInRunUntilLeavesClockAtStoppingEvent) {
  Engine engine;
  Stopper s(engine);
  engine.schedule_at(Time{20}, priority::kNormal, &s, 2);
  engine.schedule_at(Time{30}, priority::kNormal, &s, 3);
  engine.run_until(Time{100});
  EXPECT_EQ(engine.now(), Time{20});
  EXPECT_EQ(s.ran, (std::vector<std::uint64_t>{2}));
  engine.stop();  // outside a run: no effect on the next one
  engine.run_until(Time{100});
  EXPECT_EQ(s.ran, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(engine.now(), Time{100});
}

TEST(Engine, ScheduleFnRunsCancelsAndChains) {
  Engine engine;
  std::vector<int> order;
  engine.schedule_fn(Time{5}, priority::kNormal, [&] {
    order.push_back(1);
    engine.schedule_fn(engine.now(), priority::kHigh, [&] { order.push_back(2); });
  });
  const EventId gone = engine.schedule_fn(Time{5}, priority::kLow, [&] { order.push_back(99); });
  engine.schedule_fn(Time{6}, priority::kNormal, [&] { order.push_back(3); });
  EXPECT_EQ(engine.pending(), 3u);
  EXPECT_TRUE(engine.cancel(gone));
  EXPECT_THROW(engine.schedule_fn(Time{7}, priority::kNormal, std::function<void()>{}),
               std::invalid_argument);
  engine.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(engine.now(), Time{6});
  EXPECT_EQ(engine.events_processed(), 3u);
}

TEST(Engine, RunFromInsideHandlerThrowsAndHandlerExceptionsPropagate) {
  Engine engine;
  bool nested_threw = false;
  engine.schedule_fn(Time{1}, priority::kNormal, [&] {
    try {
      engine.run();
    } catch (const std::logic_error&) {
      nested_threw = true;
    }
  });
  engine.schedule_fn(Time{2}, priority::kNormal, [] { throw std::runtime_error("boom"); });
  engine.schedule_fn(Time{3}, priority::kNormal, [] {});
  EXPECT_THROW(engine.run(), std::runtime_error);
  EXPECT_TRUE(nested_threw);
  EXPECT_EQ(engine.now(), Time{2});
  EXPECT_EQ(engine.pending(), 1u);
  engine.run();  // still usable
  EXPECT_EQ(engine.now(), Time{3});
  EXPECT_EQ(engine.pending(), 0u);
}

}  // namespace
}  // namespace sim
