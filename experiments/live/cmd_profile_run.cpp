// `stitchsim profile run --backend onednn CONFIG --out PROFILE.h5`: measures a live zoo on this
// machine and writes a profile (HDF5 for .h5, JSON for .json). The file appears only when the
// whole measurement succeeded.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/profile_command.h"
#include "experiments/live/machine_costs.h"
#include "experiments/live/profiler.h"
#include "experiments/live/zoo.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/output_path.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace live {
namespace {

// Writes through a hidden temporary file renamed into place, so `out` is complete or absent.
template <class Write>
void write_atomically(const std::string& out, Write&& write) {
  std::string ext = fs::path(out).extension().string();
  fs::path tmp = fs::path(out).parent_path() / fs::path("." + fs::path(out).filename().string() + ".partial" + ext);
  try {
    write(tmp.string());
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void write_profile_atomically(const hw::Profile& p, const std::string& out) {
  std::string ext = fs::path(out).extension().string();
  if (ext != ".h5" && ext != ".json") {
    throw sim::ConfigError(out, "$", "the output must end in .h5 (HDF5 profile) or .json (JSON profile)");
  }
  write_atomically(out, [&](const std::string& tmp) {
    if (ext == ".h5") hw::write_profile_h5(p, tmp);
    else hw::write_profile_json(p, tmp);
  });
}

void write_json_atomically(const sim::Json& j, const std::string& out) {
  write_atomically(out, [&](const std::string& tmp) {
    std::ofstream f(tmp);
    f << j.dump(2) << "\n";
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", tmp));
  });
}

// PROFILE.h5 -> PROFILE.platform.json
std::string default_platform_out(const std::string& out) {
  fs::path p(out);
  return (p.parent_path() / (p.stem().string() + ".platform.json")).string();
}

int cmd_profile_run(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("config", po::value<std::string>()->required(), "live zoo config (JSON)")(
      "backend", po::value<std::string>()->default_value("onednn"), "execution backend (onednn)")(
      "out,o", po::value<std::string>()->required(), "profile to write (.h5 or .json; a new file)")(
      "overwrite", po::bool_switch(), "let --out and --platform-out replace existing files")(
      "platform-out", po::value<std::string>(), "platform file to write (default: PROFILE.platform.json beside the profile)")(
      "stitched-latency-samples", po::value<int>(),
      "measure the end-to-end latency of this many stitched (tuple, placement) combinations per model, drawn by the "
      "config's seed (overrides each model's stitched_latency.samples; 0: none)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!experiments::parse_options(
          args, desc, pos, vm,
          "usage: stitchsim profile run --backend onednn CONFIG --out PROFILE.h5\n\n"
          "Builds the zoo of CONFIG (models, variants, subgraph cuts) and measures on this machine, per\n"
          "(variant, subgraph, processor), the latency distribution (warm-up, repeats; every sample kept)\n"
          "and per (variant, subgraph) the memory and compile time, plus each variant's accuracy (and every\n"
          "stitched variant's, where the config asks), and the end-to-end latency of a seeded sample of stitched\n"
          "(tuple, placement) combinations (stitched_latency; --stitched-latency-samples). Processors are core sets pinned by thread affinity.\n"
          "Also measures this machine's runtime costs (dispatch and hand-off between pinned threads) and its\n"
          "cache reuse curve (how fast idle units slow down to their cold latency) into a platform file for\n"
          "simulating this machine.")) {
    return 0;
  }
  std::string backend = vm["backend"].as<std::string>();
  if (backend != "onednn") throw boost::program_options::error(fmt::format("unknown backend '{}' (backends: onednn)", backend));
  bool quiet = vm["quiet"].as<bool>();
  auto t0 = std::chrono::steady_clock::now();
  ZooConfig cfg = read_zoo_config(vm["config"].as<std::string>());
  if (vm.count("stitched-latency-samples")) {
    int n = vm["stitched-latency-samples"].as<int>();
    if (n < 0) throw sim::ConfigError("--stitched-latency-samples", "", "must not be negative");
    for (auto& m : cfg.models) m.stitched_latency.samples = n;
  }
  std::string out = vm["out"].as<std::string>();
  Zoo zoo(cfg);
  auto log = [&](const std::string& line) {
    if (!quiet) std::cerr << line << "\n";
  };
  std::string platform_out = vm.count("platform-out") ? vm["platform-out"].as<std::string>() : default_platform_out(out);
  if (fs::path(platform_out).extension() != ".json") throw sim::ConfigError(platform_out, "$", "the platform file must end in .json");
  // Folders the outputs go to exist before minutes of measuring, not after (a missing one is
  // made, as `run` makes runs/NAME; one that cannot be made is an error now).
  for (const std::string& f : {out, platform_out}) {
    fs::path dir = fs::path(f).parent_path();
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec || (!dir.empty() && !fs::is_directory(dir))) {
      throw sim::ConfigError(f, "$", fmt::format("cannot create the folder {}: {}", dir.string(), ec ? ec.message() : "not a directory"));
    }
  }
  sim::check_output_file(out, vm["overwrite"].as<bool>());
  sim::check_output_file(platform_out, vm["overwrite"].as<bool>());
  hw::Profile p = measure_profile(zoo, log);
  auto t_costs = std::chrono::steady_clock::now();
  RuntimeCosts costs = measure_runtime_costs(cfg);
  ReuseCurve curve = measure_reuse_curve(zoo);
  log(fmt::format("runtime costs and reuse curve in {:.1f} s",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t_costs).count()));
  sim::Json platform = measured_platform(cfg, curve, costs, out);
  // Both files or neither: the platform is checked by the reader before anything is written.
  hw::read_platform(sim::ConfigNode(platform, platform_out, "$"));
  write_profile_atomically(p, out);
  write_json_atomically(platform, platform_out);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet) {
    fmt::print("profiled {} models on {} processors in {:.1f} s; wrote {} and {}\n", p.models.size(), p.processors.size(), s,
               out, platform_out);
  }
  return 0;
}

const experiments::ProfileSubcommandRegistration kRegistration{
    {"run", "profile run --backend onednn CONFIG --out F", "measure a live zoo on this machine into a profile (oneDNN)",
     cmd_profile_run}};

}  // namespace
}  // namespace live
