// `stitchsim validate CONFIG --out DIR`: predicted (simulated) vs measured (live) for one workload.
#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/live/validate.h"

namespace live {
namespace {

int cmd_validate(const std::vector<std::string>& args) {
  return experiments::run_config_out_command(args, "validate",
                                             "usage: stitchsim validate CONFIG --out DIR\n\n"
          "Runs the experiment of CONFIG twice with the same scheduler and variant selector: simulated from\n"
          "its (measured) profile, and live on this machine (oneDNN, real threads pinned to the zoo's core\n"
          "sets, real arrival times). Writes DIR/summary.json with predicted vs measured p50/p99 latency,\n"
          "throughput, SLO violation rate and peak memory per task, and DIR/simulated, DIR/live.",
                                             run_validate);
}

const experiments::CommandRegistration kRegistration{
    {"validate", "validate CONFIG --out DIR", "compare simulated and live runs of one workload on this machine", cmd_validate}};

}  // namespace
}  // namespace live
