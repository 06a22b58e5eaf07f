#include "experiments/sweep.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "experiments/capacity.h"
#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "experiments/sweep_dir.h"
#include "sim/run_directory.h"
#include "sim/table.h"

namespace experiments {
namespace fs = std::filesystem;

std::size_t SweepSpec::run_count() const {
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.labels.size();
  return n;
}

std::vector<std::size_t> SweepSpec::coordinates(std::size_t index) const {
  std::vector<std::size_t> c(axes.size());
  for (std::size_t i = axes.size(); i-- > 0;) {
    c[i] = index % axes[i].labels.size();
    index /= axes[i].labels.size();
  }
  return c;
}

namespace {

std::string label_of(const sim::Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// `ordered_values` is the same axis's "values" as written in the file (keys in file order).
SweepAxis read_axis(const sim::ConfigNode& node, const nlohmann::ordered_json& ordered_values) {
  node.expect_keys({"key", "name", "values"});
  SweepAxis a;
  auto values = node.at("values");
  if (node.has("key")) {
    std::string key = node.at("key").as_string();
    a.key = key;
    a.name = node.get_string("name", key);
    values.expect_array();
    for (const auto& v : values.elements()) {
      a.labels.push_back(label_of(v.json()));
      a.overrides.push_back({{key, v.json()}});
    }
  } else {
    a.name = node.at("name").as_string();
    values.expect_object();
    for (auto it = ordered_values.begin(); it != ordered_values.end(); ++it) {
      const std::string& label = it.key();
      auto set = values.at(label);
      set.expect_object();
      a.labels.push_back(label);
      std::vector<std::pair<std::string, sim::Json>> o;
      for (const auto& k : set.keys()) o.emplace_back(k, set.at(k).json());
      a.overrides.push_back(std::move(o));
    }
  }
  if (a.labels.empty()) values.fail("an axis needs at least one value");
  return a;
}

// Flattens numeric leaves of the summary into "a.b.c" -> number.
void flatten(const sim::Json& j, const std::string& prefix, sim::Json& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_number()) {
    out[prefix] = j;
  } else if (j.is_null()) {
    out[prefix] = nullptr;  // e.g. no finished request, so no percentile
  }
}

std::string base_dir_of(const std::string& file) {
  std::string d = fs::path(file).parent_path().string();
  return d.empty() ? "." : d;
}

}  // namespace

const std::vector<std::string>& capacity_metric_names() {
  static const std::vector<std::string> names = {"capacity_rps", "capacity_scale", "probes",
                                                 "slo_violation_rate_at_capacity", "throughput_rps_at_capacity"};
  return names;
}

namespace {

CapacitySpec read_capacity(const sim::ConfigNode& node) {
  node.expect_keys({"target", "low", "high", "tolerance"});
  CapacitySpec c;
  c.target = node.get_double("target", c.target);
  c.low = node.get_double("low", c.low);
  c.high = node.get_double("high", c.high);
  c.tolerance = node.get_double("tolerance", c.tolerance);
  if (!(c.target >= 0 && c.target <= 1)) node.at("target").fail("the target violation rate must be in [0, 1]");
  if (!(c.low > 0 && c.high > c.low && c.high < 1e12)) node.fail("need 0 < low < high < 1e12");
  // Each bisection step halves log(high/low); a tolerance of 0 would never end.
  if (!(c.tolerance >= 1e-9 && c.tolerance <= 1e3)) node.fail("tolerance must be in [1e-9, 1000]");
  return c;
}

// The values of one capacity cell (capacity_metric_names(), in that order).
sim::Json capacity_values(const CapacityResult& r) {
  const CapacityProbe* at = nullptr;  // the probe at the capacity found
  for (const auto& p : r.probes)
    if (p.scale == r.scale) at = &p;
  return {{"capacity_rps", r.capacity_rps},
          {"capacity_scale", r.scale},
          {"probes", r.probes.size()},
          {"slo_violation_rate_at_capacity", at ? sim::Json(at->violation_rate) : sim::Json()},
          {"throughput_rps_at_capacity", at ? sim::Json(at->throughput_rps) : sim::Json()}};
}

}  // namespace

SweepSpec read_sweep(const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  sim::ConfigNode root(j, file);
  root.expect_keys({"description", "base", "axes", "metrics", "capacity"});
  if (root.has("description")) root.at("description").as_string();
  SweepSpec s;
  s.file = file;
  fs::path base(root.at("base").as_string());
  s.base_config = (base.is_relative() ? fs::path(base_dir_of(file)) / base : base).lexically_normal().string();
  // The file again, keeping key order: named axis values run in the order they are written.
  // read_json_file has accepted it, so it parses and is within bounds.
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text, nullptr, false);
  auto axes = root.at("axes");
  axes.expect_array();
  if (axes.size() == 0) axes.fail("a sweep needs at least one axis");
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const nlohmann::ordered_json* values = nullptr;
    if (ordered.is_object() && ordered["axes"].is_array() && i < ordered["axes"].size() && ordered["axes"][i].is_object() &&
        ordered["axes"][i].contains("values")) {
      values = &ordered["axes"][i]["values"];
    }
    static const nlohmann::ordered_json kNone = nlohmann::ordered_json::object();
    s.axes.push_back(read_axis(axes.at(i), values ? *values : kNone));
  }
  // Bounded so run indices and coordinates cannot overflow.
  double runs = 1;
  for (const auto& a : s.axes) runs *= static_cast<double>(a.labels.size());
  if (runs > 1e7) axes.fail(fmt::format("{:.0f} runs; a sweep may have at most 10^7", runs));
  for (std::size_t i = 0; i < s.axes.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (s.axes[i].name == s.axes[k].name) root.at("axes").at(i).fail(fmt::format("duplicate axis name '{}'", s.axes[i].name));
  if (root.has("capacity")) s.capacity = read_capacity(root.at("capacity"));
  if (root.has("metrics")) {
    auto metrics = root.at("metrics");
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      s.metrics.push_back(metrics.at(m).as_string());
      const auto& names = capacity_metric_names();
      if (s.capacity && std::find(names.begin(), names.end(), s.metrics.back()) == names.end()) {
        metrics.at(m).fail(fmt::format("a capacity sweep's metrics are {}", fmt::join(names, ", ")));
      }
    }
  }
  return s;
}

