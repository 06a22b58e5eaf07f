// Cache model: how much slower a unit (one subgraph of one variant) runs when its weights have
// not been touched for a while.
//
// Profiles record warm latency (the unit run back to back). On a real machine a unit that sat
// idle finds part of its weights evicted from the caches (by other units, other processes, other
// tenants of a shared host) and runs slower, up to its "cold" latency (LatencyDist::cold_mean_ms,
// measured after a long idle gap). A cache model says how much of that slowdown applies after a
// given idle time. It is a platform property: how fast this machine's caches forget.
#pragma once

#include <memory>

#include "hw-models/profile.h"
#include "sim/params.h"
#include "sim/time.h"

namespace hw {

class CacheModel {
 public:
  static constexpr const char* kRegistryKind = "cache_model";
  virtual ~CacheModel() = default;
  // Multiplier (>= 1) on a sampled execution time of a unit with profiled latency `dist` that
  // starts `idle` after the unit last finished executing anywhere (sim::Time::max(): it never
  // ran), while a share `corun` (0..1) of the other processors' slots is executing (fetching
  // evicted weights competes with them for memory bandwidth). Deterministic: no randomness.
  virtual double slowdown(const LatencyDist& dist, sim::Time idle, double corun) const = 0;
  // True when the model never slows anything down (lets the SoC skip the bookkeeping).
  virtual bool inert() const { return false; }
};

std::unique_ptr<CacheModel> make_cache_model(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

}  // namespace hw
