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

class TimestampReplay final : public ArrivalProcess {
 public:
  // Throws std::invalid_argument for options out of range, or `repeat` on a trace whose period is
  // zero (fewer than two distinct times).
  TimestampReplay(TraceTimes times, ReplayOptions options);
  sim::Time next(sim::Time previous, sim::Rng& rng) override;
  double mean_rate_rps() const override { return mean_rate_rps_; }

 private:
  // Queues the copies of the next request of this part (offsets in trace ns); false at the end.
  bool refill(sim::Rng& rng);

  TraceTimes times_;
  ReplayOptions options_;
  std::int64_t period_ns_ = 0;
  double mean_rate_rps_ = 0;
  std::size_t index_ = 0;       // next request of the trace to consider
  std::int64_t cycle_ = 0;      // repetitions completed
  std::vector<std::int64_t> queued_;  // offsets (trace ns, cycle included), non-decreasing
  std::size_t queued_pos_ = 0;
  bool started_ = false;
  sim::Time origin_;
};

class MinuteCountReplay final : public ArrivalProcess {
 public:
  static constexpr std::int64_t kMinuteNs = 60'000'000'000;
  // Throws std::invalid_argument for options out of range.
  MinuteCountReplay(const TraceCounts& counts, ReplayOptions options);
  sim::Time next(sim::Time previous, sim::Rng& rng) override;
  double mean_rate_rps() const override { return mean_rate_rps_; }
  // Requests of this part in each minute of one pass through the trace.
  const std::vector<std::uint64_t>& part_counts() const { return part_counts_; }

 private:
  bool refill(sim::Rng& rng);

  std::vector<std::uint64_t> part_counts_;
  ReplayOptions options_;
  double mean_rate_rps_ = 0;
  std::size_t minute_ = 0;
  std::int64_t cycle_ = 0;
  std::vector<double> uniforms_;
  std::vector<std::int64_t> queued_;
  std::size_t queued_pos_ = 0;
  bool started_ = false;
  sim::Time origin_;
};

}  // namespace workloads
