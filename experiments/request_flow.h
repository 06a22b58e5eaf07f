// The life of a request, written once for the simulator and the live backend.
//
//   arrival -> plan (variant selector) -> first job ready -> scheduler decides (assign / drop)
//   -> submit to the execution model -> completion -> next job ready ... -> request finished
//
// A RequestFlow owns the run's policy objects (latency model, scheduler, variant selector,
// preloader, each built once per run from the experiment's validated components), the ready
// jobs, the SLOs in force and the request records, and it is the read-only policies::SystemView
// those policies decide over. It does not own time: a driver calls arrive(), change_slo() and
// (through the execution model) on_job_finished() in time order, and the flow reads the current
// time from its TimeSource. experiments::Simulation drives it from the event engine; live::LiveRun
// from real threads and a steady clock. Both therefore run the very same steps, planners and
// preloaders included.
//
// Contract: calls are not concurrent (the live driver serialises them); a job's completion is
// reported by the execution model after submit() has returned; every request ends finished or
// dropped with a reason (finish() checks it).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/run_stats.h"
#include "hw-models/execution_model.h"
#include "hw-models/weight_blocks.h"
#include "policies/preloader.h"
#include "policies/scheduler.h"
#include "policies/variant_selector.h"
#include "sim/engine.h"

namespace experiments {

// The life of one request, as the results table records it.
struct RequestRecord {
  std::uint64_t id = 0;
  std::int32_t task = 0;
  std::int32_t plan = 0;  // index into RunResult::plans
  sim::Time arrival, start = sim::Time{-1}, finish = sim::Time{-1}, deadline;
  double min_accuracy = 0;       // the accuracy SLO in force at arrival
  std::uint64_t processors = 0;  // 4 bits per subgraph (processor index + 1), first 16 subgraphs
  const char* drop_reason = nullptr;
  bool finished() const { return finish.ns >= 0; }
  bool dropped() const { return drop_reason != nullptr; }
};

// One recorded decision (outputs.decisions): a request's plan at arrival, a job's assignment with
// the policy's key, or a drop.
struct DecisionRecord {
  sim::Time at;
  std::uint64_t request = 0;
  std::int32_t subgraph = -1;   // -1 for a plan decision
  std::int32_t processor = -1;  // assignment: where it went
  std::int32_t competing = 0;   // ready jobs the scheduler chose among
  double key = 0;               // the policy's key (NaN: none), or the plan's predicted latency (ms)
  const char* key_name = "";
  const char* kind = "";        // "plan", "assign", "drop"
  const char* reason = "";      // drop reason
  std::string note;             // plan: the planner's explanation (VariantSelector::explain)
};

struct RunResult {
  // Every request (RecordOutput::keep_all), or only those with id < keep_first_requests.
  std::vector<RequestRecord> requests;
  std::vector<policies::Plan> plans;  // distinct plans, as requests refer to them
  std::int64_t preloaded_bytes = 0;
  std::vector<hw::BusyInterval> intervals;  // of the requests kept (see `requests`)
  std::vector<double> utilization;  // per platform processor
  std::vector<std::uint64_t> jobs_per_processor;
  sim::Time end_time;  // time of the last event
  std::int64_t peak_memory_bytes = 0;
  double average_memory_bytes = 0;
  std::uint64_t loads = 0, hits = 0, evictions = 0;
  std::int64_t peak_demand_bytes = 0, swap_bytes = 0;  // see hw::ExecutionStats
  std::uint64_t events = 0;
  std::vector<DecisionRecord> decisions;  // empty unless outputs.decisions (and keep_all)
  bool decisions_truncated = false;       // more decisions happened than decisions_max_rows
  RunStats stats;                         // every request, whether kept or not
};

// Where ended requests, busy intervals and decisions go. By default a run keeps them all in its
// RunResult (tests, validate, explain). A streaming run (stitchsim run) keeps only the first
// requests, for the trace, and hands everything to callbacks as it happens: requests in id
// order as they end (a request waits for every earlier one, so the rows come out sorted).
struct RecordOutput {
  bool keep_all = true;
  std::uint64_t keep_first_requests = 0;  // when !keep_all: requests (and their intervals) kept
  std::function<void(const RequestRecord&, const policies::Plan&)> on_request;
  std::function<void(const hw::BusyInterval&)> on_interval;
  std::function<void(const DecisionRecord&)> on_decision;
};

// Where the flow reads the time: the simulation's engine, or a real clock.
struct TimeSource {
  sim::Engine* engine = nullptr;  // when set, also handed to the execution model
  sim::Time (*clock)(const void* state) = nullptr;
  const void* clock_state = nullptr;
  sim::Time now() const { return engine ? engine->now() : clock(clock_state); }
};

class RequestFlow final : public policies::SystemView, public hw::ExecutionListener {
 public:
  // `exec` is bound here (it reports completions to this flow); both must outlive the run.
  RequestFlow(const Experiment& experiment, hw::ExecutionModel& exec, TimeSource time, bool record_intervals,
              RecordOutput output = {});
  ~RequestFlow() override;

