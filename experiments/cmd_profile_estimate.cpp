// `stitchsim profile estimate FILE --out FILE2`: fills a profile's stitched accuracies with an
// estimator's predictions, marked provenance kind "estimated", and reports its cross-validated
// error against the analytic baseline. Measured entries are kept; earlier estimates replaced.
// `--report DIR`: the estimator report (estimator_report.h) on the profile's measured stitched
// accuracies and latencies.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/estimator_report.h"
#include "experiments/profile_command.h"
#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/latency.h"
#include "sim/json_reader.h"
#include "sim/output_path.h"
#include "sim/run_directory.h"

namespace po = boost::program_options;
namespace ex = stitching;

namespace experiments {
namespace {

std::vector<sim::ConfigNode> estimator_list(const std::string& text, const std::string& option) {
  sim::Json j;
  try {
    j = sim::parse_json_text(text, option);
  } catch (const sim::ConfigError& e) {
    throw sim::ConfigError(option, e.path(), "not JSON: " + e.message());
  }
  sim::ConfigNode root(j, option);
  if (!root.is_array() || root.size() == 0) root.fail("must be a non-empty JSON list of estimators");
  std::vector<sim::ConfigNode> out;
  for (const auto& e : root.elements()) out.push_back(sim::ConfigNode(e.json(), option, e.path()));  // own copies
  return out;
}

int run_report(const po::variables_map& vm, const std::string& in, bool quiet) {
  const std::string dir = vm["report"].as<std::string>();
  EstimatorReportOptions o;
  o.accuracy_estimators = estimator_list(vm["accuracy-estimators"].as<std::string>(), "--accuracy-estimators");
  o.latency_estimators = estimator_list(vm["latency-estimators"].as<std::string>(), "--latency-estimators");
  // Validate every estimator config before any work.
  for (const auto& n : o.accuracy_estimators) ex::make_accuracy_estimator(n);
  for (const auto& n : o.latency_estimators) ex::make_latency_estimator(n);
  o.folds = vm["folds"].as<int>();
  if (o.folds < 2) throw sim::ConfigError("--folds", "", "needs at least 2 folds");
  o.seed = vm["seed"].as<std::uint64_t>();
  o.repeats = vm["curve-repeats"].as<int>();
  if (o.repeats < 1) throw sim::ConfigError("--curve-repeats", "", "must be at least 1");
  o.precision_change_ms = vm["precision-change-ms"].as<double>();
  if (!(o.precision_change_ms >= 0)) throw sim::ConfigError("--precision-change-ms", "", "must not be negative");
  o.train_sizes.clear();
  for (const auto& e : estimator_list("[" + vm["train-sizes"].as<std::string>() + "]", "--train-sizes")) {
    o.train_sizes.push_back(static_cast<int>(e.as_int()));
    if (o.train_sizes.back() < 1) e.fail("training sizes must be positive");
  }
  hw::Profile p = hw::read_profile(in);
  std::string pfile = vm.count("platform") ? vm["platform"].as<std::string>() : std::string();
  if (pfile.empty()) {  // `profile run` writes PROFILE.platform.json beside PROFILE
    std::filesystem::path f(in);
    std::filesystem::path beside = f.parent_path() / (f.stem().string() + ".platform.json");
    if (std::filesystem::exists(beside)) pfile = beside.string();
  }
  std::optional<hw::Platform> platform;
  if (!pfile.empty()) platform = hw::read_platform(sim::ConfigNode(sim::read_json_file(pfile), pfile));
  sim::RunDirectory out(dir, "estimators", vm["overwrite"].as<bool>());
  sim::Json report = estimator_report(p, platform ? &*platform : nullptr, o);
  report["platform_file"] = pfile;
  write_estimator_report(report, out.staging());
  out.commit();
  if (!quiet) fmt::print("{}wrote {}/estimators.json, cv.csv, tradeoff.csv\n", format_estimator_report(report), dir);
  return 0;
}

int cmd_estimate(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(), "profile (.json or .h5)")(
      "out,o", po::value<std::string>(), "profile to write (.json or .h5; a new file)")(
      "report", po::value<std::string>(),
      "write the estimator report into this folder instead: CV errors of the accuracy and latency estimators on the "
      "profile's measured stitched variants and the error vs number of measured combinations")(
      "platform", po::value<std::string>(),
      "--report: platform file for the additive latency's hand-off costs (default: PROFILE.platform.json if present)")(
      "accuracy-estimators", po::value<std::string>()->default_value(R"(["analytic", "xgboost", "best"])"),
      "--report: accuracy estimators, a JSON list")(
      "latency-estimators",
      po::value<std::string>()->default_value(R"(["additive", {"name": "additive", "fit_offset": true}, "xgboost"])"),
      "--report: latency estimators, a JSON list")(
      "train-sizes", po::value<std::string>()->default_value("10,25,50,100,200,400,800"),
      "--report: training sizes of the trade-off curve (sizes >= the measured count are skipped)")(
      "curve-repeats", po::value<int>()->default_value(3), "--report: seeded training draws per size")(
      "precision-change-ms", po::value<double>()->default_value(0.0),
      "--report: additive latency's cost per precision change (live profiles: 0, conversions run inside the units)")(
      "overwrite", po::bool_switch(), "let --out (or --report) replace an existing file (or report)")(
      "estimator", po::value<std::string>()->default_value(R"({"name":"xgboost"})"),
      "accuracy estimator as JSON, e.g. '{\"name\":\"xgboost\",\"rounds\":200}' or '\"analytic\"'")(
      "folds", po::value<int>()->default_value(5), "cross-validation folds")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the CV folds")(
      "max-entries", po::value<double>()->default_value(100000), "refuse models with more stitched variants (K^S)")(
      "quiet,q", po::bool_switch(), "print nothing on success");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim profile estimate FILE --out FILE2 [--estimator JSON]\n"
                     "       stitchsim profile estimate FILE --report DIR [--platform P.json]\n\n"
                     "Fits the estimator to each model's measured accuracies (zoo variants plus stitched_accuracy\n"
                     "entries of kind \"measured\"), writes every other stitched variant's predicted accuracy as a\n"
                     "stitched_accuracy entry of kind \"estimated\" (clamped to [0, 1]), and prints the estimator's\n"
                     "k-fold cross-validated MAE and RMSE next to the analytic baseline's.\n\n"
                     "With --report DIR instead of --out: k-fold CV (MAE, RMSE, p95, max) of each accuracy estimator\n"
                     "on the measured stitched accuracies and of each latency estimator on the measured end-to-end\n"
                     "stitched latencies, and each one's error vs the number of measured combinations it was trained\n"
                     "on (x the measuring time per combination): a text table, DIR/estimators.json, DIR/cv.csv and\n"
                     "DIR/tradeoff.csv. Exit 2 when no model has measured stitched samples.")) {
    return 0;
  }
  const std::string in = vm["file"].as<std::string>();
  if (vm.count("report") && vm.count("out")) throw sim::ConfigError("--report", "", "give --out or --report, not both");
  if (vm.count("report")) return run_report(vm, in, vm["quiet"].as<bool>());
  if (!vm.count("out")) throw sim::ConfigError("--out", "", "needs --out FILE2 (or --report DIR)");
  const std::string out = vm["out"].as<std::string>();
  const std::string ext = std::filesystem::path(out).extension().string();
  if (ext != ".json" && ext != ".h5") throw sim::ConfigError(out, "", "output must end in .json or .h5");
  sim::check_output_file(out, vm["overwrite"].as<bool>());
  sim::Json est_json;
  try {
    est_json = sim::parse_json_text(vm["estimator"].as<std::string>(), "--estimator");
  } catch (const sim::ConfigError& e) {
    throw sim::ConfigError("--estimator", e.path(), "not JSON: " + e.message());
  }
  sim::Json est_resolved;
  auto estimator = ex::make_accuracy_estimator(sim::ConfigNode(est_json, "--estimator"), &est_resolved);
  auto baseline = ex::make_accuracy_estimator(sim::ConfigNode(sim::Json("analytic"), "<baseline>"));
  hw::Profile p = hw::read_profile(in);
  const double max_entries = vm["max-entries"].as<double>();
  for (const auto& m : p.models) {
    double tuples = std::pow(static_cast<double>(m.variants.size()), m.subgraph_count);
    if (tuples > max_entries) {
      throw sim::ConfigError(in, "$.models." + m.name,
                             fmt::format("{}^{} = {:.3g} stitched variants exceed --max-entries {:.0f}; estimate on "
                                         "demand with `stitchsim explore` instead",
                                         m.variants.size(), m.subgraph_count, tuples, max_entries));
    }
  }
  const bool quiet = vm["quiet"].as<bool>();
  for (auto& m : p.models) {
    auto samples = ex::measured_samples(m);
    ex::AccuracyModel acc = estimator->fit(m, samples);
    ex::CvError cv = ex::cross_validate(*estimator, m, samples, vm["folds"].as<int>(), vm["seed"].as<std::uint64_t>());
    int stitched = 0;
    for (const auto& smp : samples) stitched += ex::is_diagonal(smp.variants) ? 0 : 1;
    ex::CvError cvb = ex::cross_validate(*baseline, m, samples, vm["folds"].as<int>(), vm["seed"].as<std::uint64_t>());
    std::vector<hw::StitchedAccuracy> kept;
    for (const auto& st : m.stitched_accuracy)
      if (st.provenance.kind == "measured") kept.push_back(st);
    ex::MeasuredAccuracy measured(m.subgraph_count, static_cast<int>(m.variants.size()), samples);
    const int S = m.subgraph_count, K = static_cast<int>(m.variants.size());
    std::vector<int> x(static_cast<std::size_t>(S), 0);
    std::size_t added = 0;
    const bool fell_back = est_resolved.value("name", "") == "xgboost" && acc.additive();
    const std::string method =
        fmt::format("{} fit on {} measured accuracies ({} stitched){}", est_resolved.dump(), samples.size(), stitched,
                    fell_back ? "; too few stitched samples for trees: the analytic estimate" : "");
    for (;;) {
      int node = 0;
      for (int s = 0; s < S; ++s) node = measured.child(node, x[static_cast<std::size_t>(s)]);
      if (node == ex::MeasuredAccuracy::kOff) {
        hw::StitchedAccuracy st;
        st.variants = x;
        st.accuracy = std::clamp(acc.evaluate(x.data()), 0.0, 1.0);
        st.provenance.kind = "estimated";
        st.provenance.source = "stitchsim profile estimate";
        st.provenance.method = method;
        kept.push_back(st);
        ++added;
      }
      int s = S - 1;  // odometer over all K^S tuples, last subgraph fastest
      while (s >= 0 && ++x[static_cast<std::size_t>(s)] == K) x[static_cast<std::size_t>(s--)] = 0;
      if (s < 0) break;
    }
    m.stitched_accuracy = std::move(kept);
    if (!quiet) {
      auto err = [](const ex::CvError& e) {
        return e.samples ? fmt::format("MAE {:.4f} RMSE {:.4f}", e.mae, e.rmse) : std::string("n/a");
      };
      fmt::print("{:<16} {} estimated; {}-fold CV over {} measured stitched: estimator {}, analytic {}\n", m.name, added,
                 cv.folds, cv.samples, err(cv), err(cvb));
    }
  }
  // Write beside the target and rename, so a failure leaves no partial file.
  const std::string partial = out + ".partial" + ext;
  if (ext == ".h5") hw::write_profile_h5(p, partial);
  else hw::write_profile_json(p, partial);
  try {
    hw::read_profile(partial);  // the one reader must accept what we wrote
  } catch (...) {
    std::filesystem::remove(partial);
    throw;
  }
  std::filesystem::rename(partial, out);
  if (!quiet) fmt::print("wrote {}\n", out);
  return 0;
}

const ProfileSubcommandRegistration kRegistration{
    {"estimate", "profile estimate FILE --out FILE2 | --report DIR",
     "fill stitched accuracies with an estimator (marked estimated); print its CV error", cmd_estimate}};

}  // namespace
}  // namespace experiments
