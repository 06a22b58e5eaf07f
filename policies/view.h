// What a policy may see: a read-only view of the system at one instant.
//
// Policies decide; they never schedule events, read files or touch the engine. The simulator
// implements this view over its live state; the live backend implements it over real threads,
// so one policy object drives both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/time.h"
#include "workloads/slo.h"

namespace policies {

// A unit of work whose predecessors have finished and which waits for a processor.
struct ReadyJob {
  std::uint64_t request = 0;
  int task = 0;
  int model = 0, variant = 0, subgraph = 0;
  int prev_processor = -1;  // where the predecessor ran, -1 for the first unit
  sim::Time arrival, deadline;
  int fixed_processor = -1;  // the request's plan pins this unit to a processor (-1: free)
};

class SystemView {
 public:
  virtual ~SystemView() = default;
  virtual sim::Time now() const = 0;
  virtual const hw::Platform& platform() const = 0;
  virtual const hw::Profile& profile() const = 0;
  // The run's one latency model: what expected_latency() is based on, and what planners use to
  // cost candidate plans, so schedulers, planners and the execution model agree.
  virtual const hw::LatencyModel& latency_model() const = 0;

  // Processors.
  virtual int busy_slots(int processor) const = 0;
  virtual std::size_t queue_length(int processor) const = 0;
  // Expected wait before a job newly queued on `processor` could start.
  virtual sim::Time backlog(int processor) const = 0;
  // Expected execution time of a unit on a processor; Time::max() if it cannot run there.
  virtual sim::Time expected_latency(int model, int variant, int subgraph, int processor) const = 0;
  // Expected load delay if the unit started now (zero when resident).
  virtual sim::Time expected_load(int model, int variant, int subgraph) const = 0;

  // Tasks.
  virtual int task_count() const = 0;
  virtual const std::string& task_name(int task) const = 0;
  virtual int task_model(int task) const = 0;
  // The variant the task's config names (its default choice).
  virtual int task_variant(int task) const = 0;
  // Mean request rate of the task's arrival process (0 if unknown) and whether it has started
  // (tasks may start one after another: the paper's arrival orders).
  virtual double task_rate_rps(int task) const = 0;
  virtual bool task_active(int task) const = 0;
  // Memory in use and its capacity (weights resident + activations in flight).
  virtual std::int64_t memory_used_bytes() const = 0;
  virtual const workloads::Slo& task_slo(int task) const = 0;

  // Work waiting for a processor, oldest first.
  virtual const std::vector<ReadyJob>& ready_jobs() const = 0;

  // Convenience: the processor count and the fastest expected time from `subgraph` to the end of
  // the model on any processors (ignoring queues), for slack and early-drop decisions.
  int processor_count() const { return static_cast<int>(platform().processors.size()); }
  sim::Time best_remaining(int model, int variant, int from_subgraph) const;
  bool can_run(int model, int variant, int subgraph, int processor) const {
    return expected_latency(model, variant, subgraph, processor) != sim::Time::max();
  }
};

}  // namespace policies
