#include "experiments/report.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "experiments/result_tables.h"
#include "sim/chrome_trace.h"
#include "sim/run_directory.h"
#include "sim/stats.h"

namespace experiments {
sim::Json make_summary(const Experiment& e, const RunResult& r) {
  // Throughput is over the whole run: from 0 to the last completion.
  double span_s = r.end_time.to_s();
  sim::Json s;
  s["experiment"] = e.name;
  s["seed"] = e.seed;
  s["simulated_time_s"] = span_s;
  s["events"] = r.events;
  s["overall"] = r.stats.all.json(span_s);
  s["tasks"] = sim::Json::object();
  if (r.stats.tasks.size() != e.tasks.size()) throw std::logic_error("run statistics do not match the experiment's tasks");
  for (std::size_t t = 0; t < e.tasks.size(); ++t) s["tasks"][e.tasks[t].name] = r.stats.tasks[t].json(span_s);
  s["processors"] = sim::Json::object();
  for (std::size_t p = 0; p < e.platform.processors.size(); ++p) {
    s["processors"][e.platform.processors[p].name] = {{"utilization", r.utilization[p]},
                                                      {"jobs", r.jobs_per_processor[p]}};
  }
  s["peak_memory_bytes"] = r.peak_memory_bytes;
  s["plans"] = {{"distinct", r.plans.size()}, {"stitched_requests", r.stats.stitched_requests}};
  s["memory"] = {{"capacity_bytes", e.platform.memory_capacity_bytes},
                 {"peak_bytes", r.peak_memory_bytes},
                 {"average_bytes", r.average_memory_bytes},
                 {"loads", r.loads},
                 {"hits", r.hits},
                 {"evictions", r.evictions},
                 {"preloaded_bytes", r.preloaded_bytes}};
  // Only models that may overcommit to a swap device report demand (execution_models/layerwise.h).
  if (r.peak_demand_bytes > 0) {
    s["memory"]["peak_demand_bytes"] = r.peak_demand_bytes;
    s["memory"]["swap_bytes"] = r.swap_bytes;
  }
  return s;
}

std::vector<sim::Table> make_tables(const Experiment& e, const RunResult& r) {
  ResultRows rows(e);
  for (const auto& x : r.requests) rows.add_request(x, r.plans[static_cast<std::size_t>(x.plan)]);
  for (const auto& x : r.intervals) rows.add_interval(x);
  for (const auto& x : r.decisions) rows.add_decision(x);
  std::vector<sim::Table> tables;
  for (sim::Table* t : rows.tables()) tables.push_back(std::move(*t));
  return tables;
}

void write_trace(const Experiment& e, const RunResult& r, const std::string& path) {
  sim::ChromeTrace trace;
  for (std::size_t p = 0; p < e.platform.processors.size(); ++p) {
    const auto& proc = e.platform.processors[p];
    trace.name_process(static_cast<int>(p) + 1, fmt::format("{} ({})", proc.name, hw::to_string(proc.kind)));
    for (int s = 0; s < proc.slots; ++s) trace.name_thread(static_cast<int>(p) + 1, s, fmt::format("slot {}", s));
  }
  auto limit = static_cast<std::uint64_t>(e.outputs.trace_max_requests);
  for (const auto& iv : r.intervals) {
    if (iv.request >= limit) continue;
    const auto& req = r.requests[iv.request];
    const auto& t = e.tasks[static_cast<std::size_t>(req.task)];
    std::string name = fmt::format("{} #{} sg{}", t.name, iv.request, iv.subgraph);
    trace.complete(iv.processor + 1, iv.slot, iv.phase == 0 ? name + " load" : name, iv.phase == 0 ? "load" : t.name,
                   iv.start, iv.end - iv.start, {{"request", iv.request}, {"task", t.name}});
  }
  trace.write(path);
}

std::string format_summary_table(const sim::Json& s) {
  std::string out = fmt::format("{:<14} {:>9} {:>8} {:>10} {:>9} {:>9} {:>9} {:>11}\n", "task", "requests", "dropped",
                                "violation", "p50 ms", "p95 ms", "p99 ms", "throughput");
  auto row = [&](const std::string& name, const sim::Json& g) {
    auto ms = [&](const char* k) {
      const auto& v = g["latency_ms"][k];
      return v.is_null() ? std::string("-") : fmt::format("{:.2f}", v.get<double>());
    };
    out += fmt::format("{:<14} {:>9} {:>8} {:>9.2f}% {:>9} {:>9} {:>9} {:>7.1f} r/s\n", name,
                       g["requests"].get<std::uint64_t>(), g["dropped"].get<std::uint64_t>(),
                       100.0 * g["slo_violation_rate"].get<double>(), ms("p50"), ms("p95"), ms("p99"),
                       g["throughput_rps"].get<double>());
  };
  for (auto it = s["tasks"].begin(); it != s["tasks"].end(); ++it) row(it.key(), it.value());
  row("overall", s["overall"]);
  out += "\nprocessor      utilization   jobs\n";
  for (auto it = s["processors"].begin(); it != s["processors"].end(); ++it) {
    out += fmt::format("{:<14} {:>10.1f}% {:>6}\n", it.key(), 100.0 * it.value()["utilization"].get<double>(),
                       it.value()["jobs"].get<std::uint64_t>());
  }
  out += fmt::format("\npeak memory {:.1f} MiB of {:.1f} MiB ({} loads, {} evictions)\n",
                     s["memory"]["peak_bytes"].get<double>() / 1048576.0,
                     s["memory"]["capacity_bytes"].get<double>() / 1048576.0, s["memory"]["loads"].get<std::uint64_t>(),
                     s["memory"]["evictions"].get<std::uint64_t>());
  return out;
}

sim::Json run_experiment(const Experiment& e, const std::string& out_dir, bool quiet, bool overwrite,
                         std::size_t chunk_rows) {
  sim::RunDirectory dir(out_dir, "run", overwrite);
  auto t0 = std::chrono::steady_clock::now();
  sim::write_json_file(dir.file("config.resolved.json"), e.resolved);
  // Tables stream to the sinks in chunks as requests end; only the requests the trace shows are
  // kept in memory.
  std::vector<std::unique_ptr<sim::TableSession>> sessions;
  for (const auto& sink_node : e.outputs.sinks) sessions.push_back(sim::make_sink(sink_node)->open(dir.staging()));
  ResultRows rows(e);
  const std::size_t kChunkRows = std::max<std::size_t>(1, chunk_rows);
  RecordOutput output;
  output.keep_all = false;
  output.keep_first_requests = e.outputs.trace ? static_cast<std::uint64_t>(e.outputs.trace_max_requests) : 0;
  if (!sessions.empty()) {
    output.on_request = [&](const RequestRecord& r, const policies::Plan& plan) {
      rows.add_request(r, plan, sessions, kChunkRows);
    };
    if (e.outputs.intervals) {
      output.on_interval = [&](const hw::BusyInterval& iv) {
        rows.add_interval(iv, sessions, kChunkRows);
      };
    }
    if (e.outputs.decisions_max_rows > 0) {
      output.on_decision = [&](const DecisionRecord& d) {
        rows.add_decision(d, sessions, kChunkRows);
      };
    }
  }
  Simulation simulation(e, std::move(output));
  RunResult result = simulation.run();
  rows.flush(sessions, 0);
  for (auto& s : sessions) s->close();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  sim::Json summary = make_summary(e, result);
  sim::write_json_file(dir.file("summary.json"), summary);
  if (e.outputs.trace) write_trace(e, result, dir.file("trace.json"));
  dir.commit();
  if (!quiet) {
    std::uint64_t requests = result.stats.all.requests;
    fmt::print("{}\n", format_summary_table(summary));
    fmt::print("simulated {:.1f} s, {} requests, {} events in {:.3f} s wall including output ({:.0f} requests/s)\n",
               result.end_time.to_s(), requests, result.events, wall_s,
               static_cast<double>(requests) / std::max(wall_s, 1e-9));
    fmt::print("results in {}/\n", out_dir);
  }
  return summary;
}

}  // namespace experiments
