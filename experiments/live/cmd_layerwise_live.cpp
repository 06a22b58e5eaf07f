// `stitchsim layerwise-live CONFIG --out DIR`: predicted vs measured makespan of a small batch
// under the layer-wise model's partial and bulk modes, weights loaded from files block by block.
#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/live/layerwise_live.h"

namespace live {
namespace {

int cmd_layerwise_live(const std::vector<std::string>& args) {
  return experiments::run_config_out_command(args, "layerwise-live",
                                             "usage: stitchsim layerwise-live CONFIG --out DIR\n\n"
          "Writes the batch's networks' weights to files, profiles every block's cold load (page cache dropped\n"
          "with posix_fadvise) and execution (oneDNN), then runs the batch for real in bulk mode (one thread)\n"
          "and partial mode (EdgeCaffe's per-layer DAG on `workers` threads) and predicts both with the\n"
          "`layerwise` execution model from the per-block profile. Writes DIR/summary.json and DIR/blocks.csv.",
                                             run_layerwise_live);
}

const experiments::CommandRegistration kRegistration{
    {"layerwise-live", "layerwise-live CONFIG --out DIR",
     "measure the overlap of per-layer loading and execution on this machine against the layerwise model",
     cmd_layerwise_live}};

}  // namespace
}  // namespace live
