#include "experiments/explore.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/enumerate.h"
#include "hw-models/stitching/frontier.h"
#include "hw-models/stitching/stitching_gain.h"
#include "sim/rng.h"
#include "sim/output_path.h"
#include "sim/run_directory.h"
#include "sim/table.h"

namespace experiments {
namespace fs = std::filesystem;
namespace ex = stitching;

const std::vector<sim::ParamSpec>& explore_params() {
  static const std::vector<sim::ParamSpec> specs = {
      sim::param_string("placement", "contiguous",
                        "which processor sequences a stitched variant may use: any, contiguous (each processor one "
                        "contiguous run of subgraphs), one_per_processor (the paper; needs S <= P)",
                        ex::placement_rule_names()),
      sim::param_double("precision_change_ms", 0.15, "ms",
                        "cost at a boundary where adjacent subgraphs differ in precision (the profile has no "
                        "boundary costs yet; a oneDNN reorder costs 0.1-0.2 ms)",
                        0.0, 1e6),
      sim::param_int("memory_budget_bytes", 0, "bytes", "memory a stitched variant may use; 0: the platform's capacity",
                     0, 9.2e18),
      sim::param_json("estimator", sim::Json{{"name", "xgboost"}},
                      "accuracy estimator for unmeasured stitched variants (accuracy_estimator registry)"),
      sim::param_json("baseline_estimator", sim::Json{{"name", "analytic"}},
                      "estimator the first one is cross-validated against"),
      sim::param_json("accuracy_margin", sim::Json("estimator"),
                      "margin an estimated accuracy is lowered by for the stitching gain at margin (Fig. 4 beside the "
                      "estimator's error): \"estimator\" (its calibrated margin, 0 without measured stitched samples) "
                      "or a number in [0, 1] (e.g. a CV p95 error measured on another model)"),
      sim::param_int("cv_folds", 5, "", "folds of the cross-validation over measured stitched samples", 2, 1000),
      sim::param_int("seed", 1, "", "seed of the CV folds and of histogram sampling", 0, 9.2e18),
      sim::param_int("accuracy_bins", 40, "", "histogram bins along accuracy", 1, 10000),
      sim::param_int("latency_bins", 40, "", "histogram bins along latency", 1, 10000),
      sim::param_int("enumeration_limit", 1000000, "pairs",
                     "tasks with at most this many (tuple, placement) pairs are enumerated in full for the variant "
                     "table and histogram; larger ones are sampled (the frontier is always exact)",
                     1, 9.2e18),
      sim::param_int("histogram_samples", 200000, "pairs", "pairs drawn for a sampled variant table and histogram", 1,
                     1e9),
  };
  return specs;
}

namespace {

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  fs::path f(p);
  return (f.is_relative() ? fs::path(base_dir) / f : f).lexically_normal().string();
}

}  // namespace

