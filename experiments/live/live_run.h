// One experiment executed for real on this machine: real threads, real arrival times, and the
// very policy objects the simulator uses (policies::Scheduler and VariantSelector decide over
// this class, a live policies::SystemView).
//
// Mirrors experiments::Simulation step for step so the two can be compared: the same arrival
// processes and RNG streams (so the same arrival times), a per-processor FIFO queue served by
// one worker thread per slot pinned to the processor's cores, a subgraph's weights compiled on
// first use (its load phase), the next subgraph made ready when one finishes. Memory is
// accounted as the simulator does: resident weights plus the workspace of each running job. It
// does not evict: the experiment's memory must hold every unit it uses.
//
// Timing: all times are steady_clock nanoseconds since the run started. A request's arrival is
// its scheduled time, so a late wake-up of the dispatcher counts against the request.
#pragma once

#include <memory>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/live/zoo.h"
#include "experiments/simulation.h"
#include "policies/view.h"

namespace live {

class LiveRun final : public policies::SystemView {
 public:
  // `zoo` must contain every model and variant of the experiment's profile by name, and a
  // processor (core set) for every platform processor by name; otherwise ConfigError naming
  // `config_file`.
  LiveRun(const experiments::Experiment& experiment, const Zoo& zoo, const std::string& config_file);
  ~LiveRun() override;
  experiments::RunResult run();

  // SystemView
  sim::Time now() const override;
  const hw::Platform& platform() const override;
  const hw::Profile& profile() const override;
  int busy_slots(int processor) const override;
  std::size_t queue_length(int processor) const override;
  sim::Time backlog(int processor) const override;
  sim::Time expected_latency(int model, int variant, int subgraph, int processor) const override;
  sim::Time expected_load(int model, int variant, int subgraph) const override;
  int task_count() const override;
  const std::string& task_name(int task) const override;
  int task_model(int task) const override;
  int task_variant(int task) const override;
  const workloads::Slo& task_slo(int task) const override;
  const std::vector<policies::ReadyJob>& ready_jobs() const override;
  double task_rate_rps(int task) const override;
  bool task_active(int task) const override;
  std::int64_t memory_used_bytes() const override;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace live
