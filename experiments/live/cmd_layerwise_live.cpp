// `stitchsim layerwise-live CONFIG --out DIR`: predicted vs measured makespan of a small batch
// under the layer-wise model's partial and bulk modes, weights loaded from files block by block.
#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/live/layerwise_live.h"

namespace po = boost::program_options;

namespace live {
namespace {

int cmd_layerwise_live(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "layerwise-live config (JSON)")(
      "out,o", po::value<std::string>()->required(), "output directory (must not exist yet)")(
      "overwrite", po::bool_switch(), "let --out replace a previous layerwise-live directory (never anything else)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!experiments::parse_options(
          args, desc, pos, vm,
          "usage: stitchsim layerwise-live CONFIG --out DIR\n\n"
          "Writes the batch's networks' weights to files, profiles every block's cold load (page cache dropped\n"
          "with posix_fadvise) and execution (oneDNN), then runs the batch for real in bulk mode (one thread)\n"
          "and partial mode (EdgeCaffe's per-layer DAG on `workers` threads) and predicts both with the\n"
          "`layerwise` execution model from the per-block profile. Writes DIR/summary.json and DIR/blocks.csv.")) {
    return 0;
  }
  run_layerwise_live(vm["config"].as<std::string>(), vm["out"].as<std::string>(), vm["quiet"].as<bool>(),
                     vm["overwrite"].as<bool>());
  return 0;
}

const experiments::CommandRegistration kRegistration{
    {"layerwise-live", "layerwise-live CONFIG --out DIR",
     "measure the overlap of per-layer loading and execution on this machine against the layerwise model",
     cmd_layerwise_live}};

}  // namespace
}  // namespace live
