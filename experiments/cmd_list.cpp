// `stitchsim list [KIND]`: every registered implementation with its declared parameters.
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/experiment.h"
#include "sim/registry.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

int cmd_list(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("kind", po::value<std::string>(), "only this extension point");
  po::positional_options_description pos;
  pos.add("kind", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim list [KIND]\n\nLists registered implementations by extension point.")) {
    return 0;
  }
  const auto& index = sim::RegistryIndex::all();
  auto print_param = [](const sim::ParamSpec& p) {
    std::string def = p.required() ? "required" : "default " + p.default_value.dump();
    std::string unit = p.unit.empty() ? "" : fmt::format(" [{}]", p.unit);
    fmt::print("      {:<22} {:<8} {}{} ({})\n", p.name, sim::to_string(p.type), p.help, unit, def);
  };
  bool only = vm.count("kind") > 0;
  if (!only || vm["kind"].as<std::string>() == "experiment") {
    fmt::print("experiment:\n  {:<28} {}\n", "(top-level config keys)", "an experiment config file");
    for (const auto& p : experiment_params()) print_param(p);
    fmt::print("\n");
    if (only) return 0;
  }
  if (vm.count("kind") && !index.count(vm["kind"].as<std::string>())) {
    std::vector<std::string> kinds{"experiment"};
    for (const auto& [k, l] : index) kinds.push_back(k);
    std::cerr << fmt::format("error: unknown kind '{}' (valid: {})\n", vm["kind"].as<std::string>(),
                             fmt::join(kinds, ", "));
    return kBadInput;
  }
  for (const auto& [kind, lister] : index) {
    if (vm.count("kind") && kind != vm["kind"].as<std::string>()) continue;
    fmt::print("{}:\n", kind);
    for (const auto& info : lister()) {
      fmt::print("  {:<28} {}\n", info.name, info.help);
      for (const auto& p : info.params) print_param(p);
    }
    fmt::print("\n");
  }
  return 0;
}

const CommandRegistration kRegistration{
    {"list", "list [KIND]", "list every registered implementation and its parameters", cmd_list}};

}  // namespace
}  // namespace experiments
