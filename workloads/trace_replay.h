// Replay of a recorded trace as an arrival process, with time scaling, rate scaling, a split of
// the trace over several tasks, and looping. Two kinds of trace:
//
// - TimestampReplay: one time per request (offsets; see trace_source.h).
// - MinuteCountReplay: requests per minute (Azure Functions layout); within a minute the
//   requests fall at uniformly random times (a Poisson process conditioned on the count).
//
// Options, applied in this order:
//   split_into / split_index  The trace is cut into split_into disjoint parts and this process
//       replays part split_index, so split_into tasks with indices 0..split_into-1 together replay
//       the (rate-scaled) trace exactly once. Timestamps: request j goes to part
//       mix(j) mod split_into, a fixed hash independent of the seed. Minute counts: each part gets
//       floor(c / split_into) requests of a minute with count c, and c mod split_into parts, in
//       rotation by minute, one more.
//   rate_scale  More or fewer requests at the same pace of the trace. Minute counts: minute m gets
//       floor(r * C(m+1)) - floor(r * C(m)) requests, C the cumulative count: deterministic,
//       shared by all parts, total floor(r * C). Timestamps: each request of the part becomes
//       floor(r) requests plus one more with probability frac(r) (drawn from the task's stream);
//       copies beyond the first fall uniformly between the request and the next one of the trace,
//       so the trace's pattern at its own resolution is kept. rate_scale 1 draws nothing.
//   time_scale  Every trace offset is multiplied by it (2 = the trace plays half as fast).
//   repeat  After the last request the trace starts again, shifted by its period: minute counts,
//       the number of minutes; timestamps, last - first plus the mean gap between requests.
// Arrivals are origin + scaled offset, where origin is the `previous` of the first next() call.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/time.h"
#include "workloads/arrival.h"
#include "workloads/trace_source.h"

namespace workloads {

struct ReplayOptions {
  double time_scale = 1.0;  // > 0
  double rate_scale = 1.0;  // >= 0
  std::int64_t split_into = 1;
  std::int64_t split_index = 0;  // in [0, split_into)
  bool repeat = false;
};

// What both replays share: the queue of the next requests' offsets, the origin, the time scale.
class ReplayBase : public ArrivalProcess {
 public:
  sim::Time next(sim::Time previous, sim::Rng& rng) final;
  double mean_rate_rps() const final { return mean_rate_rps_; }

 protected:
  // Throws std::invalid_argument for options out of range.
  explicit ReplayBase(ReplayOptions options);
  // Clears queued_ and fills it with the next requests (offsets in trace ns, cycle included,
  // non-decreasing and not before anything queued earlier); false when the trace is over.
  virtual bool refill(sim::Rng& rng) = 0;

  ReplayOptions options_;
  double mean_rate_rps_ = 0;
  std::int64_t cycle_ = 0;  // repetitions completed
  std::vector<std::int64_t> queued_;

 private:
  std::size_t queued_pos_ = 0;
  bool started_ = false;
  sim::Time origin_;
};

class TimestampReplay final : public ReplayBase {
 public:
  // Throws std::invalid_argument for options out of range, or `repeat` on a trace whose period is
  // zero (fewer than two distinct times).
  TimestampReplay(TraceTimes times, ReplayOptions options);

 private:
  bool refill(sim::Rng& rng) override;

  TraceTimes times_;
  std::int64_t period_ns_ = 0;
  std::size_t index_ = 0;  // next request of the trace to consider
};

class MinuteCountReplay final : public ReplayBase {
 public:
  static constexpr std::int64_t kMinuteNs = 60'000'000'000;
  // Throws std::invalid_argument for options out of range.
  MinuteCountReplay(const TraceCounts& counts, ReplayOptions options);
  // Requests of this part in each minute of one pass through the trace.
  const std::vector<std::uint64_t>& part_counts() const { return part_counts_; }

 private:
  bool refill(sim::Rng& rng) override;

  std::vector<std::uint64_t> part_counts_;
  std::size_t minute_ = 0;
  std::vector<double> uniforms_;
};

}  // namespace workloads
