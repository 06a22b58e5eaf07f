// Statistics used by models and reports: counters, time-weighted averages, sample percentiles.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace sim {

// Average of a piecewise-constant signal over time (queue length, memory in use, busy slots).
// Contract: set() calls come in non-decreasing time order.
class TimeWeightedAverage {
 public:
  explicit TimeWeightedAverage(Time start = Time::zero(), double initial = 0.0)
      : start_(start), last_(start), value_(initial), peak_(initial) {}
  void set(Time now, double value) {
    area_ += value_ * static_cast<double>((now - last_).ns);
    last_ = now;
    value_ = value;
    peak_ = std::max(peak_, value);
  }
  void add(Time now, double delta) { set(now, value_ + delta); }
  double current() const { return value_; }
  double peak() const { return peak_; }
  // Average over [start, end]; end >= the last set() time.
  double average(Time end) const {
    double span = static_cast<double>((end - start_).ns);
    if (span <= 0) return value_;
    return (area_ + value_ * static_cast<double>((end - last_).ns)) / span;
  }

 private:
  Time start_, last_;
  double value_;
  double peak_;
  double area_ = 0.0;
};

// Keeps every sample; percentiles by linear interpolation between closest ranks (the
// definition numpy uses by default), so tables can be checked against pandas.
// Median of `samples` (the mean of the two middle ones for an even count); NaN when empty.
double median(std::vector<double> samples);

class SampleStats {
 public:
  void add(double x) {
    samples_.push_back(x);
    selected_ = false;
  }
  std::size_t count() const { return samples_.size(); }
  double mean() const;
  double min() const;
  double max() const;
  // q in [0, 1]; NaN when empty.
  double quantile(double q) const;

 private:
  // Samples in the order added (mean() sums them in that order). Quantiles select order
  // statistics (std::nth_element, linear time) in a working copy instead of sorting.
  std::vector<double> samples_;
  mutable std::vector<double> work_;
  mutable bool selected_ = false;  // work_ holds samples_ (in some order)
};

}  // namespace sim
