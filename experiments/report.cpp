#include "experiments/report.h"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "sim/chrome_trace.h"
#include "sim/run_directory.h"
#include "sim/stats.h"

namespace experiments {
namespace {

// Aggregates one group of requests (a task, or all of them).
struct Group {
  std::uint64_t requests = 0, finished = 0, dropped = 0, met_latency = 0, met_accuracy = 0, violations = 0;
  sim::SampleStats latency_ms;
  double last_finish_s = 0;
  double accuracy_sum = 0;

  void add(const RequestRecord& r, double accuracy) {
    ++requests;
    accuracy_sum += accuracy;
    bool acc_ok = accuracy >= r.min_accuracy;
    if (r.finished()) {
      ++finished;
      double ms = (r.finish - r.arrival).to_ms();
      latency_ms.add(ms);
      bool lat_ok = r.finish <= r.deadline;
      met_latency += lat_ok;
      met_accuracy += acc_ok;
      violations += !(lat_ok && acc_ok);
      last_finish_s = std::max(last_finish_s, r.finish.to_s());
    } else {
      ++dropped;
      ++violations;
    }
  }

  sim::Json json(double span_s) const {
    auto num = [](double x) { return std::isfinite(x) ? sim::Json(x) : sim::Json(nullptr); };
    double n = static_cast<double>(requests);
    return {{"requests", requests},
            {"finished", finished},
            {"dropped", dropped},
            {"slo_violations", violations},
            {"slo_violation_rate", requests ? static_cast<double>(violations) / n : 0.0},
            {"met_latency_rate", requests ? static_cast<double>(met_latency) / n : 0.0},
            {"met_accuracy_rate", requests ? static_cast<double>(met_accuracy) / n : 0.0},
            {"accuracy_mean", requests ? accuracy_sum / n : 0.0},
            {"throughput_rps", span_s > 0 ? static_cast<double>(finished) / span_s : 0.0},
            {"latency_ms",
             {{"mean", num(latency_ms.mean())},
              {"p50", num(latency_ms.quantile(0.50))},
              {"p95", num(latency_ms.quantile(0.95))},
              {"p99", num(latency_ms.quantile(0.99))},
              {"max", num(latency_ms.max())}}}};
  }
};

double accuracy_of(const RunResult& run, const RequestRecord& r) { return run.plans[static_cast<std::size_t>(r.plan)].accuracy; }

}  // namespace

sim::Json make_summary(const Experiment& e, const RunResult& r) {
  Group all;
  std::vector<Group> per_task(e.tasks.size());
  for (const auto& req : r.requests) {
    double acc = accuracy_of(r, req);
    all.add(req, acc);
    per_task[static_cast<std::size_t>(req.task)].add(req, acc);
  }
  // Throughput is over the whole run: from 0 to the last completion.
  double span_s = r.end_time.to_s();
  sim::Json s;
  s["experiment"] = e.name;
  s["seed"] = e.seed;
  s["simulated_time_s"] = span_s;
  s["events"] = r.events;
  s["overall"] = all.json(span_s);
  s["tasks"] = sim::Json::object();
  for (std::size_t t = 0; t < e.tasks.size(); ++t) s["tasks"][e.tasks[t].name] = per_task[t].json(span_s);
  s["processors"] = sim::Json::object();
  for (std::size_t p = 0; p < e.platform.processors.size(); ++p) {
    s["processors"][e.platform.processors[p].name] = {{"utilization", r.utilization[p]},
                                                      {"jobs", r.jobs_per_processor[p]}};
  }
  s["peak_memory_bytes"] = r.peak_memory_bytes;
  std::uint64_t stitched_requests = 0;
  for (const auto& req : r.requests) {
    const auto& t = e.tasks[static_cast<std::size_t>(req.task)];
    stitched_requests += r.plans[static_cast<std::size_t>(req.plan)].stitched(
        e.profile->models[static_cast<std::size_t>(t.model)].subgraph_count);
  }
  s["plans"] = {{"distinct", r.plans.size()}, {"stitched_requests", stitched_requests}};
  s["memory"] = {{"capacity_bytes", e.platform.memory_capacity_bytes},
                 {"peak_bytes", r.peak_memory_bytes},
                 {"average_bytes", r.average_memory_bytes},
                 {"loads", r.loads},
                 {"hits", r.hits},
                 {"evictions", r.evictions},
                 {"preloaded_bytes", r.preloaded_bytes}};
  return s;
}

std::vector<sim::Table> make_tables(const Experiment& e, const RunResult& r) {
  std::vector<sim::Table> tables;
  sim::Table req("requests");
  auto& id = req.ints("id");
  auto& task = req.strings("task");
  auto& arrival = req.ints("arrival_ns", "ns");
  auto& start = req.ints("start_ns", "ns");
  auto& finish = req.ints("finish_ns", "ns");
  auto& deadline = req.ints("deadline_ns", "ns");
  auto& latency = req.reals("latency_ms", "ms");
  auto& met_latency = req.ints("met_latency");
  auto& met_accuracy = req.ints("met_accuracy");
  auto& variant = req.strings("variant");
  auto& procs = req.strings("processors");
  auto& reason = req.strings("drop_reason");
  for (const auto& x : r.requests) {
    const auto& t = e.tasks[static_cast<std::size_t>(x.task)];
    const auto& m = e.profile->models[static_cast<std::size_t>(t.model)];
    id.push_back(static_cast<std::int64_t>(x.id));
    task.push_back(t.name);
    arrival.push_back(x.arrival.ns);
    start.push_back(x.start.ns);
    finish.push_back(x.finish.ns);
    deadline.push_back(x.deadline.ns);
    latency.push_back(x.finished() ? (x.finish - x.arrival).to_ms() : std::nan(""));
    met_latency.push_back(x.finished() && x.finish <= x.deadline);
    met_accuracy.push_back(accuracy_of(r, x) >= x.min_accuracy);
    variant.push_back(plan_label(r.plans[static_cast<std::size_t>(x.plan)], m));
    procs.push_back(processor_path(x, e.platform, m.subgraph_count));
    reason.push_back(x.drop_reason ? x.drop_reason : "");
  }
  tables.push_back(std::move(req));
  if (e.outputs.intervals) {
    sim::Table iv("processor_intervals");
    auto& proc = iv.strings("processor");
    auto& slot = iv.ints("slot");
    auto& request = iv.ints("request");
    auto& subgraph = iv.ints("subgraph");
    auto& phase = iv.strings("phase");
    auto& s = iv.ints("start_ns", "ns");
    auto& f = iv.ints("end_ns", "ns");
    for (const auto& x : r.intervals) {
      proc.push_back(e.platform.processors[static_cast<std::size_t>(x.processor)].name);
      slot.push_back(x.slot);
      request.push_back(static_cast<std::int64_t>(x.request));
      subgraph.push_back(x.subgraph);
      phase.push_back(x.phase == 0 ? "load" : "execute");
      s.push_back(x.start.ns);
      f.push_back(x.end.ns);
    }
    tables.push_back(std::move(iv));
  }
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

sim::Json run_experiment(const Experiment& e, const std::string& out_dir, bool quiet, bool overwrite) {
  sim::RunDirectory dir(out_dir, "run", overwrite);
  auto t0 = std::chrono::steady_clock::now();
  Simulation simulation(e);
  RunResult result = simulation.run();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  sim::write_json_file(dir.file("config.resolved.json"), e.resolved);
  sim::Json summary = make_summary(e, result);
  sim::write_json_file(dir.file("summary.json"), summary);
  auto tables = make_tables(e, result);
  std::vector<const sim::Table*> ptrs;
  for (const auto& t : tables) ptrs.push_back(&t);
  for (const auto& sink_node : e.outputs.sinks) sim::make_sink(sink_node)->write(dir.staging(), ptrs);
  if (e.outputs.trace) write_trace(e, result, dir.file("trace.json"));
  dir.commit();
  if (!quiet) {
    fmt::print("{}\n", format_summary_table(summary));
    fmt::print("simulated {:.1f} s, {} requests, {} events in {:.3f} s wall ({:.0f} requests/s)\n",
               result.end_time.to_s(), result.requests.size(), result.events, wall_s,
               static_cast<double>(result.requests.size()) / std::max(wall_s, 1e-9));
    fmt::print("results in {}/\n", out_dir);
  }
  return summary;
}

}  // namespace experiments
