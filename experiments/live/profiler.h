// Measuring a live zoo on this machine into a stitchsim profile (kind "measured").
//
// Per (variant, subgraph, processor): the subgraph is compiled and run on a thread pinned to the
// processor's cores, fed the real boundary tensor of the same variant; `warmup` untimed runs,
// then `repeats` timed runs whose every sample goes into samples_ms (the simulator replays them).
// Per (variant, subgraph): weights and workspace bytes as allocated (executor.h) and load_ms =
// the median time to compile the subgraph (weight reorders, primitive creation). Processors are
// measured one after another, never at the same time, so a measurement sees an otherwise idle
// machine (apart from what the OS and other users run).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "experiments/live/zoo.h"
#include "hw-models/profile.h"

namespace live {

using ProgressFn = std::function<void(const std::string&)>;

hw::Profile measure_profile(const Zoo& zoo, const ProgressFn& progress = {});

// Accuracy of each zoo variant on the model's evaluation set: against labels for a trained
// model, else top-1 agreement with variant 0 (the dense fp32 base) on random inputs.
std::vector<double> variant_accuracy(const ZooModel& model);

// Accuracy of every stitched variant except the zoo diagonal (K^S - K tuples), evaluated with
// shared prefixes (each distinct prefix runs once).
std::vector<hw::StitchedAccuracy> stitched_accuracy(const ZooModel& model);

}  // namespace live
