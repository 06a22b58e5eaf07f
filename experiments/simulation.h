// One simulation run of an experiment: requests arrive, a variant selector picks each request's
// variant, a scheduler places its jobs on processors, the SoC model executes them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "experiments/experiment.h"
#include "hw-models/soc.h"
#include "policies/scheduler.h"
#include "policies/variant_selector.h"
#include "sim/engine.h"
#include "workloads/arrival.h"

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

struct RunResult {
  std::vector<RequestRecord> requests;
  std::vector<policies::Plan> plans;  // distinct plans, as requests refer to them
  std::int64_t preloaded_bytes = 0;
  std::vector<hw::BusyInterval> intervals;
  std::vector<double> utilization;  // per platform processor
  std::vector<std::uint64_t> jobs_per_processor;
  sim::Time end_time;               // time of the last event
  std::int64_t peak_memory_bytes = 0;
  double average_memory_bytes = 0;
  std::uint64_t loads = 0, hits = 0, evictions = 0;
  std::uint64_t events = 0;
};

class Simulation final : public policies::SystemView, public hw::SocListener {
 public:
  explicit Simulation(const Experiment& experiment);
  ~Simulation() override;
  RunResult run();

  // SystemView
  sim::Time now() const override { return engine_.now(); }
  const hw::Platform& platform() const override { return exp_.platform; }
  const hw::Profile& profile() const override { return *exp_.profile; }
  int busy_slots(int p) const override { return soc_->busy_slots(p); }
  std::size_t queue_length(int p) const override { return soc_->queue_length(p); }
  sim::Time backlog(int p) const override { return soc_->backlog(p); }
  sim::Time expected_latency(int m, int v, int s, int p) const override { return soc_->expected_latency(m, v, s, p); }
  sim::Time expected_load(int m, int v, int s) const override { return soc_->expected_load(m, v, s); }
  int task_count() const override { return static_cast<int>(exp_.tasks.size()); }
  const std::string& task_name(int t) const override { return exp_.tasks[static_cast<std::size_t>(t)].name; }
  int task_model(int t) const override { return exp_.tasks[static_cast<std::size_t>(t)].model; }
  int task_variant(int t) const override { return exp_.tasks[static_cast<std::size_t>(t)].variant; }
  const workloads::Slo& task_slo(int t) const override { return slo_[static_cast<std::size_t>(t)]; }
  double task_rate_rps(int t) const override { return exp_.tasks[static_cast<std::size_t>(t)].rate_rps; }
  bool task_active(int t) const override { return engine_.now() >= exp_.tasks[static_cast<std::size_t>(t)].start; }
  std::int64_t memory_used_bytes() const override { return soc_->memory().used_bytes(); }
  const std::vector<policies::ReadyJob>& ready_jobs() const override { return ready_; }

  // SocListener
  void on_job_finished(std::uint32_t job, const hw::JobSpec& spec, const hw::JobTiming& timing) override;

 private:
  class ArrivalHandler;
  void on_arrival(int task);
  void decide();
  void drop(std::uint64_t request, const char* reason);
  std::int32_t intern(const policies::Plan& plan, int task);
  void preload();
  // Precision-conversion wait entering `subgraph` (same rule as the explorer's, see
  // hw::precision_change_ms; the experiment's precision_change_ms where the profile has none).
  sim::Time boundary_delay(int model, int subgraph, int prev_variant, int variant, int processor) const;

  const Experiment& exp_;
  sim::Engine engine_;
  std::unique_ptr<hw::LatencyModel> latency_;
  std::unique_ptr<policies::Scheduler> scheduler_;
  std::unique_ptr<policies::VariantSelector> selector_;
  std::unique_ptr<hw::Soc> soc_;
  std::vector<std::unique_ptr<workloads::ArrivalProcess>> arrivals_;
  std::vector<std::unique_ptr<ArrivalHandler>> arrival_handlers_;
  std::vector<sim::Rng> arrival_rngs_;
  std::vector<std::int64_t> arrived_;
  std::vector<workloads::Slo> slo_;
  std::vector<RequestRecord> requests_;
  std::vector<policies::ReadyJob> ready_;
  policies::Decisions decisions_;
  std::vector<std::uint8_t> remove_;
  std::vector<policies::Plan> plans_;
  std::unordered_map<std::string, std::int32_t> plan_index_;
  std::int64_t preloaded_bytes_ = 0;
};

// Human-readable "npu>gpu>cpu" from a record's packed processor list.
std::string processor_path(const RequestRecord& r, const hw::Platform& platform, int subgraphs);
// "dense_int8" for a zoo variant, "a|b|c" for a stitched one.
std::string plan_label(const policies::Plan& plan, const hw::ModelProfile& model);

}  // namespace experiments
