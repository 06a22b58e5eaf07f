// The live worker pool: the execution model that runs jobs for real (execution_model.h).
//
// One worker thread per processor slot, pinned to the processor's cores (from the zoo config),
// serves a per-processor FIFO queue. A job takes a slot, loads its unit on first use (a second
// job of a unit being loaded waits for it), then the JobRunner executes it (oneDNN, or the replay
// runner's wait). Memory is accounted as the soc model does (resident weights plus the
// workspace of each running job; no eviction: the experiment's memory must hold every unit it
// uses) and also measured from the process: the allocator's bytes in use (glibc mallinfo2) above
// what they were when the run started, sampled at every job start and end.
//
// Threading contract: the pool's mutex (lock()) guards all its state. The driver (live::LiveRun)
// holds it whenever it calls the flow, so every ExecutionModel method, which the flow calls, runs
// with the mutex held. Workers report a finished job by queueing it; the driver takes it with
// take_completed() and passes it to the listener (ExecutionModel's contract: completions are
// delivered on the driver's thread, never from inside submit()).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "experiments/live/job_runner.h"
#include "hw-models/execution_model.h"
#include "sim/stats.h"

namespace live {

class LivePool final : public hw::ExecutionModel {
 public:
  // `cores[p]`: the logical CPUs of platform processor p (empty: not pinned, the kernel places
  // the workers); `realtime`: SCHED_FIFO workers.
  LivePool(std::vector<std::vector<int>> cores, bool realtime);
  ~LivePool() override;

  // The runner is made from the bound context (the replay runner needs it), so it is set by a
  // factory called in bind().
  using RunnerFactory = std::function<std::unique_ptr<JobRunner>(const hw::ExecutionContext&)>;
  void set_runner_factory(RunnerFactory f) { runner_factory_ = std::move(f); }

  // Driver side.
  std::mutex& mutex() { return mu_; }
  // Starts the workers and returns time zero of the run, taken once all are ready (`lk` holds
  // the mutex).
  Clock::time_point start(std::unique_lock<std::mutex>& lk);
  // Stops and joins the workers (also done by the destructor).
  void stop();
  // Waits (mutex held via `lk`) until a completion or a worker error, or until `deadline`.
  void wait(std::unique_lock<std::mutex>& lk, Clock::time_point deadline);
  // Delivers every queued completion to the listener, in completion order; rethrows a worker's
  // exception. Returns how many were delivered.
  std::size_t deliver_completed();
  sim::Time now() const;

  // ExecutionModel (called with the mutex held).
  void bind(const hw::ExecutionContext& context) override;
  void submit(const hw::JobSpec& spec) override;
  int busy_slots(int p) const override;
  std::size_t queue_length(int p) const override;
  sim::Time backlog(int p) const override;
  sim::Time expected_load(int model, int variant, int subgraph) const override;
  std::int64_t memory_used_bytes() const override { return used_bytes_; }
  bool preload(hw::WeightBlockId block, std::int64_t weights_bytes) override;
  bool resident(hw::WeightBlockId block) const override;
  hw::ExecutionStats stats(sim::Time end) const override;

  // Peak of the process's allocated bytes above the start of the run (measured), and of the
  // accounted bytes (the simulator's definition).
  std::int64_t measured_peak_bytes() const { return measured_peak_bytes_; }
  std::int64_t accounted_peak_bytes() const { return peak_bytes_; }

 private:
  struct Unit;
  struct Job;
  struct Proc;
  void worker(int p, int slot);
  void set_used(std::int64_t delta);
  void sample_process_memory();
  Unit& unit(int model, int variant, int subgraph);
  const Unit& unit(int model, int variant, int subgraph) const;

  std::vector<std::vector<int>> cores_;
  bool realtime_;
  RunnerFactory runner_factory_;
  hw::ExecutionContext ctx_;
  std::unique_ptr<JobRunner> runner_;
  Clock::time_point t0_;

  mutable std::mutex mu_;
  std::condition_variable driver_cv_, unit_cv_;
  std::deque<Proc> procs_;
  std::vector<Unit> units_;  // by weight block
  std::deque<Job> jobs_;
  std::deque<Job*> completed_;
  bool stop_ = false;
  int workers_ready_ = 0;
  std::exception_ptr worker_error_;
  std::int64_t used_bytes_ = 0, peak_bytes_ = 0;
  std::int64_t heap_baseline_bytes_ = 0, measured_peak_bytes_ = 0;
  sim::TimeWeightedAverage memory_avg_;
  std::uint64_t loads_ = 0, hits_ = 0;
  std::vector<hw::BusyInterval> intervals_;
};

}  // namespace live