namespace {

// FNV-1a, 64 bit: identifies a spec, not a security measure.
std::string hash_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

// The summary's metric names for experiment `e`, from an empty result of the right shape.
sim::Json summary_metrics(const Experiment& e) {
  RunResult empty;
  empty.stats = RunStats(e.tasks.size());
  empty.utilization.assign(e.platform.processors.size(), 0.0);
  empty.jobs_per_processor.assign(e.platform.processors.size(), 0);
  sim::Json flat = sim::Json::object();
  flatten(make_summary(e, empty), "", flat);
  return flat;
}

}  // namespace

SweepPlan validate_sweep(const SweepSpec& spec) {
  SweepPlan plan;
  plan.base = sim::read_json_file(spec.base_config);
  plan.base_dir = base_dir_of(spec.base_config);
  sim::Json sweep_json = sim::read_json_file(spec.file);
  plan.spec_hash = hash_hex(sweep_json.dump() + "\n" + plan.base.dump());
  std::vector<std::string> missing_metric_in;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    const SweepAxis& axis = spec.axes[a];
    for (std::size_t v = 0; v < axis.labels.size(); ++v) {
      std::string where = axis.key.empty() ? fmt::format("$.axes[{}].values.{}", a, axis.labels[v])
                                           : fmt::format("$.axes[{}].values[{}]", a, v);
      std::string what = fmt::format("axis '{}' value '{}'", axis.name, axis.labels[v]);
      sim::Json c = plan.base;
      Experiment e;
      try {
        for (const auto& [key, value] : axis.overrides[v]) sim::set_path(c, key, value, spec.file);
        e = load_experiment_json(c, spec.base_config, plan.base_dir);
      } catch (const sim::ConfigError& err) {
        throw sim::ConfigError(spec.file, where, fmt::format("{}: {}", what, err.what()));
      }
      if (spec.capacity) {
        // Every task's rate is scaled: each needs one (checked here, before anything is created).
        for (std::size_t t = 0; t < e.tasks.size(); ++t) {
          const sim::Json& arrival = c["tasks"][t]["arrival"];
          if (!arrival.is_object() || !arrival.contains("rate_rps") || !arrival["rate_rps"].is_number()) {
            throw sim::ConfigError(spec.file, where,
                                   fmt::format("{}: a capacity sweep scales arrival rates, and $.tasks[{}].arrival "
                                               "has no numeric rate_rps",
                                               what, t));
          }
        }
        continue;  // its metrics are fixed (checked in read_sweep)
      }
      sim::Json metrics = summary_metrics(e);
      for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
        if (!metrics.contains(spec.metrics[m])) {
          throw sim::ConfigError(spec.file, fmt::format("$.metrics[{}]", m),
                                 fmt::format("the summary has no metric '{}' (with {}); metrics are dotted summary "
                                             "paths such as overall.slo_violation_rate",
                                             spec.metrics[m], what));
        }
      }
    }
  }
  return plan;
}

