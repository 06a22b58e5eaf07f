// Hold-model throughput of the engine against a plain std::priority_queue.
//
// Hold model: N events are pending; each event, when handled, schedules one new event at
// now + an exponential delay (mean 1 ms, whole nanoseconds), so N stays constant. Both loops draw
// delays from the same generator with the same seed, warm up for N events (so the pending times
// have their steady-state spread), then time batches of kBatch events. items_per_second is
// events/s.
#include <cmath>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "sim/engine.h"

namespace {

constexpr std::int64_t kBatch = 10000;
constexpr double kMeanDelayNs = 1e6;

// xoshiro256** seeded through splitmix64: fast, inline, and identical in both loops.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
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
    return static_cast<std::int64_t>(-std::log(u) * kMeanDelayNs);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

// Each event reschedules itself; stops the engine when its budget of events is spent.
class HoldHandler final : public sim::EventHandler {
 public:
  HoldHandler(sim::Engine& engine, std::uint64_t seed) : engine_(engine), rng_(seed) {}
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
  const auto n = static_cast<std::int64_t>(state.range(0));
  sim::Engine engine;
  HoldHandler handler(engine, 42);
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

void BM_HoldPriorityQueue(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  using Item = std::pair<std::int64_t, std::uint64_t>;  // (time ns, insertion sequence)
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;
  Rng rng(42);
  std::uint64_t seq = 0;
  for (std::int64_t i = 0; i < n; ++i) pq.push({rng.exp_delay_ns(), seq++});
  auto hold = [&](std::int64_t events) {
    for (std::int64_t i = 0; i < events; ++i) {
      const std::int64_t now = pq.top().first;
      pq.pop();
      pq.push({now + rng.exp_delay_ns(), seq++});
    }
  };
  hold(n);
  for (auto _ : state) {
    hold(kBatch);
    benchmark::DoNotOptimize(pq.top());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

BENCHMARK(BM_HoldEngine)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_HoldPriorityQueue)->Arg(1000)->Arg(1000000);

}  // namespace

BENCHMARK_MAIN();
