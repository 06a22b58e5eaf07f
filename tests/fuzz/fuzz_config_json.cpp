// Experiment configs: the bounded JSON reader, then the whole experiment loader (tasks, platform,
// policies, SLO changes, outputs) against the shipped example profile and platforms.
#include "experiments/experiment.h"
#include "fuzz_common.h"
#include "sim/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_only_bad_input([&] {
    sim::Json config = sim::parse_json_text(fuzz::text(data, size), "<fuzz>");
    experiments::load_experiment_json(config, "<fuzz>", STITCHSIM_SOURCE_DIR "/experiments/configs");
  });
  return 0;
}