  // Before the first arrival: binds the policies and preloads the preloader's choice.
  void start();
  // A request of `task` arrives at `at` (the current time, or just before it for a real clock).
  void arrive(int task, sim::Time at);
  void change_slo(const workloads::SloChange& change);
  // Requests that arrived and are neither finished nor dropped.
  std::uint64_t outstanding() const { return outstanding_; }
  // Called (from a completion) each time the last outstanding request finishes, for drivers
  // that gate arrivals on an idle system (EdgeCaffe's batch arrivals). The callback must not
  // call back into the flow synchronously.
  void set_idle_callback(std::function<void()> callback) { on_idle_ = std::move(callback); }
  // After the last completion: the result, with the execution model's totals up to `end`.
  RunResult finish(sim::Time end, std::uint64_t events);

  // ExecutionListener
  void on_job_finished(const hw::JobSpec& spec, const hw::JobTiming& timing) override;

  // SystemView
  sim::Time now() const override { return time_.now(); }
  const hw::Platform& platform() const override { return exp_.platform; }
  const hw::Profile& profile() const override { return *exp_.profile; }
  const hw::LatencyModel& latency_model() const override { return *latency_; }
  int busy_slots(int p) const override { return exec_.busy_slots(p); }
  std::size_t queue_length(int p) const override { return exec_.queue_length(p); }
  sim::Time backlog(int p) const override { return exec_.backlog(p); }
  sim::Time expected_latency(int model, int variant, int subgraph, int processor) const override;
  sim::Time expected_load(int m, int v, int s) const override { return exec_.expected_load(m, v, s); }
  int task_count() const override { return static_cast<int>(exp_.tasks.size()); }
  const std::string& task_name(int t) const override { return task(t).name; }
  int task_model(int t) const override { return task(t).model; }
  int task_variant(int t) const override { return task(t).variant; }
  const workloads::Slo& task_slo(int t) const override { return slo_[static_cast<std::size_t>(t)]; }
  double task_rate_rps(int t) const override { return task(t).rate_rps; }
  bool task_active(int t) const override { return now() >= task(t).start; }
  std::int64_t memory_used_bytes() const override { return exec_.memory_used_bytes(); }
  const std::vector<policies::ReadyJob>& ready_jobs() const override { return ready_; }

 private:
  const TaskConfig& task(int t) const { return exp_.tasks[static_cast<std::size_t>(t)]; }
  RequestRecord& request(std::uint64_t id) { return requests_[static_cast<std::size_t>(id - first_id_)]; }
  // Hands ended requests at the front (in id order) to the stats and the output.
  void retire();
  void on_interval(const hw::BusyInterval& iv);
  void decide();
  void submit(const policies::ReadyJob& job, int processor);
  void preload();
  std::int32_t intern(const policies::Plan& plan, int task);
  // Precision-conversion wait entering `subgraph` (same rule as the explorer's, see
  // hw::precision_change_ms; the experiment's precision_change_ms where the profile has none).
  sim::Time boundary_delay(int model, int subgraph, int prev_variant, int variant, int processor) const;

  const Experiment& exp_;
  hw::ExecutionModel& exec_;
  TimeSource time_;
  bool record_intervals_;
  std::unique_ptr<hw::LatencyModel> latency_;
  std::unique_ptr<policies::Scheduler> scheduler_;
  std::unique_ptr<policies::VariantSelector> selector_;
  std::unique_ptr<policies::Preloader> preloader_;
  hw::WeightBlocks blocks_;
  std::vector<int> processor_map_;  // platform processor -> profile processor (-1: none)
  std::vector<workloads::Slo> slo_;
  RecordOutput output_;
  // Requests from id first_id_ on: ended ones wait at the front until every earlier one ended.
  std::deque<RequestRecord> requests_;
  std::uint64_t first_id_ = 0, next_id_ = 0;
  std::vector<RequestRecord> kept_;
  std::vector<hw::BusyInterval> kept_intervals_;
  RunStats stats_;
  std::vector<policies::ReadyJob> ready_;
  policies::Decisions decisions_;
  std::vector<std::uint8_t> remove_;
  std::vector<policies::Plan> plans_;
  std::unordered_map<std::string, std::int32_t> plan_index_;
  std::int64_t preloaded_bytes_ = 0;
  std::uint64_t outstanding_ = 0;
  std::uint64_t next_job_ = 0;
  std::vector<DecisionRecord> records_;
  bool records_truncated_ = false;
  std::int64_t decisions_recorded_ = 0;
  bool record(const DecisionRecord& d);
  std::function<void()> on_idle_;
};

// Human-readable "npu>gpu>cpu" from a record's packed processor list.
std::string processor_path(const RequestRecord& r, const hw::Platform& platform, int subgraphs);
// "dense_int8" for a zoo variant, "a|b|c" for a stitched one.
std::string plan_label(const policies::Plan& plan, const hw::ModelProfile& model);

}  // namespace experiments
