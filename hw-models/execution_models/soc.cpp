#include "hw-models/execution_models/soc.h"

#include <cmath>
#include <stdexcept>

#include "sim/registry.h"
#include "sim/rng.h"

namespace hw {

void Soc::bind(const ExecutionContext& context) {
  if (!context.engine) throw std::logic_error("the soc execution model needs the simulation engine");
  ctx_ = context;
  engine_ = context.engine;
  latency_stream_hash_ = job_latency_stream_hash();
  memory_ = MemoryPool(ctx_.platform->memory_capacity_bytes, ctx_.blocks->count());
  procs_.assign(ctx_.platform->processors.size(), Proc{});
  block_last_end_.assign(ctx_.blocks->count(), sim::Time::max());
  processor_map_.clear();
  for (const auto& proc : ctx_.platform->processors) processor_map_.push_back(ctx_.profile->find_processor(proc.name));
}

sim::Time Soc::expected_latency(int model, int variant, int subgraph, int processor) const {
  int pp = processor_map_[static_cast<std::size_t>(processor)];
  if (pp < 0) return sim::Time::max();
  const LatencyDist* d = ctx_.profile->latency(model, variant, subgraph, pp);
  return d ? ctx_.latency->expected(*d) : sim::Time::max();
}

sim::Time Soc::expected_load(int model, int variant, int subgraph) const {
  switch (memory_.state(ctx_.blocks->block(model, variant, subgraph), engine_->now())) {
    case MemoryPool::State::kResident: return sim::Time::zero();
    case MemoryPool::State::kLoading: return sim::Time::zero();  // already on its way; caller cannot speed it up
    case MemoryPool::State::kAbsent: break;
  }
  return unit_load_time(*ctx_.platform, *ctx_.profile, model, variant, subgraph);
}

sim::Time Soc::backlog(int p) const {
  const Proc& proc = procs_[static_cast<std::size_t>(p)];
  sim::Time now = engine_->now();
  sim::Time remaining = proc.queued_expected;
  for (std::uint32_t j : proc.running) {
    const Job& job = jobs_[j];
    if (job.timing.finished > now) remaining += job.timing.finished - now;
  }
  int slots = ctx_.platform->processors[static_cast<std::size_t>(p)].slots;
  return sim::Time{remaining.ns / slots};
}

ExecutionStats Soc::stats(sim::Time end) const {
  ExecutionStats st;
  st.intervals = intervals_;
  for (std::size_t p = 0; p < procs_.size(); ++p) {
    double span = static_cast<double>(end.ns) * ctx_.platform->processors[p].slots;
    st.utilization.push_back(end.ns > 0 ? procs_[p].busy_ns / span : 0.0);
    st.jobs_per_processor.push_back(procs_[p].jobs);
  }
  st.peak_memory_bytes = memory_.peak_bytes();
  st.average_memory_bytes = memory_.average_used_bytes(end);
  st.loads = memory_.loads();
  st.hits = memory_.hits();
  st.evictions = memory_.evictions();
  return st;
}

void Soc::submit(const JobSpec& spec) {
  std::uint32_t id;
  if (free_jobs_.empty()) {
    id = static_cast<std::uint32_t>(jobs_.size());
    jobs_.emplace_back();
  } else {
    id = free_jobs_.back();
    free_jobs_.pop_back();
  }
  Job& job = jobs_[id];
  job.spec = spec;
  job.timing = JobTiming{};
  job.timing.enqueued = engine_->now();
  job.expected = expected_latency(spec.model, spec.variant, spec.subgraph, spec.processor);
  if (job.expected == sim::Time::max()) throw std::logic_error("job submitted to a processor that cannot run it");
  job.transient_bytes = ctx_.profile->models[static_cast<std::size_t>(spec.model)].unit_memory(spec.variant, spec.subgraph).activation_bytes;
  Proc& proc = procs_[static_cast<std::size_t>(spec.processor)];
  proc.queue.push_back(id);
  proc.queued_expected += job.expected;
  try_start(spec.processor);
}

void Soc::try_start(int p) {
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  while (!proc.queue.empty() && proc.busy < ctx_.platform->processors[static_cast<std::size_t>(p)].slots) {
    std::uint32_t id = proc.queue.front();
    if (!start(p, id)) {
      blocked_ = true;  // head of line waits for memory
      return;
    }
    proc.queue.pop_front();
  }
}

bool Soc::start(int p, std::uint32_t id) {
  Job& job = jobs_[id];
  const JobSpec& s = job.spec;
  sim::Time now = engine_->now();
  const UnitMemory& mem = ctx_.profile->models[static_cast<std::size_t>(s.model)].unit_memory(s.variant, s.subgraph);
  sim::Time load_time = expected_load(s.model, s.variant, s.subgraph);
  WeightBlockId block = ctx_.blocks->block(s.model, s.variant, s.subgraph);
  MemoryPool::Grant grant = memory_.acquire(block, mem.weights_bytes, job.transient_bytes, now, load_time);
  if (!grant.ok) return false;
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  proc.queued_expected -= job.expected;
  int slot = __builtin_ctzll(~proc.slot_mask);
  proc.slot_mask |= (1ULL << slot);
  ++proc.busy;
  proc.running.push_back(id);
  ++jobs_started_;

  sim::Time ready = std::max(grant.ready_at, now + ctx_.platform->handoff_cost(s.prev_processor, p) + s.boundary_delay);
  sim::Rng rng = sim::Rng::stream(ctx_.seed, latency_stream_hash_, s.rng_stream);
  const LatencyDist* dist = ctx_.profile->latency(s.model, s.variant, s.subgraph, processor_map_[static_cast<std::size_t>(p)]);
  sim::Time exec = ctx_.latency->sample(*dist, rng);
  if (s.batch > 1 && batch_scale_) {
    exec = sim::Time{static_cast<std::int64_t>(std::llround(static_cast<double>(exec.ns) * batch_scale_(s.batch)))};
  }
  const auto& cache = ctx_.platform->cache;
  if (cache && !cache->inert()) {
    sim::Time& last_end = block_last_end_[block];
    sim::Time idle = last_end == sim::Time::max() ? last_end : std::max(sim::Time::zero(), ready - last_end);
    double factor = cache->slowdown(*dist, idle, corun_share(p, ready));
    exec = sim::Time{static_cast<std::int64_t>(std::llround(static_cast<double>(exec.ns) * factor))};
    if (last_end == sim::Time::max() || ready + exec > last_end) last_end = ready + exec;
  }
  job.timing.started = now;
  job.timing.exec_start = ready;
  job.timing.finished = ready + exec;
  job.timing.slot = slot;
  job.timing.loaded = grant.started_load;
  engine_->schedule_at(job.timing.finished, kJobFinishPriority, this, id);
  return true;
}

void Soc::on_event(std::uint64_t tag) {
  auto id = static_cast<std::uint32_t>(tag);
  Job& job = jobs_[id];
  const JobSpec spec = job.spec;
  const JobTiming timing = job.timing;
  int p = spec.processor;
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  proc.slot_mask &= ~(1ULL << timing.slot);
  --proc.busy;
  ++proc.jobs;
  for (std::size_t i = 0; i < proc.running.size(); ++i) {
    if (proc.running[i] == id) {
      proc.running[i] = proc.running.back();
      proc.running.pop_back();
      break;
    }
  }
  proc.busy_ns += static_cast<double>((timing.finished - timing.started).ns);
  if (ctx_.record_intervals) {
    auto record = [&](const BusyInterval& iv) { ctx_.on_interval ? ctx_.on_interval(iv) : intervals_.push_back(iv); };
    if (timing.exec_start > timing.started) {
      record({spec.request, p, timing.slot, spec.subgraph, 0, timing.started, timing.exec_start});
    }
    record({spec.request, p, timing.slot, spec.subgraph, 1, timing.exec_start, timing.finished});
  }
  memory_.release(ctx_.blocks->block(spec.model, spec.variant, spec.subgraph), job.transient_bytes, engine_->now());
  free_jobs_.push_back(id);
  // Freed memory may unblock other processors' queue heads; the freed slot serves this queue.
  if (blocked_) retry_blocked();
  try_start(p);
  ctx_.listener->on_job_finished(spec, timing);
}

double Soc::corun_share(int p, sim::Time t) const {
  int slots = 0, executing = 0;
  for (int q = 0; q < static_cast<int>(procs_.size()); ++q) {
    if (q == p) continue;
    slots += ctx_.platform->processors[static_cast<std::size_t>(q)].slots;
    for (std::uint32_t j : procs_[static_cast<std::size_t>(q)].running) {
      const JobTiming& jt = jobs_[j].timing;
      executing += jt.exec_start <= t && t < jt.finished;
    }
  }
  return slots > 0 ? static_cast<double>(executing) / slots : 0.0;
}

void Soc::retry_blocked() {
  blocked_ = false;
  for (int p = 0; p < static_cast<int>(procs_.size()); ++p) try_start(p);
}

namespace {
const sim::Registration<ExecutionModel> kRegistration{
    "soc",
    "subgraph jobs on per-processor FIFO queues and slots, LRU weight memory with head-of-line blocking, "
    "hand-off, precision-change and cache-model costs (SparseLoom)",
    {},
    [](const sim::Params&) { return std::make_unique<Soc>(); }};
}  // namespace

}  // namespace hw
