// End-to-end latency of a sample of stitched variants on this machine, for training and checking
// latency estimators (hw-models/stitching/latency.h).
//
// Contract: `samples` distinct (tuple, placement) combinations are drawn uniformly from the K^S
// tuples x P^S processor sequences by a stream of the zoo's seed (all of them when there are
// fewer), in a fixed order, so the same config measures the same combinations. Each runs as a
// request runs in the live runtime: one pinned worker thread per processor, each subgraph handed
// to its processor's worker by a driver thread that waits for it to finish (the same hand-off
// through a dispatcher the platform file's handoff_ms measures), on the real boundary tensors.
// Per combination: plans compiled on their processors' workers, `warmup` untimed requests, then
// `repeats` timed ones back to back (every sample kept, the median is the value estimators use).
#pragma once

#include <vector>

#include "experiments/live/profiler.h"
#include "experiments/live/zoo.h"
#include "hw-models/profile.h"

namespace live {

std::vector<hw::StitchedLatency> measure_stitched_latency(const ZooModel& model, const ZooConfig& config,
                                                          const ProgressFn& progress = {});

}  // namespace live
