// What this machine costs beyond a unit's warm execution time, measured for the platform file
// that `stitchsim profile run --backend onednn` writes next to the profile:
//
// - the reuse curve: how much of a unit's warm-to-cold slowdown (LatencyDist::cold_mean_ms)
//   shows after it sat idle for a given time (cache model "reuse_curve", cache_model.h). On a
//   shared host the caches forget within milliseconds, so this is not a small effect;
// - runtime costs of the live runtime's thread hand-offs: dispatch (an arrival's due time to the
//   first subgraph starting on a pinned worker) and hand-off (one subgraph finishing to the next
//   starting, through the dispatcher, including on the same processor).
#pragma once

#include <string>
#include <vector>

#include "experiments/live/zoo.h"
#include "sim/config.h"

namespace live {

struct ReuseCurve {
  std::vector<double> gap_ms;         // median measured idle time of each probe point
  std::vector<double> cold_fraction;  // share of the warm-to-cold slowdown at that idle time
  double corun_penalty = 0;           // growth of the cold share with another processor executing
  int reference_units = 0;
  double warm_ms = 0, cold_ms = 0;    // summed medians over the reference units
  bool empty() const { return gap_ms.empty(); }
};

// Probes the first two variants of every model (all subgraphs) on the zoo's first processor:
// median latency back to back (warm), after each configured idle time, and after cold_gap_ms.
// cold_fraction(g) = sum over units of (median at g - warm) / sum of (cold - warm).
// corun_penalty = sum of (cold with the second processor running the reference units - cold) /
// sum of (cold - warm); 0 with one processor. Empty when cold measurement is off or the machine
// shows no slowdown (under 1 % of warm).
ReuseCurve measure_reuse_curve(const Zoo& zoo);

struct RuntimeCosts {
  std::vector<double> dispatch_ms;              // [processor], median
  std::vector<std::vector<double>> handoff_ms;  // [from][to], median
  int samples = 0;                              // per entry
};

// The live runtime's hand-off pattern (live_run.cpp) with a fixed 0.2 ms spin as the work: a
// dispatcher thread (SCHED_FIFO above the workers when realtime) waiting with a deadline on a
// condition variable, one pinned worker per processor sleeping on its own condition variable,
// idle 1-6 ms between requests as at the validate configs' rates.
RuntimeCosts measure_runtime_costs(const ZooConfig& config);

// The platform file of this machine: the zoo's processors (one slot each), memory from
// /proc/meminfo, the measured runtime costs and, when measured, the reuse curve.
sim::Json measured_platform(const ZooConfig& config, const ReuseCurve& curve, const RuntimeCosts& costs,
                            const std::string& profile_file);

}  // namespace live
