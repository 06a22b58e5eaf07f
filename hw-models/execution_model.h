// How jobs become time on processors: the execution-model extension point.
//
// The request flow (experiments/request_flow.h) decides *what* runs: it turns a request into jobs
// and asks the scheduler where each goes. An execution model decides *how* a submitted job turns
// into time: queues, slots, weights loading, memory, cache effects. Implementations: `soc`
// (subgraph jobs on per-processor FIFO queues, SparseLoom's setting; execution_models/soc.h) and
// the live worker pool (experiments/live/live_pool.h), which runs jobs for real and is not
// registered, since it needs real time.
//
// Contract, for every implementation:
// - bind() is called once, before any other call; the context outlives the model.
// - submit() queues a job; the model may hold it before it starts (no free slot, memory not yet
//   admitted, weights loading) and reports it finished exactly once, through
//   ExecutionListener::on_job_finished, on the thread that drives the flow, never from inside
//   submit() (a simulated model raises an engine event; the live pool hands completions to its
//   driver). Jobs finishing at the same instant are reported in an order the model fixes
//   deterministically.
// - A job may expand inside the model into steps (per-layer LOAD and EXEC tasks with an admission
//   decision before a request's work starts, as Masa's layer-wise mode does): the flow still sees
//   one submit and one finish; the steps appear as BusyIntervals with their phase.
// - A job may serve several requests at once (JobSpec::batch > 1: a merged weight-shared graph, as
//   MTS runs); the model times it as one unit of work, the submitter knows which requests it serves.
// - Weights are kept by weight-block id (weight_blocks.h): two models sharing a block share its
//   memory, which is counted once.
// - Memory never exceeds the platform's capacity (MemoryPool enforces it; models that swap, as
//   Masa's baselines do, account the excess as swapped, not as memory).
// - The read-only queries (busy_slots, queue_length, backlog, expected_load, memory_used_bytes)
//   describe the state at the driver's current time and never change it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "hw-models/latency_model.h"
#include "hw-models/platform.h"
#include "hw-models/profile.h"
#include "hw-models/weight_blocks.h"
#include "sim/engine.h"
#include "sim/params.h"

namespace hw {

// Completions run before arrivals at the same instant, so a slot freed at time t is visible to a
// request arriving at t.
inline constexpr sim::Priority kJobFinishPriority = sim::priority::kHigh;

struct JobSpec {
  std::uint64_t job = 0;         // the submitter's id, unique in a run, echoed back on completion
  std::uint64_t request = 0;     // the (first) request the job serves
  std::uint32_t batch = 1;       // requests served at once (> 1: a merged graph)
  std::uint64_t rng_stream = 0;  // index of the job's latency stream (unique per job in a run)
  int model = 0, variant = 0, subgraph = 0;
  int processor = 0;
  int prev_processor = -1;  // where the predecessor ran (-1: none; the dispatch cost applies)
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

class ExecutionListener {
 public:
  virtual ~ExecutionListener() = default;
  // `spec` and `timing` are valid until the call returns; the listener may submit new jobs.
  virtual void on_job_finished(const JobSpec& spec, const JobTiming& timing) = 0;
};

// What an execution model needs from the run. `engine` is the simulation's engine, or null when
// the model executes for real (it then keeps its own clock).
struct ExecutionContext {
  sim::Engine* engine = nullptr;
  const Platform* platform = nullptr;
  const Profile* profile = nullptr;
  const LatencyModel* latency = nullptr;  // the run's one latency model (policies use the same)
  const WeightBlocks* blocks = nullptr;
  std::uint64_t seed = 1;
  ExecutionListener* listener = nullptr;
  bool record_intervals = false;
  // When set (and record_intervals), busy intervals go here as they end instead of into
  // ExecutionStats::intervals (a streaming run).
  std::function<void(const BusyInterval&)> on_interval;
};

// Totals after a run.
struct ExecutionStats {
  std::vector<BusyInterval> intervals;  // empty unless record_intervals
  std::vector<double> utilization;      // per platform processor: busy slot-time / (end * slots)
  std::vector<std::uint64_t> jobs_per_processor;
  std::int64_t peak_memory_bytes = 0;
  double average_memory_bytes = 0;
  std::uint64_t loads = 0, hits = 0, evictions = 0;
  // Models that page to a swap device (layerwise): memory asked for, which may exceed the
  // limit, and bytes moved to and from the swap device. Zero for models that never overcommit.
  std::int64_t peak_demand_bytes = 0;
  std::int64_t swap_bytes = 0;
};

class ExecutionModel {
 public:
  static constexpr const char* kRegistryKind = "execution_model";
  virtual ~ExecutionModel() = default;

  virtual void bind(const ExecutionContext& context) = 0;
  virtual void submit(const JobSpec& spec) = 0;

  // Read-only state for policies (see the contract above).
  virtual int busy_slots(int processor) const = 0;
  virtual std::size_t queue_length(int processor) const = 0;
  // Expected time until `processor` could start a newly queued job (queued + remaining work,
  // spread over its slots).
  virtual sim::Time backlog(int processor) const = 0;
  // Expected load delay of a unit if it were started now (zero when resident or loading).
  virtual sim::Time expected_load(int model, int variant, int subgraph) const = 0;
  virtual std::int64_t memory_used_bytes() const = 0;

  // Before the first submit: makes a weight block resident and keeps it so (a preloader's
  // decision). False when it does not fit; true when already resident.
  virtual bool preload(WeightBlockId block, std::int64_t weights_bytes) = 0;
  virtual bool resident(WeightBlockId block) const = 0;

  // After the last completion: totals up to `end`.
  virtual ExecutionStats stats(sim::Time end) const = 0;
};

std::unique_ptr<ExecutionModel> make_execution_model(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

// The RNG stream of a job's execution time is Rng::stream(seed, job_latency_stream_hash(),
// JobSpec::rng_stream): every execution model (and the live spin runner) draws the same numbers.
std::uint64_t job_latency_stream_hash();

// Expected load time of a unit's weights from storage (its cold start): the profile's load_ms
// when measured, else the platform's load_init plus its bytes over the load bandwidth.
sim::Time unit_load_time(const Platform& platform, const Profile& profile, int model, int variant, int subgraph);

}  // namespace hw
