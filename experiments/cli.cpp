#include "experiments/cli.h"

#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "sim/config.h"

namespace po = boost::program_options;

namespace experiments {

std::map<std::string, Command>& commands() {
  static std::map<std::string, Command> all;
  return all;
}

bool parse_options(const std::vector<std::string>& args, const po::options_description& desc,
                   const po::positional_options_description& pos, po::variables_map& vm, const std::string& usage) {
  po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

int run_config_out_command(const std::vector<std::string>& args, const std::string& what, const std::string& usage,
                           const std::function<void(const std::string&, const std::string&, bool, bool)>& run) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(),
                                                 (what + " config (JSON)").c_str())(
      "out,o", po::value<std::string>()->required(), "output directory (must not exist yet)")(
      "overwrite", po::bool_switch(),
      ("let --out replace a previous " + what + " directory (never anything else)").c_str())(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm, usage)) return 0;
  run(vm["config"].as<std::string>(), vm["out"].as<std::string>(), vm["quiet"].as<bool>(), vm["overwrite"].as<bool>());
  return 0;
}

namespace {
void print_help(std::ostream& out) {
  out << "stitchsim " << STITCHSIM_VERSION
      << " - simulate many DNNs at once on a heterogeneous edge SoC\n\nusage: stitchsim <command> [options]\n\ncommands:\n";
  for (const auto& [name, c] : commands()) out << fmt::format("  {:<28} {}\n", c.usage, c.summary);
  out << "\nRun 'stitchsim <command> --help' for the options of a command.\n";
}
}  // namespace

int cli_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_help(std::cerr);
    return kBadInput;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help(std::cout);
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << "stitchsim " << STITCHSIM_VERSION << "\n";
    return 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  auto it = commands().find(cmd);
  if (it == commands().end()) {
    std::vector<std::string> names;
    for (const auto& [n, c] : commands()) names.push_back(n);
    std::cerr << fmt::format("error: unknown command '{}' (commands: {}; see stitchsim --help)\n", cmd,
                             fmt::join(names, ", "));
    return kBadInput;
  }
  try {
    return it->second.run(args);
  } catch (const sim::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const sim::TimeOverflow& e) {
    // Only inputs make times this large: a latency, duration or arrival time far too big.
    std::cerr << fmt::format("error: {}: a latency, duration or arrival time in the inputs is too large\n", e.what());
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
