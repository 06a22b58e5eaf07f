// `stitchsim explain RUN --request N`: the story of one request of a finished run — its plan
// and what the planner predicted, each job's wait (slot, load, hand-off) and which scheduler
// key put it where, and which SLO it met or missed by how much.
//
// How: a run is reproducible (same config, same seed, same results), so explain re-simulates
// RUN/config.resolved.json with decisions and intervals recorded, checks that the re-run gives
// the run's own summary (request count, violations, p50) and prints from it. A run made by
// another version of stitchsim, whose re-run differs, is refused rather than explained wrongly.
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"

namespace po = boost::program_options;

namespace experiments {
namespace {
namespace fs = std::filesystem;

// The resolved config as an experiment config: drops what the run added for the record.
sim::Json rerunnable(sim::Json resolved) {
  resolved.erase("version");
  if (resolved.contains("memory_budget") && resolved["memory_budget"].contains("share_of_zoo")) {
    resolved["memory_budget"] = {{"share_of_zoo", resolved["memory_budget"]["share_of_zoo"]}};
  }
  resolved["outputs"]["decisions"] = true;
  resolved["outputs"]["intervals"] = true;
  resolved["outputs"]["trace"] = false;
  return resolved;
}

std::string ms(sim::Time t) { return fmt::format("{:.3f} ms", t.to_ms()); }

void print_story(const Experiment& e, const RunResult& r, std::uint64_t id) {
  const RequestRecord& q = r.requests[id];
  const TaskConfig& task = e.tasks[static_cast<std::size_t>(q.task)];
  const hw::ModelProfile& m = e.profile->models[static_cast<std::size_t>(task.model)];
  const policies::Plan& plan = r.plans[static_cast<std::size_t>(q.plan)];
  auto rel = [&](sim::Time t) { return fmt::format("+{}", ms(t - q.arrival)); };
  fmt::print("request {} of task '{}' (model {}): arrived at {:.6f} s, latency SLO {}, accuracy SLO {:.3f}\n", id,
             task.name, task.model_name, q.arrival.to_s(), ms(q.deadline - q.arrival), q.min_accuracy);
  fmt::print("plan ({} by {}): {} on {}, accuracy {:.4f}", plan.stitched(m.subgraph_count) ? "stitched" : "zoo variant",
             e.selector.name(), plan_label(plan, m), processor_path(q, e.platform, m.subgraph_count), plan.accuracy);
  for (const auto& d : r.decisions) {
    if (d.request != id || std::string(d.kind) != "plan") continue;
    fmt::print(", predicted {:.3f} ms with no queueing", d.key);
    if (!d.note.empty()) fmt::print("\n  why this plan: {}", d.note);
  }
  fmt::print("\n");
  for (int s = 0; s < m.subgraph_count; ++s) {
    const DecisionRecord* decided = nullptr;
    for (const auto& d : r.decisions)
      if (d.request == id && d.subgraph == s && std::string(d.kind) != "plan") decided = &d;
    if (!decided) break;
    std::string line = fmt::format("  subgraph {} ({}): ", s,
                                   m.variants[static_cast<std::size_t>(plan.variant[static_cast<std::size_t>(s)])].name);
    if (std::string(decided->kind) == "drop") {
      fmt::print("{}dropped at {} by {}: {} ({} jobs were ready)\n", line, rel(decided->at), e.scheduler.name(),
                 decided->reason, decided->competing);
      continue;
    }
    line += fmt::format("sent to {} at {} by {}", e.platform.processors[static_cast<std::size_t>(decided->processor)].name,
                        rel(decided->at), e.scheduler.name());
    if (!std::isnan(decided->key)) line += fmt::format(" ({} = {:.3f})", decided->key_name, decided->key);
    line += fmt::format(", {} job(s) were ready", decided->competing);
    const hw::BusyInterval *wait = nullptr, *exec = nullptr;
    for (const auto& iv : r.intervals) {
      if (iv.request != id || iv.subgraph != s) continue;
      (iv.phase == 0 ? wait : exec) = &iv;
    }
    if (exec) {
      sim::Time started = wait ? wait->start : exec->start;
      line += fmt::format("; queued {} for a slot", ms(started - decided->at));
      if (wait) line += fmt::format(", waited {} for its weights / hand-off", ms(wait->end - wait->start));
      line += fmt::format("; executed {} .. {}", rel(exec->start), rel(exec->end));
    }
    fmt::print("{}\n", line);
  }
  bool accurate = plan.accuracy >= q.min_accuracy;
  if (q.dropped()) {
    fmt::print("outcome: dropped ({}): an SLO violation\n", q.drop_reason);
  } else {
    sim::Time latency = q.finish - q.arrival;
    sim::Time margin = q.deadline - q.finish;
    fmt::print("outcome: finished after {}: latency SLO {} by {}; accuracy SLO {} by {:.4f}\n", ms(latency),
               margin >= sim::Time::zero() ? "met" : "MISSED", ms(margin >= sim::Time::zero() ? margin : sim::Time::zero() - margin),
               accurate ? "met" : "MISSED", std::abs(plan.accuracy - q.min_accuracy));
  }
  if (r.decisions_truncated) fmt::print("(the decisions table was truncated at outputs.decisions_max_rows)\n");
}

int cmd_explain(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("run", po::value<std::string>()->required(), "run directory")(
      "request,r", po::value<std::uint64_t>()->required(), "request id (the `id` column of the requests table)");
  po::positional_options_description pos;
  pos.add("run", 1);
  po::variables_map vm;
  if (!parse_options(args, desc, pos, vm,
                     "usage: stitchsim explain RUN --request N\n\n"
                     "Prints the story of one request of a run made by `stitchsim run`: its plan and the\n"
                     "planner's prediction, each job's scheduling decision (policy key, competing jobs), its\n"
                     "waits and execution, and the SLOs it met or missed, by how much. The run is re-simulated\n"
                     "from its config.resolved.json (same seed, same results) and checked against its summary.")) {
    return 0;
  }
  std::string dir = vm["run"].as<std::string>();
  std::string config = dir + "/config.resolved.json";
  if (!fs::exists(config)) throw sim::ConfigError(config, "$", "not a run directory (no config.resolved.json)");
  sim::Json resolved = sim::read_json_file(config);
  Experiment e = load_experiment_json(rerunnable(resolved), config, ".");
  Simulation simulation(e);
  RunResult r = simulation.run();
  // The re-run must be the run: same requests, violations and median latency.
  std::string summary_file = dir + "/summary.json";
  if (fs::exists(summary_file)) {
    sim::Json stored = sim::read_json_file(summary_file);
    sim::Json again = make_summary(e, r);
    for (const char* k : {"requests", "slo_violation_rate"}) {
      if (stored["overall"][k] != again["overall"][k]) {
        throw sim::ConfigError(summary_file, std::string("$.overall.") + k,
                               "re-simulating the run does not reproduce it (made by another version of stitchsim?)");
      }
    }
  }
  std::uint64_t id = vm["request"].as<std::uint64_t>();
  if (id >= r.requests.size()) {
    throw sim::ConfigError(dir, "--request", fmt::format("the run has {} requests (ids 0..{})", r.requests.size(),
                                                         r.requests.empty() ? 0 : r.requests.size() - 1));
  }
  print_story(e, r, id);
  return 0;
}

const CommandRegistration kRegistration{
    {"explain", "explain RUN --request N", "the story of one request: plan, decisions, waits, SLO outcome", cmd_explain}};

}  // namespace
}  // namespace experiments