ExploreConfig load_explore(const std::string& file, const std::vector<std::string>& overrides) {
  sim::Json config = sim::read_json_file(file);
  std::string base = fs::path(file).parent_path().string();
  if (base.empty()) base = ".";
  ExploreConfig c;
  c.file = file;
  std::string experiment_file;
  if (config.is_object() && !config.contains("experiment")) {
    // An experiment config: explore it with every setting at its default.
    experiment_file = file;
    config = sim::Json{{"experiment", fs::path(file).filename().string()}};
  }
  for (const auto& o : overrides) sim::apply_override(config, o);
  sim::ConfigNode root(config, file);
  sim::Params params(root, explore_params(), {"name", "description", "experiment", "tasks"});
  if (experiment_file.empty()) experiment_file = resolve_path(base, root.at("experiment").as_string());
  c.experiment = load_experiment(experiment_file);
  if (root.has("description")) root.at("description").as_string();
  c.name = root.has("name") ? sim::checked_output_name(root.at("name")) : "explore-" + c.experiment.name;
  if (root.has("tasks")) {
    for (const auto& tn : root.at("tasks").elements()) {
      std::string name = tn.as_string();
      int found = -1;
      for (std::size_t i = 0; i < c.experiment.tasks.size(); ++i)
        if (c.experiment.tasks[i].name == name) found = static_cast<int>(i);
      if (found < 0) tn.fail(fmt::format("the experiment has no task '{}'", name));
      c.tasks.push_back(found);
    }
    if (c.tasks.empty()) root.at("tasks").fail("name at least one task, or leave \"tasks\" out for all");
  } else {
    for (std::size_t i = 0; i < c.experiment.tasks.size(); ++i) c.tasks.push_back(static_cast<int>(i));
  }
  c.space.placement = ex::placement_rule_from_string(params.get_string("placement"));
  c.space.precision_change_ms = params.get_double("precision_change_ms");
  c.space.memory_budget_bytes = params.get_int("memory_budget_bytes");
  c.estimator_node = params.node("estimator");
  c.baseline_node = params.node("baseline_estimator");
  {
    sim::ConfigNode mn = params.node("accuracy_margin");
    if (mn.is_string()) {
      if (mn.as_string() != "estimator") mn.fail("must be \"estimator\" or a number in [0, 1]");
      c.accuracy_margin = -1;
    } else {
      c.accuracy_margin = mn.as_double(0.0, 1.0);
    }
  }
  c.cv_folds = static_cast<int>(params.get_int("cv_folds"));
  c.seed = static_cast<std::uint64_t>(params.get_int("seed"));
  c.accuracy_bins = static_cast<int>(params.get_int("accuracy_bins"));
  c.latency_bins = static_cast<int>(params.get_int("latency_bins"));
  c.enumeration_limit = params.get_int("enumeration_limit");
  c.histogram_samples = params.get_int("histogram_samples");
  c.resolved = params.resolved();
  sim::Json est, base_est;
  ex::make_accuracy_estimator(c.estimator_node, &est);  // validates now
  ex::make_accuracy_estimator(c.baseline_node, &base_est);
  c.resolved["estimator"] = est;
  c.resolved["baseline_estimator"] = base_est;
  c.resolved["name"] = c.name;
  c.resolved["experiment"] = experiment_file;
  c.resolved["tasks"] = sim::Json::array();
  for (int t : c.tasks) c.resolved["tasks"].push_back(c.experiment.tasks[static_cast<std::size_t>(t)].name);
  c.latency = c.experiment.latency.build();
  c.space.latency = c.latency.get();
  // Build every space now so a profile that lacks what exploration needs fails before output.
  for (int t : c.tasks) ex::build_space(*c.experiment.profile, c.experiment.tasks[static_cast<std::size_t>(t)].model,
                                        c.experiment.platform, c.space);
  return c;
}

