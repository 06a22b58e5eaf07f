#include "experiments/live/validate.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "experiments/experiment.h"
#include "experiments/live/live_run.h"
#include "experiments/live/machine.h"
#include "experiments/live/zoo.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "sim/output_path.h"
#include "sim/run_directory.h"
#include "sim/table.h"

namespace live {
namespace fs = std::filesystem;

namespace {

sim::Json number_or_null(const sim::Json& j) { return j.is_number() ? j : sim::Json(nullptr); }

sim::Json pair(const sim::Json& predicted, const sim::Json& measured, bool points) {
  sim::Json out = {{"predicted", number_or_null(predicted)}, {"measured", number_or_null(measured)}};
  if (predicted.is_number() && measured.is_number()) {
    double p = predicted.get<double>(), m = measured.get<double>();
    if (points) out["error_pp"] = 100.0 * (p - m);
    else out["error_pct"] = m != 0 ? sim::Json(100.0 * (p - m) / m) : sim::Json(nullptr);
  }
  return out;
}

sim::Json group(const sim::Json& p, const sim::Json& m) {
  return {{"requests", {{"predicted", p["requests"]}, {"measured", m["requests"]}}},
          {"p50_ms", pair(p["latency_ms"]["p50"], m["latency_ms"]["p50"], false)},
          {"p99_ms", pair(p["latency_ms"]["p99"], m["latency_ms"]["p99"], false)},
          {"mean_ms", pair(p["latency_ms"]["mean"], m["latency_ms"]["mean"], false)},
          {"throughput_rps", pair(p["throughput_rps"], m["throughput_rps"], false)},
          {"slo_violation_rate", pair(p["slo_violation_rate"], m["slo_violation_rate"], true)}};
}

void write_run(const std::string& dir, const experiments::Experiment& e, const experiments::RunResult& r,
               const sim::Json& summary) {
  fs::create_directories(dir);
  sim::write_json_file(dir + "/summary.json", summary);
  auto tables = experiments::make_tables(e, r);
  std::vector<const sim::Table*> ptrs;
  for (const auto& t : tables) ptrs.push_back(&t);
  for (const auto& sink : e.outputs.sinks) sim::make_sink(sink)->write(dir, ptrs);
}

}  // namespace

sim::Json compare_summaries(const sim::Json& p, const sim::Json& m) {
  sim::Json c;
  c["tasks"] = sim::Json::object();
  for (auto it = p["tasks"].begin(); it != p["tasks"].end(); ++it) c["tasks"][it.key()] = group(it.value(), m["tasks"][it.key()]);
  c["overall"] = group(p["overall"], m["overall"]);
  c["peak_memory_bytes"] = pair(p["memory"]["peak_bytes"], m["memory"]["peak_bytes"], false);
  return c;
}

std::string format_comparison(const sim::Json& c) {
  std::string out = fmt::format("{:<14} {:<18} {:>12} {:>12} {:>10}\n", "task", "metric", "predicted", "measured", "error");
  auto cell = [](const sim::Json& v) { return v.is_number() ? fmt::format("{:.3f}", v.get<double>()) : std::string("-"); };
  auto rows = [&](const std::string& name, const sim::Json& g) {
    for (const char* k : {"p50_ms", "p99_ms", "throughput_rps", "slo_violation_rate"}) {
      const auto& x = g[k];
      std::string err = x.contains("error_pct") ? (x["error_pct"].is_number() ? fmt::format("{:+.1f}%", x["error_pct"].get<double>()) : "-")
                        : x.contains("error_pp") ? fmt::format("{:+.1f}pp", x["error_pp"].get<double>())
                                                 : "-";
      out += fmt::format("{:<14} {:<18} {:>12} {:>12} {:>10}\n", name, k, cell(x["predicted"]), cell(x["measured"]), err);
    }
  };
  for (auto it = c["tasks"].begin(); it != c["tasks"].end(); ++it) rows(it.key(), it.value());
  rows("overall", c["overall"]);
  const auto& mem = c["peak_memory_bytes"];
  out += fmt::format("{:<14} {:<18} {:>12} {:>12} {:>10}\n", "all", "peak_memory_MiB",
                     fmt::format("{:.2f}", mem["predicted"].get<double>() / 1048576.0),
                     fmt::format("{:.2f}", mem["measured"].get<double>() / 1048576.0),
                     mem["error_pct"].is_number() ? fmt::format("{:+.1f}%", mem["error_pct"].get<double>()) : "-");
  return out;
}

sim::Json run_validate(const std::string& config_file, const std::string& out_dir, bool quiet, bool overwrite) {
  sim::Json cj = sim::read_json_file(config_file);
  sim::ConfigNode root(cj, config_file);
  root.expect_keys({"name", "description", "zoo", "experiment", "executor"});
  std::string base = fs::path(config_file).parent_path().string();
  if (base.empty()) base = ".";
  auto resolve = [&](const std::string& p) {
    fs::path f(p);
    return (f.is_relative() ? fs::path(base) / f : f).lexically_normal().string();
  };
  if (root.has("description")) root.at("description").as_string();
  std::string name = root.has("name") ? sim::checked_output_name(root.at("name")) : fs::path(config_file).stem().string();
  std::string executor = root.get_string("executor", "onednn");
  if (executor != "onednn" && executor != "replay") {
    root.at("executor").fail(fmt::format("unknown executor '{}' (valid: onednn, replay)", executor));
  }
  auto en = root.at("experiment");
  experiments::Experiment e = en.is_string() ? experiments::load_experiment(resolve(en.as_string()))
                                             : experiments::load_experiment_json(en.json(), config_file, base, en.path());
  std::unique_ptr<Zoo> zoo;
  sim::Json zoo_resolved;
  std::vector<std::vector<int>> cores;
  bool realtime = false;
  if (executor == "onednn" || root.has("zoo")) {
    ZooConfig zoo_cfg = read_zoo_config(resolve(root.at("zoo").as_string()));
    zoo_resolved = zoo_cfg.resolved;
    zoo = std::make_unique<Zoo>(zoo_cfg);
    cores = zoo_cores(e, *zoo, config_file);
    realtime = zoo->config().realtime;
  } else {
    // The replay executor needs no models and its workers mostly sleep: they are not pinned, so
    // the kernel can wake each on whichever core is free.
    cores.assign(e.platform.processors.size(), {});
    // At SCHED_FIFO where permitted, so other processes of a shared machine do not delay wake-ups.
    realtime = realtime_permitted();
  }
  // Checks that the zoo covers the experiment before anything runs.
  LiveRun live_run(e, executor == "replay" ? LiveRun::Executor::kReplay : LiveRun::Executor::kOnednn, cores, realtime,
                   zoo.get(), config_file);
  sim::RunDirectory dir(out_dir, "validate", overwrite);  // checks out_dir before anything runs

  auto t0 = std::chrono::steady_clock::now();
  experiments::Simulation simulation(e);
  experiments::RunResult predicted = simulation.run();
  double sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  experiments::RunResult measured = live_run.run();
  double live_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  sim::Json ps = experiments::make_summary(e, predicted), ms = experiments::make_summary(e, measured);
  sim::Json c = compare_summaries(ps, ms);
  MachineInfo machine = machine_info();
  c["name"] = name;
  c["experiment"] = e.name;
  c["profile"] = e.profile->file;
  c["machine"] = machine.summary();
  c["process_peak_rss_bytes"] = peak_rss_bytes();
  c["wall_s"] = {{"simulated", sim_s}, {"live", live_s}};
  sim::Json notes = sim::Json::array();
  if (predicted.evictions > 0) {
    notes.push_back("the simulation evicted units; the live backend never evicts, so memory numbers are not comparable");
  }
  if (executor == "onednn") {
    notes.push_back("measured peak memory is the allocator's bytes in use (mallinfo2) above their level when the run "
                    "started, sampled at every job start and end; process_peak_rss_bytes is the whole process, "
                    "including the zoo in memory");
  } else {
    notes.push_back("replay executor: jobs wait out the simulator's own times, so this compares the two request flows, "
                    "not the hardware; measured peak memory is the pool's accounting");
  }
  c["executor"] = executor;
  c["live_accounted_peak_bytes"] = live_run.accounted_peak_bytes();
  c["notes"] = notes;

  sim::Json resolved = {{"name", name}, {"executor", executor}, {"zoo", zoo_resolved}, {"experiment", e.resolved}};
  sim::write_json_file(dir.file("config.resolved.json"), resolved);
  sim::write_json_file(dir.file("summary.json"), c);
  write_run(dir.file("simulated"), e, predicted, ps);
  write_run(dir.file("live"), e, measured, ms);
  dir.commit();
  if (!quiet) {
    fmt::print("{}\n", format_comparison(c));
    fmt::print("simulated in {:.2f} s, ran live in {:.2f} s on {}\nresults in {}/\n", sim_s, live_s, machine.cpu_model, out_dir);
  }
  return c;
}

}  // namespace live
