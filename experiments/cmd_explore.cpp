// `stitchsim explore CONFIG`: stitching design-space exploration, one run directory.
#include <omp.h>

#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/explore.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

std::string settings_help() {
  std::string out = "explore settings (top-level keys of an explore config):\n";
  for (const auto& s : explore_params()) {
    out += fmt::format("  {:<22} {} (default {}{}{})\n", s.name, s.help, s.default_value.dump(),
                       s.unit.empty() ? "" : " ", s.unit);
  }
  return out;
}

int cmd_explore(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "explore or experiment config")(
      "set", po::value<std::vector<std::string>>()->composing(), "override an explore setting: --set placement=any")(
      "out,o", po::value<std::string>(), "run directory (default: runs/<name>); must not exist yet")(
      "overwrite", po::bool_switch(), "let --out replace a previous explore directory (never anything else)")(
      "threads", po::value<int>(), "OpenMP threads (default: OMP_NUM_THREADS or all cores); results do not depend on it")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim explore CONFIG [--set key=value]... [--out DIR] [--threads N]\n\n"
                     "For every task: enumerates stitched variants (a zoo variant per subgraph) on every allowed\n"
                     "placement, estimates unmeasured accuracies, and finds the exact Pareto frontier over\n"
                     "(accuracy up, latency down, memory down) without enumerating K^S tuples.\n\n"
                     "CONFIG is an experiment config (tasks, platform, profile), or an explore config:\n"
                     "  {\"name\": \"...\", \"experiment\": \"path/to/experiment.json\", \"tasks\": [\"image\"], <settings>}\n" +
                         settings_help() +
                         "\nWrites DIR/explore.resolved.json, summary.json (per task: frontier size, stitching gains,\n"
                         "CV errors of the estimator and the analytic baseline), frontier.json, and explore.h5 with\n"
                         "tables 'variants', 'frontier', 'zoo_frontier' and 'histogram' (accuracy x latency counts,\n"
                         "frontier cells marked). Plot: /usr/bin/python3 scripts/plot_explore.py DIR.\n"
                         "The directory appears only when the run succeeds.")) {
    return 0;
  }
  if (vm.count("threads")) {
    int n = vm["threads"].as<int>();
    if (n < 1) throw po::validation_error(po::validation_error::invalid_option_value, "threads");
    omp_set_num_threads(n);
  }
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  ExploreConfig c = load_explore(vm["config"].as<std::string>(), sets);
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : "runs/" + c.name;
  run_explore(c, out, vm["quiet"].as<bool>(), vm["overwrite"].as<bool>());
  return 0;
}

const CommandRegistration kRegistration{
    {"explore", "explore CONFIG", "stitching design-space exploration: exact frontier per task", cmd_explore}};

}  // namespace
}  // namespace experiments
