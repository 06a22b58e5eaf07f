// What executing a job means in the live worker pool (live_pool.h): the pool owns threads,
// queues, unit states and accounting; a JobRunner does the work of one unit.
//
// Two runners:
// - OnednnRunner: compiles a unit's subgraph on first use (its load) and runs it through oneDNN
//   on the request's real activations. Validation against hardware.
// - ReplayRunner: waits out (sleeping to absolute deadlines) the times the simulator would use:
//   the unit's load time, the hand-off and boundary wait, and an execution time drawn from the
//   same latency model and the same per-job RNG stream as the `soc` execution model. A plumbing
//   check: a live run with it must agree with the simulation up to thread wake-up overheads,
//   whatever the policies.
//
// Contract: load() is called once per unit, outside the pool's lock, and may take long;
// run() is called from a worker thread outside the lock, concurrently with other runs (of other
// units, or of the same unit on another slot, each slot with its own state).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "hw-models/execution_model.h"

namespace live {

using Clock = std::chrono::steady_clock;

// Sleeps until `until` (see replay_runner.cpp for why not a spin).
void wait_until(Clock::time_point until);

// A loaded unit, as a runner keeps it.
class LoadedUnit {
 public:
  virtual ~LoadedUnit() = default;
  virtual std::int64_t weights_bytes() const = 0;
  virtual std::int64_t workspace_bytes() const = 0;
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  virtual std::unique_ptr<LoadedUnit> load(int model, int variant, int subgraph) = 0;
  // Runs `spec` on `unit` for worker `slot_key` (unique per processor slot). `started` is when
  // the job took its slot, `loaded_at` when its unit became resident (now if it already was).
  // Returns when execution began; execution ends when run() returns.
  virtual Clock::time_point run(const hw::JobSpec& spec, LoadedUnit& unit, int slot_key, Clock::time_point started,
                                Clock::time_point loaded_at) = 0;
  // True when units and runs allocate real memory (the pool then reports the measured process
  // memory; else its accounting).
  virtual bool allocates() const { return false; }
  // The request will submit no more jobs (finished or dropped): its buffers may be reused.
  virtual void request_done(std::uint64_t request) { (void)request; }
};

// The plumbing runner over the simulator's own numbers (see above).
std::unique_ptr<JobRunner> make_replay_runner(const hw::ExecutionContext& context);

}  // namespace live
