#include "hw-models/stitching/validation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/rng.h"

namespace stitching {

ErrorStats error_stats(const std::vector<double>& errors) {
  ErrorStats r;
  r.samples = static_cast<int>(errors.size());
  if (errors.empty()) return r;
  std::vector<double> a;
  double sq = 0;
  for (double e : errors) {
    a.push_back(std::abs(e));
    sq += e * e;
  }
  std::sort(a.begin(), a.end());
  r.mae = std::accumulate(a.begin(), a.end(), 0.0) / static_cast<double>(a.size());
  r.rmse = std::sqrt(sq / static_cast<double>(a.size()));
  std::size_t rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(a.size())));
  r.p95_abs = a[std::max<std::size_t>(rank, 1) - 1];
  r.max_abs = a.back();
  return r;
}

std::vector<std::size_t> seeded_order(std::size_t n, std::uint64_t seed, const std::string& tag) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  sim::Rng rng = sim::Rng::stream(seed, tag);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

}  // namespace stitching
