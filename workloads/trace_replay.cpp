#include "workloads/trace_replay.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace workloads {
namespace {

// splitmix64's finaliser: a fixed, well-mixed hash of a request index.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void check_options(const ReplayOptions& o) {
  if (!(o.time_scale > 0) || !std::isfinite(o.time_scale)) {
    throw std::invalid_argument("time_scale must be a positive number");
  }
  if (!(o.rate_scale >= 0) || !std::isfinite(o.rate_scale)) {
    throw std::invalid_argument("rate_scale must be a non-negative number");
  }
  if (o.split_into < 1) throw std::invalid_argument("split_into must be at least 1");
  if (o.split_index < 0 || o.split_index >= o.split_into) {
    throw std::invalid_argument("split_index must be in [0, split_into) = [0, " +
                                std::to_string(o.split_into) + ")");
  }
}

// origin + offset_ns * scale, or Time::max() if that does not fit.
sim::Time scaled(sim::Time origin, std::int64_t offset_ns, double scale) {
  const double ns = static_cast<double>(offset_ns) * scale;
  if (ns >= static_cast<double>(sim::Time::max().ns - origin.ns)) return sim::Time::max();
  return origin + sim::Time{std::llround(ns)};
}

constexpr std::int64_t kMaxOffsetNs = std::int64_t{1} << 62;  // ~146 years: stop repeating there

}  // namespace

ReplayBase::ReplayBase(ReplayOptions options) : options_(options) { check_options(options_); }

sim::Time ReplayBase::next(sim::Time previous, sim::Rng& rng) {
  if (!started_) {
    origin_ = previous;
    started_ = true;
  }
  while (queued_pos_ >= queued_.size()) {
    queued_pos_ = 0;
    if (!refill(rng)) return sim::Time::max();
  }
  return scaled(origin_, queued_[queued_pos_++], options_.time_scale);
}

TimestampReplay::TimestampReplay(TraceTimes times, ReplayOptions options)
    : ReplayBase(options), times_(std::move(times)) {
  const auto& t = *times_;
  std::size_t part = 0;
  for (std::size_t j = 0; j < t.size(); ++j) {
    if (mix(j) % static_cast<std::uint64_t>(options_.split_into) ==
        static_cast<std::uint64_t>(options_.split_index)) {
      ++part;
    }
  }
  if (t.size() >= 2) {
    const std::int64_t span = (t.back() - t.front()).ns;
    period_ns_ = span + span / static_cast<std::int64_t>(t.size() - 1);
  }
  if (options_.repeat && period_ns_ <= 0) {
    throw std::invalid_argument("repeat needs a trace with at least two distinct times");
  }
  if (period_ns_ > 0) {
    mean_rate_rps_ = static_cast<double>(part) * options_.rate_scale /
                     (static_cast<double>(period_ns_) * 1e-9 * options_.time_scale);
  }
  if (part == 0 || options_.rate_scale == 0) {  // nothing to replay
    index_ = t.size();
    options_.repeat = false;
  }
}

bool TimestampReplay::refill(sim::Rng& rng) {
  const auto& t = *times_;
  const auto n = t.size();
  const auto parts = static_cast<std::uint64_t>(options_.split_into);
  const auto mine = static_cast<std::uint64_t>(options_.split_index);
  const double whole = std::floor(options_.rate_scale);
  const double frac = options_.rate_scale - whole;
  queued_.clear();
  for (;;) {
    if (index_ >= n) {
      if (!options_.repeat || cycle_ + 1 > kMaxOffsetNs / period_ns_) return false;
      index_ = 0;
      ++cycle_;
    }
    const std::size_t j = index_++;
    if (parts > 1 && mix(j) % parts != mine) continue;
    auto copies = static_cast<std::int64_t>(whole);
    if (frac > 0 && rng.uniform() < frac) ++copies;
    if (copies == 0) continue;
    const std::int64_t at = t[j].ns + cycle_ * period_ns_;
    // Gap to the next request of the whole trace (wrapping when repeating).
    std::int64_t gap = 0;
    if (j + 1 < n) gap = (t[j + 1] - t[j]).ns;
    else if (options_.repeat) gap = t.front().ns + period_ns_ - t[j].ns;
    queued_.push_back(at);
    for (std::int64_t c = 1; c < copies; ++c) {
      queued_.push_back(at + static_cast<std::int64_t>(rng.uniform() * static_cast<double>(gap)));
    }
    std::sort(queued_.begin() + 1, queued_.end());
    return true;
  }
}

MinuteCountReplay::MinuteCountReplay(const TraceCounts& counts, ReplayOptions options) : ReplayBase(options) {
  const auto& c = *counts;
  const auto parts = static_cast<std::uint64_t>(options_.split_into);
  const auto mine = static_cast<std::uint64_t>(options_.split_index);
  part_counts_.resize(c.size());
  std::uint64_t cumulative = 0, scaled_before = 0, total = 0;
  for (std::size_t m = 0; m < c.size(); ++m) {
    cumulative += c[m];
    const auto scaled_now =
        static_cast<std::uint64_t>(std::floor(options_.rate_scale * static_cast<double>(cumulative)));
    const std::uint64_t in_minute = scaled_now - scaled_before;
    scaled_before = scaled_now;
    const std::uint64_t rotation = (mine + parts - m % parts) % parts;
    part_counts_[m] = in_minute / parts + (rotation < in_minute % parts ? 1 : 0);
    total += part_counts_[m];
  }
  if (!c.empty()) {
    mean_rate_rps_ = static_cast<double>(total) /
                     (static_cast<double>(c.size()) * 60.0 * options_.time_scale);
  }
  if (total == 0) {  // nothing to replay
    minute_ = c.size();
    options_.repeat = false;
  }
}

bool MinuteCountReplay::refill(sim::Rng& rng) {
  const auto minutes = static_cast<std::int64_t>(part_counts_.size());
  queued_.clear();
  for (;;) {
    if (minute_ >= part_counts_.size()) {
      if (!options_.repeat || cycle_ + 1 > kMaxOffsetNs / (minutes * kMinuteNs)) return false;
      minute_ = 0;
      ++cycle_;
    }
    const std::size_t m = minute_++;
    const std::uint64_t k = part_counts_[m];
    if (k == 0) continue;
    uniforms_.resize(k);
    for (double& u : uniforms_) u = rng.uniform();
    std::sort(uniforms_.begin(), uniforms_.end());
    const std::int64_t start = (cycle_ * minutes + static_cast<std::int64_t>(m)) * kMinuteNs;
    for (const double u : uniforms_) {
      queued_.push_back(start + static_cast<std::int64_t>(u * static_cast<double>(kMinuteNs)));
    }
    return true;
  }
}

}  // namespace workloads