namespace {

// One evaluated (tuple, placement) pair for the variant table and the histogram.
struct Row {
  std::vector<std::uint8_t> code;  // variants then processors
  double accuracy;
  bool measured;
  std::int64_t latency_ns, memory_bytes;
};

struct Rows {
  std::vector<Row> rows;
  bool sampled = false;
  std::uint64_t drawn = 0;  // sampled: pairs drawn (feasible or not)
};

Row make_row(int S, const int* x, const int* p, double acc, bool measured, std::int64_t lat, std::int64_t mem) {
  Row r{std::vector<std::uint8_t>(static_cast<std::size_t>(2 * S)), acc, measured, lat, mem};
  for (int s = 0; s < S; ++s) {
    r.code[static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(x[s]);
    r.code[static_cast<std::size_t>(S + s)] = static_cast<std::uint8_t>(p[s]);
  }
  return r;
}

// Every pair when the space is small enough, else a uniform sample of tuples and allowed
// placements (pair i drawn from its own RNG stream, so the sample is thread-count independent).
Rows collect_rows(const ExploreConfig& c, const std::string& task, const ex::StitchSpace& sp,
                  const ex::AccuracyModel& acc, const ex::MeasuredAccuracy& meas) {
  const ex::PlacementAutomaton au(sp.placement, sp.processors);
  const int S = sp.subgraphs;
  const double pairs = sp.tuple_count() * static_cast<double>(au.count_sequences(S));
  Rows out;
  if (pairs <= static_cast<double>(c.enumeration_limit)) {
    std::vector<std::vector<Row>> chunks(static_cast<std::size_t>(sp.variants));
#pragma omp parallel for schedule(dynamic, 1)
    for (int v = 0; v < sp.variants; ++v) {
      auto visit = [&](const ex::Evaluated& e) {
        chunks[static_cast<std::size_t>(v)].push_back(
            make_row(S, e.variants, e.processors, e.accuracy, e.measured, e.latency_ns, e.memory_bytes));
      };
      ex::enumerate(sp, au, acc, meas, visit, v, v + 1);
    }
    for (auto& ch : chunks) out.rows.insert(out.rows.end(), std::make_move_iterator(ch.begin()), std::make_move_iterator(ch.end()));
    return out;
  }
  out.sampled = true;
  const std::int64_t n = c.histogram_samples;
  out.drawn = static_cast<std::uint64_t>(n);
  // ways[state][k]: allowed completions of k more subgraphs from `state`, for uniform placements.
  std::vector<std::vector<double>> ways(static_cast<std::size_t>(au.states()), std::vector<double>(static_cast<std::size_t>(S + 1), 0.0));
  for (int st = 0; st < au.states(); ++st) ways[static_cast<std::size_t>(st)][0] = 1;
  for (int k = 1; k <= S; ++k)
    for (int st = 0; st < au.states(); ++st)
      for (int p = 0; p < sp.processors; ++p)
        if (int t = au.step(st, p); t >= 0) ways[static_cast<std::size_t>(st)][static_cast<std::size_t>(k)] += ways[static_cast<std::size_t>(t)][static_cast<std::size_t>(k - 1)];
  std::vector<std::optional<Row>> drawn(static_cast<std::size_t>(n));
  const std::uint64_t component = sim::hash_path("explore/sample/" + task);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    sim::Rng rng = sim::Rng::stream(c.seed, component, static_cast<std::uint64_t>(i));
    std::vector<int> x(static_cast<std::size_t>(S)), p(static_cast<std::size_t>(S));
    int state = ex::PlacementAutomaton::kStart, node = 0;
    for (int s = 0; s < S; ++s) {
      x[static_cast<std::size_t>(s)] = static_cast<int>(rng.below(static_cast<std::uint64_t>(sp.variants)));
      double u = rng.uniform() * ways[static_cast<std::size_t>(state)][static_cast<std::size_t>(S - s)];
      int chosen = -1;
      for (int q = 0; q < sp.processors && chosen < 0; ++q) {
        int t = au.step(state, q);
        if (t < 0) continue;
        u -= ways[static_cast<std::size_t>(t)][static_cast<std::size_t>(S - s - 1)];
        if (u < 0) chosen = q;
      }
      if (chosen < 0)  // rounding at the top end: the last allowed processor
        for (int q = 0; q < sp.processors; ++q)
          if (au.step(state, q) >= 0) chosen = q;
      p[static_cast<std::size_t>(s)] = chosen;
      state = au.step(state, chosen);
      node = meas.child(node, x[static_cast<std::size_t>(s)]);
    }
    ex::Cost cost = ex::evaluate_cost(sp, x.data(), p.data());
    if (cost.latency_ns < 0 || cost.memory_bytes() > sp.memory_budget_bytes) continue;
    bool m = node != ex::MeasuredAccuracy::kOff;
    drawn[static_cast<std::size_t>(i)] = make_row(S, x.data(), p.data(), m ? meas.value(node) : acc.evaluate(x.data()), m,
                                                  cost.latency_ns, cost.memory_bytes());
  }
  for (auto& r : drawn)
    if (r) out.rows.push_back(std::move(*r));
  return out;
}

std::string labels(const ex::StitchSpace& sp, const std::vector<int>& x, const std::vector<int>& p, bool placement) {
  return placement ? ex::placement_label(sp, p.data()) : ex::tuple_label(sp, x.data());
}

sim::Json point_json(const ex::StitchSpace& sp, const ex::FrontierPoint& f) {
  sim::Json v = sim::Json::array(), p = sim::Json::array();
  for (int s = 0; s < sp.subgraphs; ++s) {
    v.push_back(sp.variant_names[static_cast<std::size_t>(f.variants[static_cast<std::size_t>(s)])]);
    p.push_back(sp.processor_names[static_cast<std::size_t>(f.processors[static_cast<std::size_t>(s)])]);
  }
  return sim::Json{{"variants", v},
                   {"placement", p},
                   {"accuracy", f.accuracy},
                   {"accuracy_source", f.measured ? "measured" : "estimated"},
                   {"latency_ms", static_cast<double>(f.latency_ns) / 1e6},
                   {"memory_bytes", f.memory_bytes},
                   {"zoo", ex::is_diagonal(f.variants)}};
}

void add_points(sim::Table& t, const std::string& task, const ex::StitchSpace& sp, const std::vector<ex::FrontierPoint>& pts) {
  for (const auto& f : pts) {
    t.strings("task").push_back(task);
    t.strings("variants").push_back(labels(sp, f.variants, f.processors, false));
    t.strings("placement").push_back(labels(sp, f.variants, f.processors, true));
    t.reals("accuracy").push_back(f.accuracy);
    t.strings("accuracy_source").push_back(f.measured ? "measured" : "estimated");
    t.reals("latency_ms", "ms").push_back(static_cast<double>(f.latency_ns) / 1e6);
    t.ints("memory_bytes", "bytes").push_back(f.memory_bytes);
    t.ints("zoo").push_back(ex::is_diagonal(f.variants) ? 1 : 0);
  }
}

sim::Json cv_json(const ex::CvError& e) {
  if (e.samples == 0) return sim::Json{{"folds", e.folds}, {"samples", 0}, {"mae", nullptr}, {"rmse", nullptr}};
  return sim::Json{{"folds", e.folds}, {"samples", e.samples}, {"mae", e.mae},
                   {"rmse", e.rmse}, {"p95_abs", e.p95_abs}, {"max_abs", e.max_abs}};
}

}  // namespace

