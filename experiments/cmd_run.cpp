// `stitchsim run CONFIG`: one simulation, one run directory.
#include <iostream>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/experiment.h"
#include "experiments/report.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                   "experiment config (JSON)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a config value: --set scheduler.name=round_robin --set tasks.0.arrival.rate_rps=30")(
      "out,o", po::value<std::string>(), "run directory (default: runs/<experiment name>); must not exist yet")(
      "overwrite", po::bool_switch(), "let --out replace a previous run directory (never anything else)")(
      "seed", po::value<std::uint64_t>(), "master seed (overrides the config's seed)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim run CONFIG [--set key=value]... [--out DIR] [--seed N]\n\n"
                     "Simulates the experiment and writes DIR/config.resolved.json, summary.json, results.h5\n"
                     "(tables 'requests' and 'processor_intervals') and trace.json (open in ui.perfetto.dev).\n"
                     "The run directory appears only when the run succeeds.")) {
    return 0;
  }
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  std::optional<std::uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<std::uint64_t>();
  Experiment e = load_experiment(vm["config"].as<std::string>(), sets, seed);
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : "runs/" + e.name;
  run_experiment(e, out, vm["quiet"].as<bool>(), vm["overwrite"].as<bool>());
  return 0;
}

const CommandRegistration kRegistration{
    {"run", "run CONFIG", "run one experiment and write a run directory", cmd_run}};

}  // namespace
}  // namespace experiments
