// `stitchsim validate CONFIG --out DIR`: predicted (simulated) vs measured (live) for one workload.
#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/live/validate.h"

namespace po = boost::program_options;

namespace live {
namespace {

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "validate config (JSON)")(
      "out,o", po::value<std::string>()->required(), "output directory (must not exist yet)")(
      "overwrite", po::bool_switch(), "let --out replace a previous validate directory (never anything else)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!experiments::parse_options(
          args, desc, pos, vm,
          "usage: stitchsim validate CONFIG --out DIR\n\n"
          "Runs the experiment of CONFIG twice with the same scheduler and variant selector: simulated from\n"
          "its (measured) profile, and live on this machine (oneDNN, real threads pinned to the zoo's core\n"
          "sets, real arrival times). Writes DIR/summary.json with predicted vs measured p50/p99 latency,\n"
          "throughput, SLO violation rate and peak memory per task, and DIR/simulated, DIR/live.")) {
    return 0;
  }
  run_validate(vm["config"].as<std::string>(), vm["out"].as<std::string>(), vm["quiet"].as<bool>(),
               vm["overwrite"].as<bool>());
  return 0;
}

const experiments::CommandRegistration kRegistration{
    {"validate", "validate CONFIG --out DIR", "compare simulated and live runs of one workload on this machine", cmd_validate}};

}  // namespace
}  // namespace live
