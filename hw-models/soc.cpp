#include "hw-models/soc.h"

#include <cmath>
#include <stdexcept>

#include "sim/rng.h"

namespace hw {
namespace {
std::size_t count_units(const Profile& profile) {
  std::size_t n = 0;
  for (const auto& m : profile.models) n += m.variants.size() * static_cast<std::size_t>(m.subgraph_count);
  return n;
}
}  // namespace

Soc::Soc(sim::Engine& engine, const Platform& platform, const Profile& profile, const LatencyModel& latency,
         std::uint64_t seed, SocListener& listener)
    : engine_(engine),
      platform_(platform),
      profile_(profile),
      latency_(latency),
      listener_(listener),
      seed_(seed),
      latency_stream_hash_(sim::hash_path("soc/latency")),
      memory_(platform.memory_capacity_bytes, count_units(profile)),
      procs_(platform.processors.size()),
      unit_last_end_(count_units(profile), sim::Time::max()) {
  std::uint32_t offset = 0;
  for (const auto& m : profile.models) {
    unit_offset_.push_back(offset);
    offset += static_cast<std::uint32_t>(m.variants.size() * static_cast<std::size_t>(m.subgraph_count));
  }
  for (const auto& proc : platform.processors) processor_map_.push_back(profile.find_processor(proc.name));
}

sim::Time Soc::expected_latency(int model, int variant, int subgraph, int processor) const {
  int pp = processor_map_[processor];
  if (pp < 0) return sim::Time::max();
  const LatencyDist* d = profile_.latency(model, variant, subgraph, pp);
  return d ? latency_.expected(*d) : sim::Time::max();
}

sim::Time Soc::expected_load(int model, int variant, int subgraph) const {
  std::uint32_t key = unit_key(model, variant, subgraph);
  sim::Time now = engine_.now();
  switch (memory_.state(key, now)) {
    case MemoryPool::State::kResident: return sim::Time::zero();
    case MemoryPool::State::kLoading: return sim::Time::zero();  // already on its way; caller cannot speed it up
    case MemoryPool::State::kAbsent: break;
  }
  const UnitMemory& mem = profile_.models[model].unit_memory(variant, subgraph);
  if (mem.load_ms >= 0) return sim::from_ms(mem.load_ms);
  return sim::from_s(static_cast<double>(mem.weights_bytes) / platform_.load_bandwidth_bytes_per_s);
}

sim::Time Soc::backlog(int p) const {
  const Proc& proc = procs_[p];
  sim::Time now = engine_.now();
  sim::Time remaining = proc.queued_expected;
  for (std::uint32_t j : proc.running) {
    const Job& job = jobs_[j];
    if (job.timing.finished > now) remaining += job.timing.finished - now;
  }
  int slots = platform_.processors[p].slots;
  return sim::Time{remaining.ns / slots};
}

double Soc::utilization(int p, sim::Time end) const {
  if (end.ns <= 0) return 0;
  return procs_[p].busy_ns / (static_cast<double>(end.ns) * platform_.processors[p].slots);
}

std::uint32_t Soc::submit(const JobSpec& spec) {
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
  job.timing.enqueued = engine_.now();
  job.expected = expected_latency(spec.model, spec.variant, spec.subgraph, spec.processor);
  if (job.expected == sim::Time::max()) throw std::logic_error("job submitted to a processor that cannot run it");
  job.transient_bytes = profile_.models[spec.model].unit_memory(spec.variant, spec.subgraph).activation_bytes;
  Proc& proc = procs_[spec.processor];
  proc.queue.push_back(id);
  proc.queued_expected += job.expected;
  try_start(spec.processor);
  return id;
}

void Soc::try_start(int p) {
  Proc& proc = procs_[p];
  while (!proc.queue.empty() && proc.busy < platform_.processors[p].slots) {
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
  sim::Time now = engine_.now();
  const UnitMemory& mem = profile_.models[s.model].unit_memory(s.variant, s.subgraph);
  sim::Time load_time = expected_load(s.model, s.variant, s.subgraph);
  MemoryPool::Grant grant =
      memory_.acquire(unit_key(s.model, s.variant, s.subgraph), mem.weights_bytes, job.transient_bytes, now, load_time);
  if (!grant.ok) return false;
  Proc& proc = procs_[p];
  proc.queued_expected -= job.expected;
  int slot = __builtin_ctzll(~proc.slot_mask);
  proc.slot_mask |= (1ULL << slot);
  ++proc.busy;
  proc.running.push_back(id);
  ++jobs_started_;

  sim::Time ready = std::max(grant.ready_at, now + platform_.handoff_cost(s.prev_processor, p) + s.boundary_delay);
  sim::Rng rng = sim::Rng::stream(seed_, latency_stream_hash_, s.rng_stream);
  const LatencyDist* dist = profile_.latency(s.model, s.variant, s.subgraph, processor_map_[p]);
  sim::Time exec = latency_.sample(*dist, rng);
  if (platform_.cache && !platform_.cache->inert()) {
    std::uint32_t key = unit_key(s.model, s.variant, s.subgraph);
    sim::Time& last_end = unit_last_end_[key];
    sim::Time idle = last_end == sim::Time::max() ? last_end : std::max(sim::Time::zero(), ready - last_end);
    double factor = platform_.cache->slowdown(*dist, idle, corun_share(p, ready));
    exec = sim::Time{static_cast<std::int64_t>(std::llround(static_cast<double>(exec.ns) * factor))};
    if (last_end == sim::Time::max() || ready + exec > last_end) last_end = ready + exec;
  }
  job.timing.started = now;
  job.timing.exec_start = ready;
  job.timing.finished = ready + exec;
  job.timing.slot = slot;
  job.timing.loaded = grant.started_load;
  engine_.schedule_at(job.timing.finished, kJobFinishPriority, this, id);
  return true;
}

void Soc::on_event(std::uint64_t tag) {
  auto id = static_cast<std::uint32_t>(tag);
  Job& job = jobs_[id];
  const JobSpec spec = job.spec;
  const JobTiming timing = job.timing;
  int p = spec.processor;
  Proc& proc = procs_[p];
  proc.slot_mask &= ~(1ULL << timing.slot);
  --proc.busy;
  for (std::size_t i = 0; i < proc.running.size(); ++i) {
    if (proc.running[i] == id) {
      proc.running[i] = proc.running.back();
      proc.running.pop_back();
      break;
    }
  }
  proc.busy_ns += static_cast<double>((timing.finished - timing.started).ns);
  if (record_intervals_) {
    if (timing.exec_start > timing.started) {
      intervals_.push_back({spec.request, p, timing.slot, spec.subgraph, 0, timing.started, timing.exec_start});
    }
    intervals_.push_back({spec.request, p, timing.slot, spec.subgraph, 1, timing.exec_start, timing.finished});
  }
  memory_.release(unit_key(spec.model, spec.variant, spec.subgraph), job.transient_bytes, engine_.now());
  free_jobs_.push_back(id);
  // Freed memory may unblock other processors' queue heads; the freed slot serves this queue.
  if (blocked_) retry_blocked();
  try_start(p);
  listener_.on_job_finished(id, spec, timing);
}

double Soc::corun_share(int p, sim::Time t) const {
  int slots = 0, executing = 0;
  for (int q = 0; q < static_cast<int>(procs_.size()); ++q) {
    if (q == p) continue;
    slots += platform_.processors[static_cast<std::size_t>(q)].slots;
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

}  // namespace hw