sim::Json config_for_run(const SweepSpec& spec, const sim::Json& base, std::size_t index) {
  sim::Json c = base;
  auto coord = spec.coordinates(index);
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (const auto& [key, value] : spec.axes[a].overrides[coord[a]]) {
      sim::set_path(c, key, value, fmt::format("{}: axis '{}' value '{}'", spec.file, spec.axes[a].name,
                                               spec.axes[a].labels[coord[a]]));
    }
  }
  return c;
}

std::vector<SweepRow> read_progress(const std::string& out_dir, std::size_t run_count) {
  std::map<std::size_t, sim::Json> rows;
  fs::path dir = fs::path(out_dir) / "progress";
  if (fs::exists(dir)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::string line;
      while (std::getline(in, line)) {
        // A line cut short by a kill does not parse (or lacks fields): that run is redone.
        sim::Json j = sim::Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("index") || !j["index"].is_number_unsigned() ||
            !j.contains("values") || !j["values"].is_object()) {
          continue;
        }
        auto index = j["index"].get<std::size_t>();
        if (index < run_count) rows.emplace(index, j["values"]);
      }
    }
  }
  std::vector<SweepRow> out;
  for (auto& [i, v] : rows) out.push_back({i, std::move(v)});
  return out;
}

std::vector<SweepRow> run_sweep_rank(const SweepSpec& spec, const SweepPlan& plan, const SweepOptions& opt) {
  const sim::Json& base = plan.base;
  const std::string& base_dir = plan.base_dir;

  std::vector<bool> done(spec.run_count(), false);
  for (std::size_t i : opt.done)
    if (i < done.size()) done[i] = true;
  std::vector<std::size_t> pending;
  for (std::size_t i = 0, k = 0; i < done.size(); ++i) {
    if (done[i]) continue;
    if (static_cast<int>(k++ % static_cast<std::size_t>(opt.ranks)) == opt.rank) pending.push_back(i);
  }

  fs::create_directories(fs::path(opt.out_dir) / "progress");
  std::string progress_file = (fs::path(opt.out_dir) / "progress" / fmt::format("rank-{}.jsonl", opt.rank)).string();
  repair_progress_file(progress_file);
  std::ofstream progress(progress_file, std::ios::app);
  if (!progress) throw std::runtime_error("cannot write " + progress_file);
  std::mutex mutex;
  std::vector<SweepRow> rows;
  std::string error;
  std::exception_ptr config_error;  // bad input found only in a run: rethrown as it is
  std::atomic<std::size_t> finished{0};
  auto t0 = std::chrono::steady_clock::now();
  auto last_print = t0;
  bool tty = isatty(STDERR_FILENO);
  std::size_t last_decile = 0;

  int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t k = 0; k < pending.size(); ++k) {
    if ((opt.interrupted && opt.interrupted->load()) || !error.empty()) continue;
    std::size_t index = pending[k];
    SweepRow row{index, sim::Json::object()};
    try {
      sim::Json config = config_for_run(spec, base, index);
      sim::Json flat = sim::Json::object();
      if (spec.capacity) {
        const CapacitySpec& cs = *spec.capacity;
        flat = capacity_values(
            find_capacity(config, spec.base_config, base_dir, cs.target, cs.low, cs.high, cs.tolerance));
      } else {
        Experiment e = load_experiment_json(config, spec.base_config, base_dir);
        e.outputs.intervals = false;
        e.outputs.trace = false;
        Simulation simulation(e);
        flatten(make_summary(e, simulation.run()), "", flat);
      }
      auto coord = spec.coordinates(index);
      for (std::size_t a = 0; a < spec.axes.size(); ++a) row.values[spec.axes[a].name] = spec.axes[a].labels[coord[a]];
      if (spec.metrics.empty()) {
        for (auto it = flat.begin(); it != flat.end(); ++it) row.values[it.key()] = it.value();
      } else {
        for (const auto& m : spec.metrics) {
          if (!flat.contains(m)) throw sim::ConfigError(spec.file, "$.metrics", fmt::format("summary has no metric '{}'", m));
          row.values[m] = flat[m];
        }
      }
    } catch (const std::exception& ex) {
      std::lock_guard lock(mutex);
      if (error.empty()) {
        error = ex.what();
        if (dynamic_cast<const sim::ConfigError*>(&ex) || dynamic_cast<const sim::TimeOverflow*>(&ex)) {
          config_error = std::current_exception();
        }
      }
      continue;
    }
    std::lock_guard lock(mutex);
    progress << sim::Json{{"index", index}, {"values", row.values}}.dump() << '\n';
    progress.flush();
    rows.push_back(std::move(row));
    std::size_t n = ++finished;
    auto now = std::chrono::steady_clock::now();
    if (opt.progress && opt.rank == 0 && (now - last_print > std::chrono::milliseconds(500) || n == pending.size())) {
      double el = std::chrono::duration<double>(now - t0).count();
      double rate = static_cast<double>(n) / std::max(el, 1e-9);
      double eta = static_cast<double>(pending.size() - n) / std::max(rate, 1e-9);
      std::size_t decile = n * 10 / std::max<std::size_t>(pending.size(), 1);
      std::string bar(static_cast<std::size_t>(30.0 * static_cast<double>(n) / static_cast<double>(pending.size())), '#');
      std::string line = fmt::format("[sweep] [{:<30}] {}/{} runs ({:.0f}%)  {:.1f} runs/s  ETA {:.0f}s", bar, n,
                                     pending.size(), 100.0 * static_cast<double>(n) / static_cast<double>(pending.size()),
                                     rate, eta);
      if (tty) {
        std::cerr << "\r" << line << std::flush;
        last_print = now;
      } else if (decile != last_decile) {
        std::cerr << line << "\n";
        last_decile = decile;
      }
    }
  }
  if (opt.progress && opt.rank == 0 && tty) std::cerr << "\n";
  if (config_error) std::rethrow_exception(config_error);
  if (!error.empty()) throw std::runtime_error(error);
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  return rows;
}

