// `stitchsim sweep SWEEP.json --out DIR`: every combination of the sweep's axes, in parallel
// with OpenMP threads and, under mpirun, across MPI ranks; resumable after a kill.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/mpi_world.h"
#include "experiments/sweep.h"
#include "experiments/sweep_dir.h"
#include "sim/run_directory.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted = true; }

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("sweep", po::value<std::string>()->required(), "sweep file (JSON)")(
      "out,o", po::value<std::string>()->required(), "output directory (new, or a sweep of the same spec to resume)")(
      "overwrite", po::bool_switch(), "discard the progress of a sweep of another spec in DIR and start over")(
      "threads,j", po::value<int>()->default_value(0), "OpenMP threads per process (0: all cores)")(
      "quiet,q", po::bool_switch(), "no progress bar");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim sweep SWEEP.json --out DIR [--threads N]\n"
                     "       mpirun -np N stitchsim sweep SWEEP.json --out DIR\n\n"
                     "Runs the cross product of the sweep's axes over its base experiment and writes one row per\n"
                     "run to DIR/results.h5 (table 'runs') and DIR/results.csv, ordered by run index whatever the\n"
                     "thread or rank count. Finished runs are kept in DIR/progress/ as they complete: after a\n"
                     "kill, rerun the same command to finish the rest. A rerun whose sweep file or base config\n"
                     "changed refuses, unless --overwrite says to start over. Everything (every axis value, every\n"
                     "metric, DIR) is checked before DIR is created.\n\n"
                     "Sweep file: {\"base\": \"experiment.json\", \"axes\": [\n"
                     "  {\"key\": \"scheduler.name\", \"values\": [\"round_robin\", \"least_slack_time_first\"]},\n"
                     "  {\"name\": \"load\", \"values\": {\"low\": {\"tasks.0.arrival.rate_rps\": 5}, \"high\": {...}}},\n"
                     "  {\"key\": \"seed\", \"values\": [1, 2, 3]}],\n"
                     " \"metrics\": [\"overall.slo_violation_rate\"]}   (metrics: optional, default all)\n\n"
                     "Capacity sweep: add \"capacity\": {\"target\": 0.05, \"low\": 0.05, \"high\": 20, \"tolerance\": 0.01}\n"
                     "(each optional) and every cell is a capacity search (as `stitchsim capacity`) instead of one\n"
                     "run, the searches running in parallel; metrics: capacity_rps, capacity_scale, probes,\n"
                     "slo_violation_rate_at_capacity, throughput_rps_at_capacity.")) {
    return 0;
  }
  MpiWorld& world = MpiWorld::get();
  // Everything is checked, on every rank, before anything is created or printed.
  SweepSpec spec = read_sweep(vm["sweep"].as<std::string>());
  SweepPlan plan = validate_sweep(spec);
  std::string out = vm["out"].as<std::string>();
  SweepDirState state = check_sweep_dir(out, plan.spec_hash, vm["overwrite"].as<bool>());
  world.barrier();
  if (world.rank() == 0) prepare_sweep_dir(out, plan.spec_hash, state);
  world.barrier();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  SweepOptions opt;
  opt.out_dir = out;
  opt.threads = vm["threads"].as<int>();
  opt.rank = world.rank();
  opt.ranks = world.size();
  opt.progress = !vm["quiet"].as<bool>();
  opt.interrupted = &g_interrupted;
  // Every rank reads the progress files before any rank appends to them, so all ranks agree
  // on what is left.
  std::vector<SweepRow> previous = read_progress(out, spec.run_count());
  if (world.rank() == 0 && opt.progress) {
    std::cerr << fmt::format("[sweep] {} runs ({} axes) over {}, {} rank(s), {} already done\n", spec.run_count(),
                             spec.axes.size(), spec.base_config, world.size(), previous.size());
  }
  for (const auto& r : previous) opt.done.push_back(r.index);
  world.barrier();
  std::vector<SweepRow> mine;
  std::string failure;
  try {
    mine = run_sweep_rank(spec, plan, opt);
  } catch (const sim::ConfigError&) {
    throw;
  } catch (const sim::TimeOverflow&) {
    throw;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  bool interrupted = world.any(g_interrupted.load());
  bool failed = world.any(!failure.empty());
  // Rank 0 merges what every rank knows: rows from earlier invocations plus this one's.
  std::string lines;
  for (const auto& r : previous) lines += sim::Json{{"index", r.index}, {"values", r.values}}.dump() + "\n";
  for (const auto& r : mine) lines += sim::Json{{"index", r.index}, {"values", r.values}}.dump() + "\n";
  auto gathered = world.gather(lines);
  if (!failure.empty()) std::cerr << fmt::format("error: rank {}: {}\n", world.rank(), failure);
  if (world.rank() != 0) return failed ? 1 : (interrupted ? 130 : 0);

  std::map<std::size_t, sim::Json> merged;
  for (const auto& chunk : gathered) {
    std::size_t start = 0;
    while (start < chunk.size()) {
      std::size_t end = chunk.find('\n', start);
      auto j = sim::Json::parse(chunk.substr(start, end - start));
      merged.emplace(j["index"].get<std::size_t>(), j["values"]);
      start = end + 1;
    }
  }
  if (failed) return 1;
  if (interrupted || merged.size() < spec.run_count()) {
    std::cerr << fmt::format("[sweep] interrupted: {}/{} runs done and kept in {}/progress; rerun the same command "
                             "to finish\n",
                             merged.size(), spec.run_count(), out);
    return 130;
  }
  std::vector<SweepRow> rows;
  for (auto& [i, v] : merged) rows.push_back({i, std::move(v)});
  write_sweep_results(spec, rows, out);
  sim::write_json_file(out + "/sweep.json", sim::read_json_file(spec.file));
  if (opt.progress) std::cerr << fmt::format("[sweep] done: {} runs in {}/results.h5 and results.csv\n", rows.size(), out);
  return 0;
}

const CommandRegistration kRegistration{
    {"sweep", "sweep SWEEP.json --out DIR", "run every combination of config axes (OpenMP, MPI), resumable",
     cmd_sweep}};

}  // namespace
}  // namespace experiments
