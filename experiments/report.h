// Turning a RunResult into what a user reads: summary.json, result tables, a Perfetto trace,
// and a console table.
#pragma once

#include <string>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/simulation.h"
#include "sim/config.h"
#include "sim/table.h"

namespace experiments {

// Scalars only; identical for identical (config, seed), so it can be diffed across runs.
sim::Json make_summary(const Experiment& e, const RunResult& r);
// "requests" and (if recorded) "processor_intervals".
std::vector<sim::Table> make_tables(const Experiment& e, const RunResult& r);
void write_trace(const Experiment& e, const RunResult& r, const std::string& path);
// A fixed-width table of per-task results for the terminal.
std::string format_summary_table(const sim::Json& summary);

// Checks `out_dir` (sim::RunDirectory: new, empty, or a previous run output with `overwrite`)
// before simulating, runs the experiment and writes the run directory atomically. Tables stream
// to the sinks in chunks of `chunk_rows` rows as requests end, so memory does not grow with the
// run's length (only the requests the trace shows are kept). Returns the summary.
sim::Json run_experiment(const Experiment& e, const std::string& out_dir, bool quiet, bool overwrite = false,
                         std::size_t chunk_rows = 65536);

}  // namespace experiments