void write_sweep_results(const SweepSpec& spec, const std::vector<SweepRow>& rows, const std::string& out_dir) {
  // Columns: run index, the axes in order, then every metric in sorted order.
  sim::Table table("runs");
  auto& idx = table.ints("run");
  std::vector<std::vector<std::string>*> axis_cols;
  for (const auto& a : spec.axes) axis_cols.push_back(&table.strings(a.name));
  std::vector<std::string> metric_names;
  if (!rows.empty()) {
    for (auto it = rows.front().values.begin(); it != rows.front().values.end(); ++it) {
      bool is_axis = false;
      for (const auto& a : spec.axes) is_axis = is_axis || a.name == it.key();
      if (!is_axis) metric_names.push_back(it.key());
    }
  }
  std::vector<std::vector<double>*> metric_cols;
  for (const auto& m : metric_names) metric_cols.push_back(&table.reals(m));
  for (const auto& r : rows) {
    idx.push_back(static_cast<std::int64_t>(r.index));
    for (std::size_t a = 0; a < spec.axes.size(); ++a) axis_cols[a]->push_back(r.values.value(spec.axes[a].name, ""));
    for (std::size_t m = 0; m < metric_names.size(); ++m) {
      const auto& v = r.values.contains(metric_names[m]) ? r.values[metric_names[m]] : sim::Json();
      metric_cols[m]->push_back(v.is_number() ? v.get<double>() : std::nan(""));
    }
  }
  // Results go next to progress/ in the same directory; each file is written to a temporary
  // name and renamed, so a reader never sees half a file.
  fs::path dir(out_dir);
  std::string tmp = (dir / ".results.staging").string();
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::vector<const sim::Table*> ptrs = {&table};
  sim::make_sink(sim::ConfigNode(sim::Json{{"name", "hdf5"}, {"file", "results.h5"}}, "<sweep>"))->write(tmp, ptrs);
  sim::make_sink(sim::ConfigNode(sim::Json("csv"), "<sweep>"))->write(tmp, ptrs);
  fs::rename(fs::path(tmp) / "results.h5", dir / "results.h5");
  fs::rename(fs::path(tmp) / "runs.csv", dir / "results.csv");
  fs::remove_all(tmp);
}

}  // namespace experiments
