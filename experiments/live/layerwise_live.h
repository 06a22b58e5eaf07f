// `stitchsim layerwise-live`: the layer-wise model's overlap of loading and execution, measured
// for real on this machine and predicted by the `layerwise` execution model from per-block
// measurements.
//
// Config (JSON; relative paths resolve against its folder; errors name file and JSON path):
//   {"description": "...",
//    "zoo": "zoo_layerwise.json",          // live zoo (experiments/live/zoo.h); each model's first
//                                          // variant is used, one "layer" per block
//    "batch": ["resnet_s", "vit_s"],        // networks of one arrival set, all at time 0
//    "workers": 2,                          // partial mode's workers (bulk: 1)
//    "repeats": 7,                          // live runs per mode (medians reported)
//    "profile_repeats": 7}                  // timed runs per block for the per-block profile
//
// What runs. Every network's weights are written to a layer file (layer_file.h) under
// DIR/weights (removed at the end). A LOAD of block b drops the block's page-cache pages
// (posix_fadvise DONTNEED), reads its weights from the file and compiles its oneDNN plan (the
// weight reorder included, as EdgeCaffe's load parses and allocates); an EXEC runs the plan on
// the previous block's output. Every network instance loads its own blocks (no cache).
// - bulk: one thread, networks one after another, each loading all blocks then executing them.
// - partial: `workers` threads take ready steps first come first served (EdgeCaffe's partial DAG:
//   every LOAD ready at the start, EXEC_b after LOAD_b and EXEC_{b-1}); a LOAD or EXEC runs on
//   whichever worker is free.
// Threads: the profile and bulk run on one thread pinned to the zoo's first processor's cores;
// partial worker w is pinned to processor w (modulo their count); each thread's oneDNN/OpenMP team
// has as many threads as its processor has cores; SCHED_FIFO when the zoo says realtime and the
// process may (otherwise other processes of a shared machine preempt the measurement).
// Profile: `profile_repeats` bulk passes over a fresh instance of each network on one thread
// (after one untimed pass), per block the median LOAD and EXEC time; so bulk's prediction is close
// to its measurement by construction, and partial's tests the predicted overlap. Prediction: those
// medians as a deterministic per-layer profile, run through hw::Layerwise in the same mode
// (partial: `workers` workers; bulk: one), all networks
// submitted at 0. Output DIR/summary.json (predicted and measured makespans, every sample, the
// error) and DIR/blocks.csv (the per-block profile, with the share of the block's pages still in
// the page cache after the drop, from mincore, to show the drop worked).
#pragma once

#include <string>

#include "sim/config.h"

namespace live {

sim::Json run_layerwise_live(const std::string& config_file, const std::string& out_dir, bool quiet, bool overwrite);

}  // namespace live
