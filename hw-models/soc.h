// The simulated SoC: per-processor FIFO queues, execution slots and the shared memory pool.
//
// A job is one unit of work of a request (a subgraph, or a layer in layer-wise mode) on one
// processor. When a slot is free and the job is at the head of its processor's queue, it pins its
// weights (loading them if absent, evicting least-recently-used units when memory is full),
// waits for any hand-off from the processor of its predecessor (or the dispatch cost for a
// request's first job), then executes for a time drawn from the latency model with the job's own
// RNG stream, stretched by the platform's cache model for the time the unit sat idle. A job
// whose memory cannot be granted stays at the head of the queue until memory is released.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "hw-models/latency_model.h"
#include "hw-models/memory_pool.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "sim/engine.h"

namespace hw {

// Named event priorities of the SoC. Completions run before arrivals at the same instant, so a
// slot freed at time t is visible to a request arriving at t.
inline constexpr sim::Priority kJobFinishPriority = sim::priority::kHigh;

struct JobSpec {
  std::uint64_t request = 0;
  std::uint64_t rng_stream = 0;  // index of the job's latency stream (unique per job in a run)
  int model = 0, variant = 0, subgraph = 0;
  int processor = 0;
  int prev_processor = -1;  // where the predecessor ran (-1: none), for the hand-off cost
  // Extra wait before execution at a stitching boundary (precision conversion), paid on top of
  // the hand-off; both overlap with loading the weights.
  sim::Time boundary_delay;
};

struct JobTiming {
  sim::Time enqueued, started, exec_start, finished;
  int slot = -1;
  bool loaded = false;  // its weights were loaded (not a memory hit)
};

// One busy interval of one slot, for results.h5 and traces.
struct BusyInterval {
  std::uint64_t request;
  std::int32_t processor, slot, subgraph;
  std::int32_t phase;  // 0 = load / hand-off wait, 1 = execute
  sim::Time start, end;
};

class SocListener {
 public:
  virtual ~SocListener() = default;
  virtual void on_job_finished(std::uint32_t job, const JobSpec& spec, const JobTiming& timing) = 0;
};

class Soc final : public sim::EventHandler {
 public:
  Soc(sim::Engine& engine, const Platform& platform, const Profile& profile, const LatencyModel& latency,
      std::uint64_t seed, SocListener& listener);

  // Queues a job on spec.processor and starts it when a slot is free. Returns its id, valid
  // until on_job_finished returns.
  std::uint32_t submit(const JobSpec& spec);

  // Read-only state for policies.
  int processor_count() const { return static_cast<int>(procs_.size()); }
  int busy_slots(int p) const { return procs_[p].busy; }
  std::size_t queue_length(int p) const { return procs_[p].queue.size(); }
  // Expected time until processor p could start a newly queued job (queued + remaining work,
  // spread over its slots).
  sim::Time backlog(int p) const;
  sim::Time expected_latency(int model, int variant, int subgraph, int processor) const;
  // Expected load delay of a unit if it were started now (0 if resident).
  sim::Time expected_load(int model, int variant, int subgraph) const;
  std::uint32_t unit_key(int model, int variant, int subgraph) const {
    return unit_offset_[model] + static_cast<std::uint32_t>(variant * profile_.models[model].subgraph_count + subgraph);
  }
  const MemoryPool& memory() const { return memory_; }
  MemoryPool& memory() { return memory_; }
  double utilization(int p, sim::Time end) const;
  std::uint64_t jobs_started() const { return jobs_started_; }

  void set_record_intervals(bool on) { record_intervals_ = on; }
  const std::vector<BusyInterval>& intervals() const { return intervals_; }

  void on_event(std::uint64_t tag) override;

 private:
  struct Job {
    JobSpec spec;
    JobTiming timing;
    sim::Time expected;
    std::int64_t transient_bytes = 0;
  };
  struct Proc {
    std::deque<std::uint32_t> queue;
    int busy = 0;
    std::uint64_t slot_mask = 0;  // bit i set: slot i busy
    sim::Time queued_expected;    // sum of expected execution of queued jobs
    std::vector<std::uint32_t> running;
    double busy_ns = 0;           // slot-nanoseconds of work, for utilization
  };
  void try_start(int p);
  bool start(int p, std::uint32_t job);
  void retry_blocked();

  sim::Engine& engine_;
  const Platform& platform_;
  const Profile& profile_;
  const LatencyModel& latency_;
  SocListener& listener_;
  std::uint64_t seed_;
  std::uint64_t latency_stream_hash_;
  std::vector<std::uint32_t> unit_offset_;
  MemoryPool memory_;
  std::vector<Proc> procs_;
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> free_jobs_;
  std::vector<int> processor_map_;  // platform processor -> profile processor (-1: none)
  bool blocked_ = false;            // some queue head waits for memory
  bool record_intervals_ = false;
  std::vector<BusyInterval> intervals_;
  std::uint64_t jobs_started_ = 0;
  // Per unit key: when its latest execution ends (Time::max(): never ran), for the cache model.
  std::vector<sim::Time> unit_last_end_;
  // Share of the slots of processors other than p executing at time t.
  double corun_share(int p, sim::Time t) const;
};

}  // namespace hw
