// Sweeps: the cross product of configuration axes, run in parallel and resumably.
//
// A sweep file names a base experiment config and a list of axes. An axis either sets one config
// key to each of several values ({"key": "scheduler.name", "values": [...]}) or applies one of
// several named override sets ({"name": "slo", "values": {"C1": {"k": v, ...}, ...}}). Runs are
// numbered in row-major order of the axes, which fixes the order of the results table whatever
// the number of threads or MPI ranks.
//
// Axis values keep the order of the sweep file (named override sets included).
//
// With "capacity": {"target": 0.05, "low": 0.05, "high": 20, "tolerance": 0.01} (each optional),
// a cell is a capacity search rather than one run; its metrics are capacity_metric_names().
//
// Durability: every finished run is appended (one JSON line, flushed) to
// DIR/progress/rank-R.jsonl before the next one starts. Rerunning the same sweep on the same
// DIR skips finished runs; a torn last line from a kill is cut off before the next append (see
// sweep_dir.h) and that run is redone. DIR's marker records the spec hash, so a rerun with
// another spec refuses instead of mixing old rows into new results.
// results.h5 / results.csv are written, atomically, once every run is done.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.h"

namespace experiments {

struct SweepAxis {
  std::string name;                      // column name in the results table
  std::string key;                       // the config key of a {"key": ...} axis; empty for named sets
  std::vector<std::string> labels;       // one per value, for the table
  std::vector<std::vector<std::pair<std::string, sim::Json>>> overrides;  // per value: key -> value
};

// A sweep whose cells are capacity searches ("capacity": {...} in the sweep file): each cell
// bisects for its largest rate meeting the target (capacity.h) instead of running once. The
// searches are independent, so they run in parallel like plain runs; each search is sequential.
struct CapacitySpec {
  double target = 0.05;     // largest acceptable SLO violation rate
  double low = 0.05;        // scale bracket
  double high = 20.0;
  double tolerance = 0.01;  // stop when high/low < 1 + tolerance
};

// The metrics of a capacity cell (what "metrics" may name in such a sweep).
const std::vector<std::string>& capacity_metric_names();

struct SweepSpec {
  std::string file;
  std::string base_config;  // absolute or relative to the sweep file
  std::vector<SweepAxis> axes;
  std::vector<std::string> metrics;  // summary paths to keep ("overall.slo_violation_rate"); empty = all scalars
  std::optional<CapacitySpec> capacity;  // set: every cell is a capacity search
  std::size_t run_count() const;
  // Axis value index of each axis for run `index`.
  std::vector<std::size_t> coordinates(std::size_t index) const;
};

SweepSpec read_sweep(const std::string& file);

// What validate_sweep() checked, for the runs.
struct SweepPlan {
  sim::Json base;         // the base config
  std::string base_dir;   // its relative paths resolve here
  std::string spec_hash;  // 16 hex digits over the sweep file and the base config
};

// Validates the whole sweep before anything is created or printed: the base config with every
// axis value applied on its own (an error names the sweep file's axis and value, and what the
// base config reader said), and every metric against the summary of each such config. Throws
// ConfigError.
SweepPlan validate_sweep(const SweepSpec& spec);

struct SweepOptions {
  std::string out_dir;
  int threads = 0;          // 0: OpenMP default
  int rank = 0, ranks = 1;  // MPI position (1 rank without MPI)
  bool progress = true;
  // Set from a signal handler: workers finish their current run and stop.
  std::atomic<bool>* interrupted = nullptr;
  // Runs already finished (from read_progress). Read by the caller before any rank starts
  // writing, so that every rank computes the same list of pending runs.
  std::vector<std::size_t> done;
};

struct SweepRow {
  std::size_t index = 0;
  sim::Json values;  // {"axis": label, ..., "metric": number, ...}
};

// Runs the runs of this rank that are not yet done. Returns this rank's newly finished rows.
// Call validate_sweep() first; a ConfigError that still arises in a run (a combination of axis
// values that is bad only together) is rethrown as it is.
std::vector<SweepRow> run_sweep_rank(const SweepSpec& spec, const SweepPlan& plan, const SweepOptions& options);

// Reads every progress file in DIR/progress; rows sorted by index, duplicates removed; lines that
// are torn or malformed, or name a run index >= run_count, are skipped (those runs are redone).
std::vector<SweepRow> read_progress(const std::string& out_dir, std::size_t run_count);

// Writes results.h5 and results.csv (plus sweep.json, the spec as run) into out_dir atomically,
// from complete rows sorted by index.
void write_sweep_results(const SweepSpec& spec, const std::vector<SweepRow>& rows, const std::string& out_dir);

// Applies the overrides of run `index` to the base config.
sim::Json config_for_run(const SweepSpec& spec, const sim::Json& base, std::size_t index);

}  // namespace experiments
