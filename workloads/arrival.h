// Arrival processes: when the requests of one task arrive.
#pragma once

#include <memory>

#include "sim/params.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace workloads {

class ArrivalProcess {
 public:
  static constexpr const char* kRegistryKind = "arrival";
  virtual ~ArrivalProcess() = default;
  // Time of the next arrival strictly after or at `previous` (the last arrival, or the start
  // time for the first call); Time::max() when the process has no more arrivals. Draws only
  // from `rng`, the task's own arrival stream.
  virtual sim::Time next(sim::Time previous, sim::Rng& rng) = 0;
  // Long-run mean arrival rate, for reports and load estimates; 0 if unknown.
  virtual double mean_rate_rps() const = 0;
};

// Creates an arrival process from {"name": ..., params}. `base_dir` resolves relative file
// paths (the directory of the config file).
std::unique_ptr<ArrivalProcess> make_arrival(const sim::ConfigNode& node, const std::string& base_dir,
                                             sim::Json* resolved = nullptr);

}  // namespace workloads
