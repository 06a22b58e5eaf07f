// Service-level objectives of a task and how they change over time.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/config.h"
#include "sim/time.h"

namespace workloads {

struct Slo {
  double latency_ms = 0;    // a request is late when its end-to-end latency exceeds this
  double min_accuracy = 0;  // a request fails when its variant is less accurate than this (0..1)
  sim::Time latency() const { return sim::from_ms(latency_ms); }
};

// Reads {"latency_ms": x, "min_accuracy": y}; `base` supplies values for keys not given (so an
// SLO change may update only one of them).
Slo read_slo(const sim::ConfigNode& node, const Slo* base = nullptr);
sim::Json to_json(const Slo& slo);

struct SloChange {
  sim::Time at;
  std::size_t task = 0;  // index into the experiment's task list
  Slo slo;
};

}  // namespace workloads
