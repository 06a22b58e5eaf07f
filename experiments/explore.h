// `stitchsim explore`: the stitching design space of each task of an experiment, its exact
// frontier, and what stitching gains over the zoo. Writes one run directory atomically.
//
// Explore config (JSON). Either an experiment config (tasks, platform, profile; every explore
// setting at its default) or an object with "experiment" naming one, plus the settings of
// explore_params(): placement rule, precision-change cost, memory budget, accuracy estimator
// and baseline, cross-validation folds, histogram bins, enumeration limit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment.h"
#include "hw-models/stitching/space.h"
#include "sim/config.h"
#include "sim/params.h"

namespace experiments {

const std::vector<sim::ParamSpec>& explore_params();

struct ExploreConfig {
  std::string file;
  std::string name;
  Experiment experiment;
  std::vector<int> tasks;  // indices into experiment.tasks
  // The experiment's latency model: unit latencies are its expected(), as the planners see them.
  std::shared_ptr<const hw::LatencyModel> latency;
  stitching::SpaceSettings space;  // space.latency points into `latency`
  sim::ConfigNode estimator_node, baseline_node;
  double accuracy_margin = -1;  // < 0: the estimator's calibrated margin
  int cv_folds = 5;
  std::uint64_t seed = 1;
  int accuracy_bins = 40, latency_bins = 40;
  std::int64_t enumeration_limit = 0;  // pairs per task; larger spaces are sampled
  std::int64_t histogram_samples = 0;
  sim::Json resolved;
};

// Reads and validates everything before any output exists; every problem is one ConfigError.
ExploreConfig load_explore(const std::string& file, const std::vector<std::string>& overrides = {});

// Checks `out_dir` (new, empty, or a previous explore output with `overwrite`), explores every
// task and writes `out_dir` (explore.resolved.json, summary.json, frontier.json, explore.h5).
// Returns the summary.
sim::Json run_explore(const ExploreConfig& config, const std::string& out_dir, bool quiet, bool overwrite = false);

}  // namespace experiments
