// `stitchsim validate`: one multi-DNN workload run twice, simulated from the measured profile
// and live on this machine, with the same policy objects; predicted vs measured per task.
//
// Config (JSON):
//   {"name": "...",
//    "zoo": "zoo.json",                 // the live zoo the profile was measured from
//    "experiment": "experiment.json"    // or an inline experiment object; its "profile" is the
//   }                                   // measured profile (relative paths: this file's folder)
//
// Output directory (appears whole or not at all): summary.json (the comparison), config.resolved.json,
// simulated/ and live/ each with summary.json and the result tables.
#pragma once

#include <string>

#include "sim/config.h"

namespace live {

// Errors as ConfigError naming file and JSON path, before anything runs or is written; `out_dir`
// must be new, empty, or a previous validate output with `overwrite` (sim::RunDirectory).
sim::Json run_validate(const std::string& config_file, const std::string& out_dir, bool quiet, bool overwrite = false);

// The comparison of two experiments::make_summary() results: per task and overall, p50 / p99
// latency, throughput, SLO violation rate; and peak memory. Errors are (predicted - measured) /
// measured in percent; violation rates get an absolute difference in percentage points.
sim::Json compare_summaries(const sim::Json& predicted, const sim::Json& measured);
std::string format_comparison(const sim::Json& comparison);

}  // namespace live