sim::Json run_explore(const ExploreConfig& c, const std::string& out_dir, bool quiet, bool overwrite) {
  const Experiment& e = c.experiment;
  const hw::Profile& profile = *e.profile;
  sim::RunDirectory dir(out_dir, "explore", overwrite);
  auto estimator = ex::make_accuracy_estimator(c.estimator_node);
  auto baseline = ex::make_accuracy_estimator(c.baseline_node);
  sim::Table variants("variants"), frontier_t("frontier"), zoo_t("zoo_frontier"), hist("histogram");
  sim::Json summary = {{"name", c.name}, {"experiment", e.name}, {"tasks", sim::Json::object()}};
  sim::Json frontier_json = {{"tasks", sim::Json::object()}};
  for (int ti : c.tasks) {
    const TaskConfig& task = e.tasks[static_cast<std::size_t>(ti)];
    const hw::ModelProfile& m = profile.models[static_cast<std::size_t>(task.model)];
    ex::StitchSpace sp = ex::build_space(profile, task.model, e.platform, c.space);
    const ex::PlacementAutomaton au(sp.placement, sp.processors);
    std::vector<ex::AccuracySample> samples = ex::measured_samples(m);
    ex::MeasuredAccuracy meas(sp.subgraphs, sp.variants, samples);
    ex::AccuracyModel acc = estimator->fit(m, samples);
    ex::CvError cv = ex::cross_validate(*estimator, m, samples, c.cv_folds, c.seed);
    ex::CvError cv_base = ex::cross_validate(*baseline, m, samples, c.cv_folds, c.seed);

    ex::FrontierStats stats;
    std::vector<ex::FrontierPoint> front = ex::exact_frontier(sp, acc, meas, &stats);
    std::vector<double> zoo_acc;
    for (const auto& z : m.variants) zoo_acc.push_back(z.accuracy);
    std::vector<ex::FrontierPoint> zoo = ex::zoo_frontier(sp, zoo_acc);
    ex::StitchingGain gain = ex::stitching_gain(front, zoo);
    // Fig. 4 beside the estimator's error: the same gain with every estimated accuracy lowered by
    // the margin (measured tuples keep their values), i.e. what stitching gains when an estimate
    // must clear the accuracy by its calibrated error.
    ex::AccuracyModel acc_m = acc;
    acc_m.margin = c.accuracy_margin >= 0 ? c.accuracy_margin : acc.margin;
    std::vector<ex::FrontierPoint> front_m = ex::exact_frontier(sp, ex::at_margin(acc_m), meas);
    ex::StitchingGain gain_m = ex::stitching_gain(front_m, zoo);

    Rows rows = collect_rows(c, task.name, sp, acc, meas);
    std::set<std::tuple<double, std::int64_t, std::int64_t>> on_front;
    for (const auto& f : front) on_front.insert({f.accuracy, f.latency_ns, f.memory_bytes});
    std::uint64_t rows_on_front = 0;
    for (const auto& r : rows.rows) {
      std::vector<int> x(r.code.begin(), r.code.begin() + sp.subgraphs), p(r.code.begin() + sp.subgraphs, r.code.end());
      bool f = on_front.count({r.accuracy, r.latency_ns, r.memory_bytes}) > 0;
      rows_on_front += f ? 1 : 0;
      variants.strings("task").push_back(task.name);
      variants.strings("variants").push_back(ex::tuple_label(sp, x.data()));
      variants.strings("placement").push_back(ex::placement_label(sp, p.data()));
      variants.reals("accuracy").push_back(r.accuracy);
      variants.strings("accuracy_source").push_back(r.measured ? "measured" : "estimated");
      variants.reals("latency_ms", "ms").push_back(static_cast<double>(r.latency_ns) / 1e6);
      variants.ints("memory_bytes", "bytes").push_back(r.memory_bytes);
      variants.ints("zoo").push_back(ex::is_diagonal(x) ? 1 : 0);
      variants.ints("on_frontier").push_back(f ? 1 : 0);
    }
    add_points(frontier_t, task.name, sp, front);
    add_points(zoo_t, task.name, sp, zoo);

    // Accuracy-latency density (paper Figure 4) over the table's pairs, frontier cells marked.
    double alo = 1e300, ahi = -1e300, llo = 1e300, lhi = -1e300;
    auto extend = [&](double a, std::int64_t l) {
      alo = std::min(alo, a);
      ahi = std::max(ahi, a);
      llo = std::min(llo, static_cast<double>(l) / 1e6);
      lhi = std::max(lhi, static_cast<double>(l) / 1e6);
    };
    for (const auto& r : rows.rows) extend(r.accuracy, r.latency_ns);
    for (const auto& f : front) extend(f.accuracy, f.latency_ns);
    if (ahi <= alo) ahi = alo + 1e-6;
    if (lhi <= llo) lhi = llo + 1e-6;
    const int AB = c.accuracy_bins, LB = c.latency_bins;
    auto bin = [](double v, double lo, double hi, int n) {
      return std::clamp(static_cast<int>(std::floor((v - lo) / (hi - lo) * n)), 0, n - 1);
    };
    std::vector<std::int64_t> counts(static_cast<std::size_t>(AB * LB), 0), marks(static_cast<std::size_t>(AB * LB), 0);
    for (const auto& r : rows.rows)
      ++counts[static_cast<std::size_t>(bin(r.accuracy, alo, ahi, AB) * LB + bin(static_cast<double>(r.latency_ns) / 1e6, llo, lhi, LB))];
    for (const auto& f : front)
      ++marks[static_cast<std::size_t>(bin(f.accuracy, alo, ahi, AB) * LB + bin(static_cast<double>(f.latency_ns) / 1e6, llo, lhi, LB))];
    for (int a = 0; a < AB; ++a)
      for (int l = 0; l < LB; ++l) {
        std::size_t k = static_cast<std::size_t>(a * LB + l);
        hist.strings("task").push_back(task.name);
        hist.ints("accuracy_bin").push_back(a);
        hist.ints("latency_bin").push_back(l);
        hist.reals("accuracy_lo").push_back(alo + (ahi - alo) * a / AB);
        hist.reals("accuracy_hi").push_back(alo + (ahi - alo) * (a + 1) / AB);
        hist.reals("latency_lo_ms", "ms").push_back(llo + (lhi - llo) * l / LB);
        hist.reals("latency_hi_ms", "ms").push_back(llo + (lhi - llo) * (l + 1) / LB);
        hist.ints("count").push_back(counts[k]);
        hist.ints("frontier_points").push_back(marks[k]);
      }

    sim::Json pts = sim::Json::array(), zpts = sim::Json::array();
    for (const auto& f : front) pts.push_back(point_json(sp, f));
    for (const auto& f : zoo) zpts.push_back(point_json(sp, f));
    frontier_json["tasks"][task.name] = {{"model", m.name}, {"frontier", pts}, {"zoo_frontier", zpts}};

    int stitched_samples = 0;
    for (const auto& s : samples) stitched_samples += ex::is_diagonal(s.variants) ? 0 : 1;
    auto ref = [&](const std::vector<ex::FrontierPoint>& v, int i) { return i < 0 ? sim::Json() : point_json(sp, v[static_cast<std::size_t>(i)]); };
    summary["tasks"][task.name] = {
        {"model", m.name},
        {"subgraphs", sp.subgraphs},
        {"variants", sp.variants},
        {"processors", sp.processor_names},
        {"placement", ex::to_string(sp.placement)},
        {"placements_per_tuple", au.count_sequences(sp.subgraphs)},
        {"tuples", sp.tuple_count()},
        {"memory_budget_bytes", sp.memory_budget_bytes},
        {"precision_changes_from_profile", sp.precision_changes_from_profile},
        {"table", {{"rows", rows.rows.size()}, {"sampled", rows.sampled}, {"drawn", rows.drawn}, {"rows_on_frontier", rows_on_front}}},
        {"accuracy",
         {{"measured_stitched_samples", stitched_samples},
          {"estimator", c.resolved["estimator"]},
          {"estimator_form", acc.additive() ? "additive" : "adjacent pairs"},
          {"cv", {{"estimator", cv_json(cv)}, {"baseline", cv_json(cv_base)}, {"baseline_estimator", c.resolved["baseline_estimator"]}}}}},
        {"frontier",
         {{"points", front.size()},
          {"zoo_points", zoo.size()},
          {"search_candidates", stats.candidates},
          {"search_kept", stats.kept}}},
        {"stitching_gain",
         {{"new_frontier_points", gain.new_points},
          {"accuracy_gain_at_equal_or_lower_latency", gain.accuracy_gain},
          {"accuracy_gain_zoo_point", ref(zoo, gain.accuracy_gain_zoo)},
          {"accuracy_gain_stitched_point", ref(front, gain.accuracy_gain_stitched)},
          {"latency_cut_ms_at_equal_or_higher_accuracy", gain.latency_cut_ms},
          {"latency_cut_share", gain.latency_cut_share},
          {"latency_cut_zoo_point", ref(zoo, gain.latency_cut_zoo)},
          {"latency_cut_stitched_point", ref(front, gain.latency_cut_stitched)}}},
        {"stitching_gain_at_margin",
         {{"margin", acc_m.margin},
          {"margin_source", c.accuracy_margin >= 0 ? "config accuracy_margin" : "estimator (calibrated CV p95; 0 without measured stitched samples)"},
          {"estimator_cv_p95_abs", acc.cv.samples ? sim::Json(acc.cv.p95_abs) : sim::Json()},
          {"new_frontier_points", gain_m.new_points},
          {"accuracy_gain_at_equal_or_lower_latency", gain_m.accuracy_gain},
          {"latency_cut_ms_at_equal_or_higher_accuracy", gain_m.latency_cut_ms},
          {"latency_cut_share", gain_m.latency_cut_share},
          {"latency_cut_zoo_point", ref(zoo, gain_m.latency_cut_zoo)},
          {"latency_cut_stitched_point", ref(front_m, gain_m.latency_cut_stitched)}}}};
    if (!quiet) {
      std::cout << fmt::format(
          "{:<12} {:<10} {}^{} tuples x {} placements: frontier {} points ({} new vs {} zoo); "
          "+{:.4f} accuracy at <= latency, -{:.3f} ms ({:.1f}%) at >= accuracy; CV MAE {} vs analytic {}\n",
          task.name, m.name, sp.variants, sp.subgraphs, au.count_sequences(sp.subgraphs), front.size(), gain.new_points,
          zoo.size(), gain.accuracy_gain, gain.latency_cut_ms, 100 * gain.latency_cut_share,
          cv.samples ? fmt::format("{:.4f}", cv.mae) : "n/a", cv_base.samples ? fmt::format("{:.4f}", cv_base.mae) : "n/a");
      std::cout << fmt::format("{:<12} at accuracy margin {:.4f}: +{:.4f} accuracy at <= latency, -{:.3f} ms ({:.1f}%) at >= accuracy\n",
                               "", acc_m.margin, gain_m.accuracy_gain, gain_m.latency_cut_ms, 100 * gain_m.latency_cut_share);
    }
  }
  sim::Json resolved = c.resolved;
  sim::write_json_file(dir.file("explore.resolved.json"), resolved);
  sim::write_json_file(dir.file("summary.json"), summary);
  sim::write_json_file(dir.file("frontier.json"), frontier_json);
  auto sink = sim::make_sink(sim::ConfigNode(sim::Json{{"name", "hdf5"}, {"file", "explore.h5"}}, "<explore>"));
  sink->write(dir.staging(), {&variants, &frontier_t, &zoo_t, &hist});
  dir.commit();
  if (!quiet) std::cout << "wrote " << out_dir << "\n";
  return summary;
}

}  // namespace experiments
