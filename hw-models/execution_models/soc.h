// The `soc` execution model: subgraph jobs on per-processor FIFO queues sharing one memory
// (SparseLoom's setting).
//
// When a slot is free and the job is at the head of its processor's queue, it pins its weight
// block (loading it if absent, evicting least-recently-used blocks when memory is full), waits
// for any hand-off from the processor of its predecessor (or the dispatch cost for a request's
// first job), then executes for a time drawn from the latency model with the job's own RNG
// stream, stretched by the platform's cache model for the time the unit sat idle. A job whose
// memory cannot be granted stays at the head of its queue until memory is released (head-of-line
// blocking); a release retries every blocked queue head. Completions are engine events at
// hw::kJobFinishPriority.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "hw-models/execution_model.h"
#include "hw-models/memory_pool.h"

namespace hw {

class Soc final : public ExecutionModel, public sim::EventHandler {
 public:
  void bind(const ExecutionContext& context) override;
  void submit(const JobSpec& spec) override;

  int busy_slots(int p) const override { return procs_[static_cast<std::size_t>(p)].busy; }
  std::size_t queue_length(int p) const override { return procs_[static_cast<std::size_t>(p)].queue.size(); }
  sim::Time backlog(int p) const override;
  sim::Time expected_load(int model, int variant, int subgraph) const override;
  std::int64_t memory_used_bytes() const override { return memory_.used_bytes(); }
  bool preload(WeightBlockId block, std::int64_t weights_bytes) override { return memory_.preload(block, weights_bytes); }
  bool resident(WeightBlockId block) const override { return memory_.is_resident(block, engine_->now()); }
  ExecutionStats stats(sim::Time end) const override;

  const MemoryPool& memory() const { return memory_; }
  // A job serving `batch` > 1 requests (a merged graph) executes for its drawn time times
  // scale(batch); unset: as one request. Set before the first submit (the `mts` model does).
  void set_batch_scale(std::function<double(std::uint32_t)> scale) { batch_scale_ = std::move(scale); }
  std::uint64_t jobs_started() const { return jobs_started_; }

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
    double busy_ns = 0;  // slot-nanoseconds of work, for utilization
    std::uint64_t jobs = 0;
  };
  sim::Time expected_latency(int model, int variant, int subgraph, int processor) const;
  void try_start(int p);
  bool start(int p, std::uint32_t job);
  void retry_blocked();
  // Share of the slots of processors other than p executing at time t.
  double corun_share(int p, sim::Time t) const;

  ExecutionContext ctx_;
  sim::Engine* engine_ = nullptr;
  std::uint64_t latency_stream_hash_ = 0;
  MemoryPool memory_{0, 0};
  std::vector<Proc> procs_;
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> free_jobs_;
  std::vector<int> processor_map_;  // platform processor -> profile processor (-1: none)
  bool blocked_ = false;            // some queue head waits for memory
  std::vector<BusyInterval> intervals_;
  std::uint64_t jobs_started_ = 0;
  std::function<double(std::uint32_t)> batch_scale_;
  // Per weight block: when its latest execution ends (Time::max(): never ran), for the cache model.
  std::vector<sim::Time> block_last_end_;
};

}  // namespace hw
