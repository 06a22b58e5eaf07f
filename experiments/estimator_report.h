// The estimator report of `stitchsim profile estimate --report DIR`: how well the accuracy and
// latency estimators predict a profile's measured stitched variants, and how many measured
// combinations they need (the paper's Fig. 12 profiling-cost trade-off).
//
// Per model with measured stitched samples:
// - k-fold CV (seeded folds) of every accuracy estimator on the measured stitched accuracies
//   (zoo diagonal always in training), and of every latency estimator on the measured
//   end-to-end latencies: MAE, RMSE, p95 and max absolute error;
// - trade-off: for each training size n, `repeats` seeded draws of n measured combinations as
//   the training set, the error on all other measured combinations; profiling cost = n x the
//   mean measuring time per combination recorded in the profile (measure_s).
// Writes DIR/estimators.json (everything), DIR/cv.csv and DIR/tradeoff.csv (one row per cell,
// for pandas). Throws sim::ConfigError (exit 2) when no model has measured stitched samples.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/config.h"

namespace experiments {

struct EstimatorReportOptions {
  std::vector<sim::ConfigNode> accuracy_estimators, latency_estimators;
  int folds = 5;
  std::uint64_t seed = 1;
  std::vector<int> train_sizes = {10, 25, 50, 100, 200, 400, 800};
  int repeats = 3;
  double precision_change_ms = 0;  // boundary cost for the additive latency (live profiles: inside the units)
};

// Computes the report; `platform` may be null (no hand-off costs in the additive latency).
sim::Json estimator_report(const hw::Profile& profile, const hw::Platform* platform, const EstimatorReportOptions& options);

// Text tables of the report for stdout.
std::string format_estimator_report(const sim::Json& report);

// Writes estimators.json, cv.csv and tradeoff.csv into `dir` (a folder that exists).
void write_estimator_report(const sim::Json& report, const std::string& dir);

}  // namespace experiments
