// Throughput as capacity: the largest request rate at which the SLO violation rate stays at or
// under a target and requests complete at no less than (1 - target) of the offered rate, found by bisection on a common scale factor of every task's arrival rate
// (the mix of tasks stays fixed). Assumes the violation rate grows with load, which holds for
// every policy here once queues form; the search reports each probe so a user can see it.
#pragma once

#include <vector>

#include "sim/config.h"

namespace experiments {

struct CapacityProbe {
  double scale = 0;
  double total_rate_rps = 0;
  double violation_rate = 0;
  double throughput_rps = 0;  // completed requests per second at this load
};

struct CapacityResult {
  double target_violation_rate = 0;
  double scale = 0;           // largest scale that met the target (0 if even `low` failed)
  double capacity_rps = 0;    // total offered rate at that scale
  std::vector<CapacityProbe> probes;
};

// `config` is an experiment config whose every task's arrival has a "rate_rps". `low`/`high`
// bracket the scale; the search stops when high/low < 1 + tolerance. Throws ConfigError naming
// `file` for a task without a rate.
CapacityResult find_capacity(const sim::Json& config, const std::string& file, const std::string& base_dir,
                             double target, double low, double high, double tolerance);

}  // namespace experiments
