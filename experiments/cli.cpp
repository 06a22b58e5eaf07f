#include "experiments/cli.h"

#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "sim/registry.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

constexpr int kBadInput = 2;

const char* kTopHelp = R"(stitchsim - simulate many DNNs at once on a heterogeneous edge SoC

usage: stitchsim <command> [options]

commands:
  run CONFIG      run one experiment and write a run directory
  list [KIND]     list every registered implementation and its parameters

Run 'stitchsim <command> --help' for the options of a command.
)";

// Parses `args` with `desc` (+ positional names); prints help and returns false when asked.
bool parse(const std::vector<std::string>& args, const po::options_description& desc,
           const po::positional_options_description& pos, po::variables_map& vm, const std::string& usage) {
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                   "experiment config (JSON)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a config value: --set scheduler.name=round_robin --set tasks.0.arrival.rate_rps=30")(
      "out,o", po::value<std::string>(), "run directory (default: runs/<experiment name>)")(
      "seed", po::value<std::uint64_t>(), "master seed (overrides the config's seed)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse(args, desc, pos, vm,
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
  run_experiment(e, out, vm["quiet"].as<bool>());
  return 0;
}

int cmd_list(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("kind", po::value<std::string>(), "only this extension point");
  po::positional_options_description pos;
  pos.add("kind", 1);
  po::variables_map vm;
  if (!parse(args, desc, pos, vm, "usage: stitchsim list [KIND]\n\nLists registered implementations by extension point.")) {
    return 0;
  }
  const auto& index = sim::RegistryIndex::all();
  if (vm.count("kind") && !index.count(vm["kind"].as<std::string>())) {
    std::vector<std::string> kinds;
    for (const auto& [k, l] : index) kinds.push_back(k);
    std::cerr << fmt::format("error: unknown kind '{}' (valid: {})\n", vm["kind"].as<std::string>(), fmt::join(kinds, ", "));
    return kBadInput;
  }
  for (const auto& [kind, lister] : index) {
    if (vm.count("kind") && kind != vm["kind"].as<std::string>()) continue;
    fmt::print("{}:\n", kind);
    for (const auto& info : lister()) {
      fmt::print("  {:<28} {}\n", info.name, info.help);
      for (const auto& p : info.params) {
        std::string def = p.required() ? "required" : "default " + p.default_value.dump();
        std::string unit = p.unit.empty() ? "" : fmt::format(" [{}]", p.unit);
        fmt::print("      {:<22} {:<8} {}{} ({})\n", p.name, sim::to_string(p.type), p.help, unit, def);
      }
    }
    fmt::print("\n");
  }
  return 0;
}

int cli_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kTopHelp;
    return args.empty() ? kBadInput : 0;
  }
  if (args[0] == "--version") {
    std::cout << "stitchsim " << STITCHSIM_VERSION << "\n";
    return 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "run") return cmd_run(args);
    if (cmd == "list") return cmd_list(args);
    std::cerr << fmt::format("error: unknown command '{}' (commands: run, list; see stitchsim --help)\n", cmd);
    return kBadInput;
  } catch (const sim::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const po::error& e) {
    std::cerr << fmt::format("error: stitchsim {}: {} (see stitchsim {} --help)\n", cmd, e.what(), cmd);
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace experiments
