#include "experiments/sweep.h"

#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
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

SweepAxis read_axis(const sim::ConfigNode& node) {
  node.expect_keys({"key", "name", "values"});
  SweepAxis a;
  auto values = node.at("values");
  if (node.has("key")) {
    std::string key = node.at("key").as_string();
    a.name = node.get_string("name", key);
    values.expect_array();
    for (const auto& v : values.elements()) {
      a.labels.push_back(label_of(v.json()));
      a.overrides.push_back({{key, v.json()}});
    }
  } else {
    a.name = node.at("name").as_string();
    values.expect_object();
    for (const auto& label : values.keys()) {
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

SweepSpec read_sweep(const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  sim::ConfigNode root(j, file);
  root.expect_keys({"description", "base", "axes", "metrics"});
  SweepSpec s;
  s.file = file;
  fs::path base(root.at("base").as_string());
  s.base_config = (base.is_relative() ? fs::path(base_dir_of(file)) / base : base).lexically_normal().string();
  for (const auto& a : root.at("axes").elements()) s.axes.push_back(read_axis(a));
  for (std::size_t i = 0; i < s.axes.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (s.axes[i].name == s.axes[k].name) root.at("axes").at(i).fail(fmt::format("duplicate axis name '{}'", s.axes[i].name));
  if (root.has("metrics"))
    for (const auto& m : root.at("metrics").elements()) s.metrics.push_back(m.as_string());
  return s;
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

std::vector<SweepRow> read_progress(const std::string& out_dir) {
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
        if (j.is_discarded() || !j.contains("index") || !j.contains("values")) continue;
        rows.emplace(j["index"].get<std::size_t>(), j["values"]);
      }
    }
  }
  std::vector<SweepRow> out;
  for (auto& [i, v] : rows) out.push_back({i, std::move(v)});
  return out;
}

std::vector<SweepRow> run_sweep_rank(const SweepSpec& spec, const SweepOptions& opt) {
  sim::Json base = sim::read_json_file(spec.base_config);
  std::string base_dir = base_dir_of(spec.base_config);
  // Validate every axis value on its own before running anything, so a typo fails in
  // milliseconds rather than after hours.
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    for (std::size_t v = 0; v < spec.axes[a].labels.size(); ++v) {
      sim::Json c = base;
      for (const auto& [key, value] : spec.axes[a].overrides[v]) sim::set_path(c, key, value, spec.file);
      load_experiment_json(c, spec.base_config, base_dir);
    }
  }

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
  std::ofstream progress(progress_file, std::ios::app);
  if (!progress) throw std::runtime_error("cannot write " + progress_file);
  std::mutex mutex;
  std::vector<SweepRow> rows;
  std::string error;
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
      Experiment e = load_experiment_json(config, spec.base_config, base_dir);
      e.outputs.intervals = false;
      e.outputs.trace = false;
      Simulation simulation(e);
      sim::Json summary = make_summary(e, simulation.run());
      auto coord = spec.coordinates(index);
      for (std::size_t a = 0; a < spec.axes.size(); ++a) row.values[spec.axes[a].name] = spec.axes[a].labels[coord[a]];
      sim::Json flat = sim::Json::object();
      flatten(summary, "", flat);
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
      if (error.empty()) error = ex.what();
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
