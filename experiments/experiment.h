// An experiment: everything one simulation run needs, read and validated from a config file.
//
// load_experiment() reads the config, applies --set overrides and a --seed override, builds
// every named implementation through its registry, and checks the tasks against the profile and
// the platform. Any problem is one ConfigError naming the file and the JSON path, raised before
// anything is written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw-models/execution_model.h"
#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "policies/preloader.h"
#include "policies/scheduler.h"
#include "policies/variant_selector.h"
#include "sim/config.h"
#include "sim/params.h"
#include "sim/registry.h"
#include "workloads/arrival.h"
#include "workloads/slo.h"

namespace experiments {

struct TaskConfig {
  std::string name;
  std::string model_name;
  int model = 0;    // index into the profile's models
  int variant = 0;  // the configured (default) variant
  workloads::Slo slo;
  std::int64_t max_requests = 0;  // 0: unlimited within the duration
  sim::ConfigNode arrival_node;   // built per run (arrival processes hold state)
  sim::Time start;                // first possible arrival (tasks may join one after another)
  double rate_rps = 0;            // the arrival process's mean rate
  int set = -1;                   // index into Experiment::arrival_sets when the task arrives in a set
};

// A set of tasks whose requests arrive together, sharing one input (EdgeCaffe's arrivals: one
// arrival is a set of networks). Its tasks have no arrival of their own.
struct ArrivalSetConfig {
  std::string name;
  std::vector<int> tasks;         // task indices, in the order their requests arrive
  bool has_arrival = false;       // false: (gated sets only) the next set arrives the moment all is idle
  sim::ConfigNode arrival_node;   // the set's arrival process
  bool gated = false;             // the next set arrives only once no request is outstanding
  int draw = 0;                   // > 0: each arrival draws this many tasks (with replacement) from `tasks`
  std::int64_t max_sets = 0;      // 0: unlimited within the duration
  sim::Time start;
  // Verbatim replay of an EdgeCaffe arrival list (workloads/edgecaffe_arrivals.h): per arrival,
  // the gap since the previous one and the tasks (indices) that arrive. Non-empty replaces
  // `arrival` and `draw`; a gated replay waits for the gap and for an idle system.
  struct Listed {
    sim::Time gap;
    std::vector<int> tasks;
  };
  std::vector<Listed> replay;
};

struct OutputConfig {
  bool trace = true;
  std::int64_t trace_max_requests = 2000;  // trace only the first N requests' intervals
  bool intervals = true;                   // per-processor busy intervals in the tables
  // Why each scheduling decision was made (the `decisions` table), at most this many rows
  // (0: off, the default).
  std::int64_t decisions_max_rows = 0;
  std::vector<sim::ConfigNode> sinks;      // result sinks for tables
};

struct Experiment {
  std::string file;
  std::string base_dir;  // relative paths in the config resolve against this
  std::string name;
  std::uint64_t seed = 1;
  sim::Time duration;  // arrivals stop here; in-flight requests then run to completion
  hw::Platform platform;
  std::shared_ptr<const hw::Profile> profile;
  // The run's components, validated once here and built once per run.
  sim::Component<hw::LatencyModel> latency;
  sim::Component<policies::Scheduler> scheduler;
  sim::Component<policies::VariantSelector> selector;
  sim::Component<policies::Preloader> preloader;
  sim::Component<hw::ExecutionModel> execution;
  // Conversion cost at a boundary between subgraphs of different precision, used when the
  // profile has no boundary cost for that pair.
  double precision_change_ms = 0.15;
  std::vector<TaskConfig> tasks;
  std::vector<workloads::SloChange> slo_changes;
  std::vector<ArrivalSetConfig> arrival_sets;
  OutputConfig outputs;
  sim::Json resolved;  // the whole config with every default filled in
};

// The top-level keys of an experiment config, declared like a component's parameters (name,
// type, default, unit, help): they validate the config, fill config.resolved.json and are listed
// by `stitchsim list experiment`.
const std::vector<sim::ParamSpec>& experiment_params();

// `overrides` are "key.path=value" strings (the CLI's --set).
Experiment load_experiment(const std::string& file, const std::vector<std::string>& overrides = {},
                           std::optional<std::uint64_t> seed = std::nullopt);
// Same, from an already-parsed config whose relative paths resolve against `base_dir`; `json_path`
// is where the config sits in `file` (an inline experiment: "$.experiment"), so errors name it.
Experiment load_experiment_json(const sim::Json& config, const std::string& file, const std::string& base_dir,
                                const std::string& json_path = "$");

}  // namespace experiments
