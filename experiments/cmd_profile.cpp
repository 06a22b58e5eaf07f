// `stitchsim profile SUBCOMMAND ...`: dispatches to the subcommands registered in
// profile_command.h, and holds `profile show` and `profile check`.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/profile_command.h"
#include "hw-models/profile_check.h"

namespace po = boost::program_options;

namespace experiments {

std::map<std::string, ProfileSubcommand>& profile_subcommands() {
  static std::map<std::string, ProfileSubcommand> all;
  return all;
}

namespace {

void print_profile_help(std::ostream& out) {
  out << "usage: stitchsim profile <subcommand> [options]\n\nsubcommands:\n";
  for (const auto& [name, c] : profile_subcommands()) out << fmt::format("  {:<44} {}\n", c.usage, c.summary);
  out << "\nRun 'stitchsim profile <subcommand> --help' for its options.\n";
}

int cmd_profile(const std::vector<std::string>& args) {
  if (args.empty()) {
    print_profile_help(std::cerr);
    return kBadInput;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_profile_help(std::cout);
    return 0;
  }
  auto it = profile_subcommands().find(args[0]);
  if (it == profile_subcommands().end()) {
    std::vector<std::string> names;
    for (const auto& [n, c] : profile_subcommands()) names.push_back(n);
    std::cerr << fmt::format("error: unknown profile subcommand '{}' (subcommands: {})\n", args[0], fmt::join(names, ", "));
    return kBadInput;
  }
  return it->second.run(std::vector<std::string>(args.begin() + 1, args.end()));
}

std::string percent(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? "-" : fmt::format("{:.1f} %", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

int cmd_show(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(), "profile (.json or .h5)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim profile show FILE\n\nSummarises a profile: platform, processors, models and "
                     "variants, coverage, and the share of measured, derived and estimated values.")) {
    return 0;
  }
  hw::Profile p = hw::read_profile(vm["file"].as<std::string>());
  fmt::print("profile   {}\n", p.file);
  if (!p.description.empty()) fmt::print("about     {}\n", p.description);
  if (!p.platform.empty()) fmt::print("platform  {}\n", p.platform);
  if (p.illustrative) fmt::print("          ILLUSTRATIVE numbers (not measurements)\n");
  if (!p.license.empty()) fmt::print("license   {}\n", p.license);
  std::vector<std::string> procs;
  for (std::size_t i = 0; i < p.processors.size(); ++i) {
    procs.push_back(p.processor_kinds[i].empty() ? p.processors[i] : fmt::format("{} ({})", p.processors[i], p.processor_kinds[i]));
  }
  fmt::print("processors {}\n\n", fmt::join(procs, ", "));
  fmt::print("{:<16} {:>8} {:>9} {:>7}  coverage: (variant, subgraph) units with a latency, per processor\n", "model",
             "variants", "subgraphs", "layers");
  for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
    const auto& m = p.models[mi];
    std::vector<std::string> cov;
    std::size_t units = m.variants.size() * static_cast<std::size_t>(m.subgraph_count);
    for (std::size_t q = 0; q < p.processors.size(); ++q) {
      std::size_t have = 0;
      for (std::size_t v = 0; v < m.variants.size(); ++v)
        for (int s = 0; s < m.subgraph_count; ++s)
          have += p.latency(static_cast<int>(mi), static_cast<int>(v), s, static_cast<int>(q)) ? 1 : 0;
      cov.push_back(fmt::format("{} {}/{}", p.processors[q], have, units));
    }
    fmt::print("{:<16} {:>8} {:>9} {:>7}  {}\n", m.name, m.variants.size(), m.subgraph_count, m.layers.size(),
               fmt::join(cov, ", "));
    std::vector<std::string> names;
    for (const auto& v : m.variants) names.push_back(fmt::format("{} ({:.3f})", v.name, v.accuracy));
    fmt::print("  variants (accuracy): {}\n", fmt::join(names, ", "));
    if (!m.stitched_accuracy.empty()) fmt::print("  measured stitched variants: {}\n", m.stitched_accuracy.size());
    if (!m.stitched_latency.empty()) {
      fmt::print("  stitched (variant, placement) end-to-end latencies: {}\n", m.stitched_latency.size());
    }
    if (!m.notes.empty()) fmt::print("  notes: {}\n", m.notes);
  }
  auto counts = hw::count_provenance(p);
  std::int64_t total = 0;
  for (const auto& [k, n] : counts) total += n;
  fmt::print("\nvalues: {} in all; measured {} ({}), derived {} ({}), estimated {} ({})\n", total, counts["measured"],
             percent(counts["measured"], total), counts["derived"], percent(counts["derived"], total),
             counts["estimated"], percent(counts["estimated"], total));
  return 0;
}

// Reads the platform and the tasks' (model, variant) of an experiment config, without building
// the rest of the experiment, so every problem can be listed rather than only the first.
std::pair<hw::Platform, std::vector<hw::ProfileNeed>> read_config_needs(const std::string& file, std::string* profile) {
  sim::Json j = sim::read_json_file(file);
  sim::ConfigNode root(j, file);
  std::filesystem::path base = std::filesystem::path(file).parent_path();
  sim::ConfigNode pnode = root.at("platform");
  hw::Platform platform;
  if (pnode.is_string()) {
    std::string pfile = (base / pnode.as_string()).lexically_normal().string();
    sim::Json pj = sim::read_json_file(pfile);
    platform = hw::read_platform(sim::ConfigNode(pj, pfile));
  } else {
    platform = hw::read_platform(pnode);
  }
  if (profile && root.has("profile")) *profile = (base / root.at("profile").as_string()).lexically_normal().string();
  std::vector<hw::ProfileNeed> needs;
  for (const auto& t : root.at("tasks").elements()) {
    needs.push_back({t.path(), t.at("model").as_string(), t.get_string("variant", "")});
  }
  return {platform, needs};
}

int cmd_check(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(), "profile (.json or .h5)")(
      "config", po::value<std::string>(), "also check what this experiment config needs from the profile");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim profile check FILE [--config EXPERIMENT.json]\n\n"
                     "Validates a profile: bad values (negative, NaN, out of range), unknown processors, variants or\n"
                     "layers, subgraph cuts that do not align across variants, subgraph latencies that do not sum to\n"
                     "the whole-model run, and with --config the entries the experiment needs. Prints one line per\n"
                     "problem and exits 2 when there is any.")) {
    return 0;
  }
  std::string file = vm["file"].as<std::string>();
  sim::Json doc = hw::read_profile_document(file);
  std::vector<sim::ConfigError> read_problems;
  hw::Profile p = hw::read_profile_json(sim::ConfigNode(doc, file), read_problems);
  std::vector<std::string> lines;
  for (const auto& e : read_problems) lines.push_back(e.what());
  for (const auto& pr : hw::check_profile(p)) lines.push_back(fmt::format("{}: {}: {}", file, pr.path, pr.message));
  if (vm.count("config")) {
    std::string cfile = vm["config"].as<std::string>();
    auto [platform, needs] = read_config_needs(cfile, nullptr);
    for (const auto& pr : hw::check_profile_needs(p, platform, needs)) {
      lines.push_back(fmt::format("{}: {}: {} (profile {})", cfile, pr.path, pr.message, file));
    }
  }
  for (const auto& l : lines) std::cerr << "error: " << l << "\n";
  if (!lines.empty()) {
    std::cerr << fmt::format("{} problem{} in {}\n", lines.size(), lines.size() == 1 ? "" : "s", file);
    return kBadInput;
  }
  fmt::print("{}: ok ({} models, {} processors)\n", file, p.models.size(), p.processors.size());
  return 0;
}

const CommandRegistration kRegistration{
    {"profile", "profile SUBCOMMAND ...", "inspect, check and import hardware profiles (profile --help)", cmd_profile}};
const ProfileSubcommandRegistration kShow{
    {"show", "profile show FILE", "summarise a profile: models, variants, processors, coverage, provenance", cmd_show}};
const ProfileSubcommandRegistration kCheck{{"check", "profile check FILE [--config EXPERIMENT.json]",
                                            "validate a profile (and what an experiment needs); exit 2 on problems",
                                            cmd_check}};

}  // namespace
}  // namespace experiments
