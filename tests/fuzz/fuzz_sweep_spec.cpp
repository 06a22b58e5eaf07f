// Sweep specs: read_sweep and validate_sweep (every axis value applied to the base config, every
// metric checked) for a spec file whose base is the shipped default experiment.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "experiments/sweep.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The spec is read from a file, so each input is written to a private file beside a copy of
  // the base config (relative "base" paths resolve there).
  static const std::string dir = [] {
    std::string d = std::filesystem::temp_directory_path() / ("stitchsim-fuzz-sweep-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    sim::Json base = sim::read_json_file(STITCHSIM_SOURCE_DIR "/experiments/configs/default.json");
    std::string cfg = STITCHSIM_SOURCE_DIR "/experiments/configs/";
    base["platform"] = cfg + base["platform"].get<std::string>();
    base["profile"] = cfg + base["profile"].get<std::string>();
    std::ofstream(d + "/base.json") << base.dump();
    return d;
  }();
  std::string file = dir + "/sweep.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fuzz::expect_only_bad_input([&] {
    experiments::SweepSpec spec = experiments::read_sweep(file);
    experiments::validate_sweep(spec);
  });
  return 0;
}
