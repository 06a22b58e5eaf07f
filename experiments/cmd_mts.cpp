// `stitchsim mts CONFIG --out DIR`: weight-shared families on the GPU cost model (experiments/mts.h).
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/mts.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

int cmd_mts(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "MTS experiment config")(
      "out,o", po::value<std::string>()->required(), "output directory (speedup.csv, grouping.csv, group_size.csv, gpus.json)");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim mts CONFIG --out DIR\n\n"
                     "Builds weight-shared families (Multi-Task Zipping style), stitches them into one graph (MTS),\n"
                     "merges them with per-instance weight copies (NETFUSE), prices sequential, concurrent-streams,\n"
                     "NETFUSE and MTS execution on the GPU cost model of each GPU file, compares grouping strategies\n"
                     "and sweeps the group size. Modelled, not measured: see the GPU files' provenance.")) {
    return 0;
  }
  mts::Config c = mts::load_config(vm["config"].as<std::string>());
  for (const auto& line : mts::run(c, vm["out"].as<std::string>())) fmt::print("{}\n", line);
  return 0;
}

const CommandRegistration kRegistration{
    {"mts", "mts CONFIG --out DIR", "weight-shared families stitched (MTS) vs sequential, streams, NETFUSE; grouping", cmd_mts}};

}  // namespace
}  // namespace experiments
