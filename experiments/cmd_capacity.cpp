// `stitchsim capacity CONFIG`: the largest total request rate meeting a violation-rate target.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "experiments/capacity.h"
#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "sim/output_path.h"
#include "sim/run_directory.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

int cmd_capacity(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "experiment config")(
      "target", po::value<double>()->default_value(0.05), "largest acceptable SLO violation rate (0..1)")(
      "low", po::value<double>()->default_value(0.05), "lowest rate scale to try")(
      "high", po::value<double>()->default_value(20.0), "highest rate scale to try")(
      "tolerance", po::value<double>()->default_value(0.01), "stop when high/low < 1 + tolerance")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a config value (as in run)")(
      "out,o", po::value<std::string>(), "write the probes as JSON to this file (a new file)")(
      "overwrite", po::bool_switch(), "let --out replace an existing file");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim capacity CONFIG [--target 0.05] [--set key=value]... [--out FILE]\n\n"
                     "Scales every task's arrival rate by one factor and bisects (geometrically) for the largest\n"
                     "factor whose SLO violation rate stays at or under the target.")) {
    return 0;
  }
  double target = vm["target"].as<double>(), low = vm["low"].as<double>(), high = vm["high"].as<double>();
  if (!(target >= 0 && target <= 1)) throw po::error("--target must be in [0, 1]");
  if (!(low > 0 && high > low && high < 1e12)) throw po::error("need 0 < --low < --high < 1e12");
  double tolerance = vm["tolerance"].as<double>();
  // Each bisection step halves log(high/low); a tolerance of 0 would never end.
  if (!(tolerance >= 1e-9 && tolerance <= 1e3)) throw po::error("--tolerance must be in [1e-9, 1000]");
  if (vm.count("out")) sim::check_output_file(vm["out"].as<std::string>(), vm["overwrite"].as<bool>());
  std::string file = vm["config"].as<std::string>();
  sim::Json config = sim::read_json_file(file);
  if (vm.count("set"))
    for (const auto& o : vm["set"].as<std::vector<std::string>>()) sim::apply_override(config, o);
  sim::ConfigNode(config, file).at("tasks").expect_array();  // before probes index into it
  std::string base = std::filesystem::path(file).parent_path().string();
  CapacityResult r = find_capacity(config, file, base.empty() ? "." : base, target, low, high,
                                   tolerance);
  fmt::print("{:>10} {:>14} {:>12} {:>14}\n", "scale", "offered r/s", "violation", "completed r/s");
  for (const auto& p : r.probes) {
    fmt::print("{:>10.4f} {:>14.2f} {:>11.2f}% {:>14.2f}\n", p.scale, p.total_rate_rps, 100 * p.violation_rate,
               p.throughput_rps);
  }
  fmt::print("\ncapacity: {:.2f} requests/s (scale {:.4f}) at violation rate <= {:.1f}%\n", r.capacity_rps, r.scale,
             100 * target);
  if (vm.count("out")) {
    sim::Json j = {{"target_violation_rate", target}, {"scale", r.scale}, {"capacity_rps", r.capacity_rps}};
    j["probes"] = sim::Json::array();
    for (const auto& p : r.probes) {
      j["probes"].push_back({{"scale", p.scale}, {"offered_rps", p.total_rate_rps},
                             {"slo_violation_rate", p.violation_rate}, {"throughput_rps", p.throughput_rps}});
    }
    sim::check_output_file(vm["out"].as<std::string>(), vm["overwrite"].as<bool>());  // again: time has passed
    sim::write_json_file(vm["out"].as<std::string>(), j);
  }
  return 0;
}

const CommandRegistration kRegistration{
    {"capacity", "capacity CONFIG", "largest request rate that meets a violation-rate target (bisection)",
     cmd_capacity}};

}  // namespace
}  // namespace experiments
