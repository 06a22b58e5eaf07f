// Hold-model throughput of the engine against two bare future-event sets: a plain
// std::priority_queue and a hand-tuned 4-ary heap (four_ary_heap.h).
//
// Hold model: N events are pending; each event, when handled, schedules one new event at
// now + an exponential delay (mean 1 ms or 1 s, whole nanoseconds), so N stays constant. Every
// loop draws delays from the same generator with the same seed, so all three see the same event
// sequence; each warms up for N events (so the pending times have their steady-state spread), then
// times batches of kBatch events. items_per_second is events/s.
//
// The engine does what a simulator needs: an event record per event (handler, tag, generation for
// cancellation), a virtual dispatch per event and (time, priority, sequence) order. The references
// order by (time, sequence) and carry nothing else.
//
// Arguments: /pending/mean_delay_ns. Compare ratios from one run (see the README's Performance
// section for the command: repetitions, random interleaving, medians).
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "sim/engine.h"
#include "tests/bench/four_ary_heap.h"

namespace {

constexpr std::int64_t kBatch = 10000;

// xoshiro256** seeded through splitmix64: fast, inline, and identical in every loop.
class Rng {
 public:
  Rng(std::uint64_t seed, double mean_delay_ns) : mean_delay_ns_(mean_delay_ns) {
    for (auto& word : s_) word = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Exponential delay in whole ns; u is uniform on (0, 1] so log(u) is finite.
  std::int64_t exp_delay_ns() {
    const double u = static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;
    return static_cast<std::int64_t>(-std::log(u) * mean_delay_ns_);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double mean_delay_ns_;
  std::uint64_t s_[4];
};

constexpr std::uint64_t kSeed = 42;

std::int64_t pending_arg(const benchmark::State& state) { return state.range(0); }
double mean_delay_arg(const benchmark::State& state) {
  return static_cast<double>(state.range(1));
}

// Each event reschedules itself; stops the engine when its budget of events is spent.
class HoldHandler final : public sim::EventHandler {
 public:
  HoldHandler(sim::Engine& engine, Rng rng) : engine_(engine), rng_(rng) {}
  void on_event(std::uint64_t tag) override {
    engine_.schedule_in(sim::Time{rng_.exp_delay_ns()}, sim::priority::kNormal, this, tag);
    if (--budget_ == 0) engine_.stop();
  }
  Rng& rng() { return rng_; }
  void set_budget(std::int64_t events) { budget_ = events; }

 private:
  sim::Engine& engine_;
  Rng rng_;
  std::int64_t budget_ = 0;
};

void BM_HoldEngine(benchmark::State& state) {
  const std::int64_t n = pending_arg(state);
  sim::Engine engine;
  HoldHandler handler(engine, Rng(kSeed, mean_delay_arg(state)));
  for (std::int64_t i = 0; i < n; ++i) {
    engine.schedule_at(sim::Time{handler.rng().exp_delay_ns()}, sim::priority::kNormal, &handler,
                       static_cast<std::uint64_t>(i));
  }
  handler.set_budget(n);
  engine.run();
  for (auto _ : state) {
    handler.set_budget(kBatch);
    engine.run();
  }
  if (engine.pending() != static_cast<std::size_t>(n)) state.SkipWithError("pending count drifted");
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// Runs the hold model on a bare queue with push({time, seq}), top() and pop().
template <class Queue, class Item>
void hold_reference(benchmark::State& state, Queue& queue) {
  const std::int64_t n = pending_arg(state);
  Rng rng(kSeed, mean_delay_arg(state));
  std::uint64_t seq = 0;
  for (std::int64_t i = 0; i < n; ++i) queue.push(Item{rng.exp_delay_ns(), seq++});
  auto hold = [&](std::int64_t events) {
    for (std::int64_t i = 0; i < events; ++i) {
      const std::int64_t now = queue.top().first_time();
      queue.pop();
      queue.push(Item{now + rng.exp_delay_ns(), seq++});
    }
  };
  hold(n);
  for (auto _ : state) {
    hold(kBatch);
    benchmark::DoNotOptimize(queue.top().first_time());
  }
  if (queue.size() != static_cast<std::size_t>(n)) state.SkipWithError("pending count drifted");
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// (time ns, insertion sequence), ordered lexicographically.
struct PairItem : std::pair<std::int64_t, std::uint64_t> {
  PairItem(std::int64_t t, std::uint64_t s) : std::pair<std::int64_t, std::uint64_t>(t, s) {}
  std::int64_t first_time() const { return first; }
};

void BM_HoldPriorityQueue(benchmark::State& state) {
  std::priority_queue<PairItem, std::vector<PairItem>, std::greater<PairItem>> pq;
  hold_reference<decltype(pq), PairItem>(state, pq);
}

// Adapts FourAryHeap::Entry to the loop above.
struct HeapItem : bench::FourAryHeap::Entry {
  HeapItem(std::int64_t t, std::uint64_t s) : bench::FourAryHeap::Entry{t, s} {}
};
class FourAryQueue {
 public:
  struct Top {
    const bench::FourAryHeap::Entry& e;
    std::int64_t first_time() const { return e.time_ns; }
  };
  void push(const HeapItem& item) { heap_.push(item); }
  Top top() const { return Top{heap_.top()}; }
  void pop() { heap_.pop(); }
  std::size_t size() const { return heap_.size(); }

 private:
  bench::FourAryHeap heap_;
};

void BM_HoldFourAryHeap(benchmark::State& state) {
  FourAryQueue heap;
  hold_reference<FourAryQueue, HeapItem>(state, heap);
}

void hold_args(benchmark::internal::Benchmark* b) {
  for (const std::int64_t mean_delay_ns : {1'000'000, 1'000'000'000}) {
    for (const std::int64_t pending : {1'000, 1'000'000}) b->Args({pending, mean_delay_ns});
  }
  b->ArgNames({"pending", "mean_delay_ns"});
}

BENCHMARK(BM_HoldEngine)->Apply(hold_args);
BENCHMARK(BM_HoldFourAryHeap)->Apply(hold_args);
BENCHMARK(BM_HoldPriorityQueue)->Apply(hold_args);

}  // namespace

BENCHMARK_MAIN();
