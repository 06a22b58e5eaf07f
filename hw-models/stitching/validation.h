// Error statistics and seeded fold assignment shared by the accuracy and latency estimators'
// cross-validation, so both report the same quantities the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stitching {

// Absolute errors summarised. p95_abs: the 95th percentile of |error| (nearest rank); this is
// the calibrated error bound the accuracy margin uses.
struct ErrorStats {
  int samples = 0;
  double mae = 0, rmse = 0, p95_abs = 0, max_abs = 0;
};
ErrorStats error_stats(const std::vector<double>& errors);

// A seeded permutation of 0..n-1 (Fisher-Yates on sim::Rng stream(seed, tag)); the same
// (n, seed, tag) gives the same order on any machine and thread count.
std::vector<std::size_t> seeded_order(std::size_t n, std::uint64_t seed, const std::string& tag);

}  // namespace stitching
