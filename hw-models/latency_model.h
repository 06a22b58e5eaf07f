// Processor latency model: turns a profile's latency distribution into one job's execution time.
#pragma once

#include <memory>
#include <string>
#include <typeinfo>

#include "hw-models/profile.h"
#include "sim/params.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace hw {

class LatencyModel {
 public:
  static constexpr const char* kRegistryKind = "latency_model";
  virtual ~LatencyModel() = default;
  // One execution time, drawn only from `rng` (the job's own stream). Never negative.
  virtual sim::Time sample(const LatencyDist& dist, sim::Rng& rng) const = 0;
  // What a policy may assume before running: the distribution's mean under this model.
  virtual sim::Time expected(const LatencyDist& dist) const = 0;
  // Identifies expected(): models with equal keys give equal expected() for every distribution
  // (planners cache candidate costs on it). The default, the implementation's type, suits
  // models whose parameters do not change expected().
  virtual std::string expected_key() const { return typeid(*this).name(); }
};

std::unique_ptr<LatencyModel> make_latency_model(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

}  // namespace hw
