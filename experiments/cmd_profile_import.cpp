// `stitchsim profile import SOURCE [--data DIR] [--out FILE]`: converts the public measurement
// data into one of the project's profiles and reports rejected rows and substitutions.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/profile_command.h"
#include "hw-models/profile_check.h"
#include "hw-models/import/profile_import.h"
#include "sim/output_path.h"

namespace po = boost::program_options;

namespace experiments {
namespace {

int cmd_import(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("source", po::value<std::string>()->required(),
                                                   "sm8550, rk3588, edgecaffe or core_ultra")(
      "data", po::value<std::string>()->default_value("../shared/data"), "root of the shared measurement data")(
      "out,o", po::value<std::string>(), "profile to write, .h5 or .json (default hw-models/profiles/<source>.h5)")(
      "overwrite", po::bool_switch(), "let --out replace an existing file")(
      "quiet,q", po::bool_switch(), "print nothing but errors");
  po::positional_options_description pos;
  pos.add("source", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim profile import SOURCE [--data DIR] [--out FILE]\n\n"
                     "Converts public measurements into a profile: sm8550 (Snapdragon 8 Gen 2: ncnn CPU/GPU + ai-hub-models\n"
                     "S23 NPU), rk3588 (ncnn CPU/GPU + rknn_model_zoo NPU), edgecaffe (layer-wise times on an ARM board),\n"
                     "core_ultra (Core Ultra 7 165H CPU/iGPU/NPU from the OpenVINO 2024.3 benchmark table).\n"
                     "Re-running reproduces the file byte for byte.")) {
    return 0;
  }
  std::string source = vm["source"].as<std::string>();
  std::string data = vm["data"].as<std::string>();
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : "hw-models/profiles/" + source + ".h5";
  sim::check_output_file(out, vm["overwrite"].as<bool>());
  hw::import::Report report;
  hw::Profile p;
  if (source == "sm8550") p = hw::import::import_sm8550(data, report);
  else if (source == "rk3588") p = hw::import::import_rk3588(data, report);
  else if (source == "edgecaffe") p = hw::import::import_edgecaffe(data, report);
  else if (source == "core_ultra") p = hw::import::import_core_ultra(data, report);
  else throw po::validation_error(po::validation_error::invalid_option_value, "source", source);
  std::string ext = std::filesystem::path(out).extension().string();
  if (ext == ".h5") hw::write_profile_h5(p, out);
  else if (ext == ".json") hw::write_profile_json(p, out);
  else throw sim::ConfigError(out, "", "output must end in .h5 or .json");
  // Read back through the one reader, so a converter bug cannot ship an unreadable profile.
  hw::Profile back = hw::read_profile(out);
  auto problems = hw::check_profile(back);
  for (const auto& pr : problems) std::cerr << fmt::format("error: {}: {}: {}\n", out, pr.path, pr.message);
  if (!vm["quiet"].as<bool>()) {
    fmt::print("wrote {} ({} models, {} processors)\n", out, back.models.size(), back.processors.size());
    fmt::print("rows used: {}\n", report.accepted);
    int rejected = 0;
    for (const auto& [why, n] : report.rejected) rejected += n;
    fmt::print("rows rejected: {}\n", rejected);
    for (const auto& [why, n] : report.rejected) fmt::print("  {:>4}  {}\n", n, why);
    auto counts = hw::count_provenance(back);
    fmt::print("values: measured {}, derived {}, estimated {}\n", counts["measured"], counts["derived"], counts["estimated"]);
    for (const auto& n : report.notes) fmt::print("note: {}\n", n);
    for (const auto& s : report.substitutions) fmt::print("substitution: {}\n", s);
  }
  return problems.empty() ? 0 : kBadInput;
}

const ProfileSubcommandRegistration kImport{
    {"import", "profile import SOURCE [--data DIR] [--out FILE]",
     "convert public measurements (sm8550, rk3588, edgecaffe, core_ultra) into a profile", cmd_import}};

}  // namespace
}  // namespace experiments
