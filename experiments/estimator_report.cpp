#include "experiments/estimator_report.h"

#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/latency.h"
#include "hw-models/stitching/validation.h"

namespace ex = stitching;

namespace experiments {
namespace {

// "name" or "name(key=value,...)" for an estimator config.
std::string label(const sim::ConfigNode& n) {
  if (n.is_string()) return n.as_string();
  std::string name = n.json().value("name", ""), params;
  for (const auto& [k, v] : n.json().items())
    if (k != "name") params += fmt::format("{}{}={}", params.empty() ? "" : ",", k, v.is_string() ? v.get<std::string>() : v.dump());
  return params.empty() ? name : name + "(" + params + ")";
}

sim::Json stats_json(const ex::ErrorStats& e) {
  return {{"samples", e.samples}, {"mae", e.mae}, {"rmse", e.rmse}, {"p95_abs", e.p95_abs}, {"max_abs", e.max_abs}};
}

double mean_measure_s(const std::vector<double>& xs) {
  double sum = 0;
  int n = 0;
  for (double x : xs)
    if (x > 0) sum += x, ++n;
  return n ? sum / n : 0.0;
}

// Mean over repeats of the error statistics (each repeat: a seeded training draw of n, the rest
// as test set).
template <class FitEval>
sim::Json tradeoff_row(std::size_t available, int n, int repeats, std::uint64_t seed, const std::string& tag,
                       double seconds_per_combination, FitEval&& fit_eval) {
  ex::ErrorStats mean;
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::size_t> order = ex::seeded_order(available, seed, fmt::format("{}/{}", tag, r));
    ex::ErrorStats e = ex::error_stats(fit_eval(order, static_cast<std::size_t>(n)));
    mean.samples = e.samples;
    mean.mae += e.mae / repeats;
    mean.rmse += e.rmse / repeats;
    mean.p95_abs += e.p95_abs / repeats;
    mean.max_abs += e.max_abs / repeats;
  }
  sim::Json j = stats_json(mean);
  j["train_samples"] = n;
  j["repeats"] = repeats;
  j["seconds_per_combination"] = seconds_per_combination;
  j["profiling_s"] = seconds_per_combination * n;
  return j;
}

sim::Json accuracy_part(const hw::ModelProfile& m, const EstimatorReportOptions& o) {
  auto samples = ex::measured_samples(m);
  std::vector<ex::AccuracySample> diagonal, off;
  for (const auto& s : samples) (ex::is_diagonal(s.variants) ? diagonal : off).push_back(s);
  std::vector<double> measure_s;
  for (const auto& st : m.stitched_accuracy)
    if (st.provenance.kind == "measured") measure_s.push_back(st.measure_s);
  const double per_combination = mean_measure_s(measure_s);
  sim::Json part = {{"unit", "accuracy (fraction; x100 = points)"}, {"measured_stitched", off.size()},
                    {"seconds_per_combination", per_combination}, {"estimators", sim::Json::array()}};
  for (const auto& node : o.accuracy_estimators) {
    sim::Json resolved;
    auto est = ex::make_accuracy_estimator(node, &resolved);
    ex::CvError cv = ex::cross_validate(*est, m, samples, o.folds, o.seed);
    ex::AccuracyModel full = est->fit(m, samples);
    sim::Json e = {{"estimator", label(node)}, {"resolved", resolved}, {"folds", o.folds},
                   {"cv", stats_json({cv.samples, cv.mae, cv.rmse, cv.p95_abs, cv.max_abs})},
                   {"margin", full.margin}, {"form", full.additive() ? "additive" : "adjacent pairs"}};
    if (!full.chosen.empty()) e["chosen"] = full.chosen;
    sim::Json curve = sim::Json::array();
    for (int n : o.train_sizes) {
      if (n >= static_cast<int>(off.size())) continue;
      curve.push_back(tradeoff_row(off.size(), n, o.repeats, o.seed, "estimators/tradeoff/accuracy/" + m.name,
                                   per_combination, [&](const std::vector<std::size_t>& order, std::size_t k) {
                                     std::vector<ex::AccuracySample> train = diagonal;
                                     for (std::size_t i = 0; i < k; ++i) train.push_back(off[order[i]]);
                                     ex::AccuracyModel a = est->fit_function(m, train);
                                     std::vector<double> err;
                                     for (std::size_t i = k; i < order.size(); ++i)
                                       err.push_back(a.evaluate(off[order[i]].variants.data()) - off[order[i]].accuracy);
                                     return err;
                                   }));
    }
    e["tradeoff"] = curve;
    part["estimators"].push_back(e);
  }
  return part;
}

sim::Json latency_part(const hw::Profile& p, int mi, const hw::Platform* platform, const EstimatorReportOptions& o) {
  const auto& m = p.models[static_cast<std::size_t>(mi)];
  auto samples = ex::measured_latency_samples(m);
  ex::LatencyContext ctx(p, mi, platform, o.precision_change_ms);
  ctx.check(samples);
  std::vector<double> measure_s;
  double mean_ms = 0;
  for (const auto& sl : m.stitched_latency)
    if (sl.provenance.kind == "measured") measure_s.push_back(sl.measure_s);
  for (const auto& s : samples) mean_ms += s.latency_ms / static_cast<double>(samples.size());
  const double per_combination = mean_measure_s(measure_s);
  sim::Json part = {{"unit", "ms"}, {"measured_combinations", samples.size()}, {"mean_measured_ms", mean_ms},
                    {"seconds_per_combination", per_combination}, {"estimators", sim::Json::array()}};
  for (const auto& node : o.latency_estimators) {
    sim::Json resolved;
    auto est = ex::make_latency_estimator(node, &resolved);
    ex::ErrorStats cv = ex::cross_validate_latency(*est, ctx, samples, o.folds, o.seed);
    sim::Json e = {{"estimator", label(node)}, {"resolved", resolved}, {"folds", o.folds}, {"cv", stats_json(cv)},
                   {"mae_share_of_mean", mean_ms > 0 ? cv.mae / mean_ms : 0.0}};
    sim::Json curve = sim::Json::array();
    for (int n : o.train_sizes) {
      if (n >= static_cast<int>(samples.size())) continue;
      curve.push_back(tradeoff_row(samples.size(), n, o.repeats, o.seed, "estimators/tradeoff/latency/" + m.name,
                                   per_combination, [&](const std::vector<std::size_t>& order, std::size_t k) {
                                     std::vector<ex::LatencySample> train, test;
                                     for (std::size_t i = 0; i < order.size(); ++i)
                                       (i < k ? train : test).push_back(samples[order[i]]);
                                     std::vector<double> y = est->fit(ctx, train)->predict_ms(test);
                                     std::vector<double> err;
                                     for (std::size_t i = 0; i < test.size(); ++i) err.push_back(y[i] - test[i].latency_ms);
                                     return err;
                                   }));
    }
    e["tradeoff"] = curve;
    part["estimators"].push_back(e);
  }
  return part;
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

sim::Json estimator_report(const hw::Profile& p, const hw::Platform* platform, const EstimatorReportOptions& o) {
  sim::Json report = {{"profile", p.file}, {"platform", p.platform}, {"folds", o.folds}, {"seed", o.seed},
                      {"train_sizes", o.train_sizes}, {"repeats", o.repeats},
                      {"precision_change_ms", o.precision_change_ms}, {"models", sim::Json::array()}};
  bool any = false;
  for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
    const auto& m = p.models[mi];
    bool acc = false, lat = !ex::measured_latency_samples(m).empty();
    for (const auto& s : ex::measured_samples(m)) acc = acc || !ex::is_diagonal(s.variants);
    if (!acc && !lat) continue;
    any = true;
    sim::Json mj = {{"model", m.name}};
    if (acc) mj["accuracy"] = accuracy_part(m, o);
    if (lat) mj["latency"] = latency_part(p, static_cast<int>(mi), platform, o);
    report["models"].push_back(mj);
  }
  if (!any) {
    throw sim::ConfigError(p.file, "$.models",
                           "no model has measured stitched accuracies or latencies: nothing to check the estimators on "
                           "(measure them with `stitchsim profile run`, stitched_accuracy / stitched_latency)");
  }
  return report;
}

std::string format_estimator_report(const sim::Json& r) {
  std::string out;
  for (const auto& mj : r["models"]) {
    const std::string model = mj["model"].get<std::string>();
    if (mj.contains("accuracy")) {
      const auto& a = mj["accuracy"];
      out += fmt::format("{}: accuracy on {} measured stitched variants, {}-fold CV (points = accuracy x 100)\n", model,
                         a["measured_stitched"].get<int>(), r["folds"].get<int>());
      out += fmt::format("  {:<28} {:>8} {:>8} {:>8} {:>8} {:>8}  {}\n", "estimator", "MAE", "RMSE", "p95", "max", "margin", "");
      for (const auto& e : a["estimators"]) {
        const auto& cv = e["cv"];
        out += fmt::format("  {:<28} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f} {:>8.2f}  {}\n", e["estimator"].get<std::string>(),
                           100 * cv["mae"].get<double>(), 100 * cv["rmse"].get<double>(), 100 * cv["p95_abs"].get<double>(),
                           100 * cv["max_abs"].get<double>(), 100 * e["margin"].get<double>(),
                           e.contains("chosen") ? "chose " + e["chosen"].get<std::string>() : e["form"].get<std::string>());
      }
    }
    if (mj.contains("latency")) {
      const auto& l = mj["latency"];
      out += fmt::format("{}: end-to-end latency of {} measured stitched combinations (mean {:.4f} ms), {}-fold CV, ms\n",
                         model, l["measured_combinations"].get<int>(), l["mean_measured_ms"].get<double>(),
                         r["folds"].get<int>());
      out += fmt::format("  {:<28} {:>9} {:>9} {:>9} {:>9} {:>8}\n", "estimator", "MAE", "RMSE", "p95", "max", "MAE/mean");
      for (const auto& e : l["estimators"]) {
        const auto& cv = e["cv"];
        out += fmt::format("  {:<28} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>7.1f}%\n", e["estimator"].get<std::string>(),
                           cv["mae"].get<double>(), cv["rmse"].get<double>(), cv["p95_abs"].get<double>(),
                           cv["max_abs"].get<double>(), 100 * e["mae_share_of_mean"].get<double>());
      }
    }
    for (const char* target : {"accuracy", "latency"}) {
      if (!mj.contains(target)) continue;
      const auto& t = mj[target];
      const bool acc = std::string(target) == "accuracy";
      out += fmt::format("{}: {} error vs measured combinations used for training (mean of {} draws; {:.3f} s per combination)\n",
                         model, target, r["repeats"].get<int>(), t["seconds_per_combination"].get<double>());
      out += fmt::format("  {:<28} {:>6} {:>11} {:>9} {:>9}\n", "estimator", "n", "profiling_s", acc ? "MAE pt" : "MAE ms",
                         acc ? "p95 pt" : "p95 ms");
      for (const auto& e : t["estimators"])
        for (const auto& row : e["tradeoff"]) {
          double k = acc ? 100 : 1;
          out += fmt::format("  {:<28} {:>6} {:>11.2f} {:>9.4f} {:>9.4f}\n", e["estimator"].get<std::string>(),
                             row["train_samples"].get<int>(), row["profiling_s"].get<double>(), k * row["mae"].get<double>(),
                             k * row["p95_abs"].get<double>());
        }
    }
  }
  return out;
}

void write_estimator_report(const sim::Json& r, const std::string& dir) {
  auto open = [&](const std::string& name) {
    std::ofstream f(dir + "/" + name);
    if (!f) throw sim::ConfigError(dir + "/" + name, "", "cannot write");
    return f;
  };
  {
    auto f = open("estimators.json");
    f << r.dump(2) << "\n";
  }
  auto cv = open("cv.csv");
  auto tr = open("tradeoff.csv");
  cv << "model,target,estimator,folds,samples,mae,rmse,p95_abs,max_abs,unit,margin,chosen\n";
  tr << "model,target,estimator,train_samples,repeats,test_samples,mae,rmse,p95_abs,max_abs,seconds_per_combination,profiling_s\n";
  for (const auto& mj : r["models"]) {
    for (const char* target : {"accuracy", "latency"}) {
      if (!mj.contains(target)) continue;
      const auto& t = mj[target];
      const std::string unit = std::string(target) == "accuracy" ? "fraction" : "ms";
      for (const auto& e : t["estimators"]) {
        const auto& c = e["cv"];
        const std::string name = csv_quote(e["estimator"].get<std::string>());
        cv << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", mj["model"].get<std::string>(), target, name,
                          e["folds"].get<int>(), c["samples"].get<int>(), c["mae"].get<double>(), c["rmse"].get<double>(),
                          c["p95_abs"].get<double>(), c["max_abs"].get<double>(), unit,
                          e.contains("margin") ? fmt::format("{}", e["margin"].get<double>()) : std::string(),
                          e.contains("chosen") ? e["chosen"].get<std::string>() : std::string());
        for (const auto& row : e["tradeoff"]) {
          tr << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", mj["model"].get<std::string>(), target, name,
                            row["train_samples"].get<int>(), row["repeats"].get<int>(), row["samples"].get<int>(),
                            row["mae"].get<double>(), row["rmse"].get<double>(), row["p95_abs"].get<double>(),
                            row["max_abs"].get<double>(), row["seconds_per_combination"].get<double>(),
                            row["profiling_s"].get<double>());
        }
      }
    }
  }
  if (!cv || !tr) throw sim::ConfigError(dir, "", "cannot write the report's CSV files");
}

}  // namespace experiments
