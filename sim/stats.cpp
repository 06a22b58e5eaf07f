#include "sim/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace sim {

double SampleStats::mean() const {
  if (samples_.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size());
}

double SampleStats::min() const { return quantile(0.0); }
double SampleStats::max() const { return quantile(1.0); }

double median(std::vector<double> samples) {
  if (samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(samples.begin(), samples.end());
  std::size_t n = samples.size();
  return n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
}

double SampleStats::quantile(double q) const {
  if (samples_.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!selected_) {
    work_ = samples_;
    selected_ = true;
  }
  q = std::clamp(q, 0.0, 1.0);
  double pos = q * static_cast<double>(work_.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, work_.size() - 1);
  double frac = pos - static_cast<double>(lo);
  // The lo-th smallest, then the hi-th: the smallest of what nth_element left after it. The
  // same values a full sort gives, in linear time (a run's summary takes several percentiles of
  // millions of latencies).
  const auto at = work_.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(work_.begin(), at, work_.end());
  double v_lo = *at, v_hi = hi == lo ? v_lo : *std::min_element(at + 1, work_.end());
  return v_lo + (v_hi - v_lo) * frac;
}

}  // namespace sim
