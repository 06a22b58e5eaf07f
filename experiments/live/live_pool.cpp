#include "experiments/live/live_pool.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

#include <algorithm>
#include <stdexcept>

#include "experiments/live/machine.h"

namespace live {

struct LivePool::Unit {
  enum class State { kAbsent, kLoading, kResident } state = State::kAbsent;
  std::unique_ptr<LoadedUnit> loaded;
  Clock::time_point resident_at;
};

struct LivePool::Job {
  hw::JobSpec spec;
  hw::JobTiming timing;
  sim::Time expected;
  std::int64_t workspace_bytes = 0;
};

struct LivePool::Proc {
  std::vector<int> cores;
  int slots = 1;
  std::deque<Job*> queue;
  std::vector<Job*> running;
  int busy = 0;
  sim::Time queued_expected;
  double busy_ns = 0;
  std::uint64_t jobs = 0;
  std::condition_variable cv;
  std::vector<std::thread> workers;
};

namespace {
// Bytes the allocator has handed out and not taken back (glibc's small-block arenas plus mmapped
// blocks). When another allocator replaced glibc's (AddressSanitizer does), mallinfo2 reports
// nothing: the process's resident set (/proc/self/statm) is measured instead.
std::int64_t heap_in_use_bytes() {
  struct mallinfo2 mi = mallinfo2();
  auto glibc = static_cast<std::int64_t>(mi.uordblks + mi.hblkhd);
  if (glibc > 0) return glibc;
  std::ifstream statm("/proc/self/statm");
  std::int64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}
}  // namespace

LivePool::LivePool(std::vector<std::vector<int>> cores, bool realtime) : cores_(std::move(cores)), realtime_(realtime) {}

LivePool::~LivePool() { stop(); }

void LivePool::bind(const hw::ExecutionContext& context) {
  if (context.engine) throw std::logic_error("the live pool runs in real time, not on a simulation engine");
  if (!runner_factory_) throw std::logic_error("live pool: no job runner");
  ctx_ = context;
  if (cores_.size() != ctx_.platform->processors.size()) throw std::logic_error("live pool: one core set per processor");
  for (std::size_t p = 0; p < cores_.size(); ++p) {
    Proc& pr = procs_.emplace_back();
    pr.cores = cores_[p];
    pr.slots = ctx_.platform->processors[p].slots;
  }
  units_ = std::vector<Unit>(ctx_.blocks->count());
  runner_ = runner_factory_(ctx_);
  // Measured memory counts from here: preloaded units, compiled units and buffers of the run.
  heap_baseline_bytes_ = heap_in_use_bytes();
}

Clock::time_point LivePool::start(std::unique_lock<std::mutex>& lk) {
  int workers = 0;
  for (std::size_t p = 0; p < procs_.size(); ++p)
    for (int slot = 0; slot < procs_[p].slots; ++slot, ++workers)
      procs_[p].workers.emplace_back([this, p, slot] { worker(static_cast<int>(p), slot); });
  // Time zero once every worker is pinned and waiting, so thread start-up is not in the run.
  driver_cv_.wait(lk, [&] { return workers_ready_ == workers || worker_error_; });
  if (worker_error_) std::rethrow_exception(worker_error_);
  t0_ = Clock::now();
  memory_avg_ = sim::TimeWeightedAverage(sim::Time::zero(), static_cast<double>(used_bytes_));
  return t0_;
}

void LivePool::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  for (auto& p : procs_) {
    p.cv.notify_all();
    for (auto& w : p.workers)
      if (w.joinable()) w.join();
    p.workers.clear();
  }
}

sim::Time LivePool::now() const {
  return sim::Time{std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0_).count()};
}

void LivePool::set_used(std::int64_t delta) {
  used_bytes_ += delta;
  peak_bytes_ = std::max(peak_bytes_, used_bytes_);
  memory_avg_.set(now(), static_cast<double>(used_bytes_));
}

void LivePool::sample_process_memory() {
  measured_peak_bytes_ = std::max(measured_peak_bytes_, heap_in_use_bytes() - heap_baseline_bytes_);
}

LivePool::Unit& LivePool::unit(int model, int variant, int subgraph) {
  return units_[ctx_.blocks->block(model, variant, subgraph)];
}
const LivePool::Unit& LivePool::unit(int model, int variant, int subgraph) const {
  return units_[ctx_.blocks->block(model, variant, subgraph)];
}

void LivePool::worker(int p, int slot) {
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  int slot_key = p * 64 + slot;
  std::unique_lock lk(mu_);
  try {
    lk.unlock();
    if (!proc.cores.empty()) pin_current_thread(proc.cores, realtime_);
    else if (realtime_) set_realtime(true, 10);
    set_precise_timers();
    lk.lock();
    ++workers_ready_;
    driver_cv_.notify_one();
    while (true) {
      proc.cv.wait(lk, [&] { return stop_ || !proc.queue.empty(); });
      if (stop_) return;
      Job* j = proc.queue.front();
      proc.queue.pop_front();
      proc.queued_expected -= j->expected;
      ++proc.busy;
      proc.running.push_back(j);
      j->timing.slot = slot;
      Clock::time_point started = Clock::now();
      j->timing.started = now();
      Unit& u = unit(j->spec.model, j->spec.variant, j->spec.subgraph);
      if (u.state == Unit::State::kAbsent) {
        u.state = Unit::State::kLoading;
        ++loads_;
        j->timing.loaded = true;
        lk.unlock();
        auto loaded = runner_->load(j->spec.model, j->spec.variant, j->spec.subgraph);
        lk.lock();
        u.loaded = std::move(loaded);
        u.state = Unit::State::kResident;
        u.resident_at = Clock::now();
        set_used(u.loaded->weights_bytes());
        unit_cv_.notify_all();
      } else if (u.state == Unit::State::kLoading) {
        unit_cv_.wait(lk, [&] { return u.state == Unit::State::kResident; });
      } else {
        ++hits_;
      }
      Clock::time_point loaded_at = std::max(started, u.resident_at);
      j->workspace_bytes = u.loaded->workspace_bytes();
      set_used(j->workspace_bytes);
      sample_process_memory();
      lk.unlock();
      Clock::time_point exec_start = runner_->run(j->spec, *u.loaded, slot_key, started, loaded_at);
      sim::Time finished = now();
      lk.lock();
      j->timing.exec_start = sim::Time{std::chrono::duration_cast<std::chrono::nanoseconds>(exec_start - t0_).count()};
      j->timing.finished = finished;
      sample_process_memory();
      set_used(-j->workspace_bytes);
      --proc.busy;
      ++proc.jobs;
      std::erase(proc.running, j);
      proc.busy_ns += static_cast<double>((j->timing.finished - j->timing.started).ns);
      if (ctx_.record_intervals) {
        // Under the pool's lock, as every flow call: a streaming flow's callback is safe here.
        const auto& s = j->spec;
        auto record = [&](const hw::BusyInterval& iv) { ctx_.on_interval ? ctx_.on_interval(iv) : intervals_.push_back(iv); };
        if (j->timing.exec_start > j->timing.started) record({s.request, p, slot, s.subgraph, 0, j->timing.started, j->timing.exec_start});
        record({s.request, p, slot, s.subgraph, 1, j->timing.exec_start, j->timing.finished});
      }
      completed_.push_back(j);
      driver_cv_.notify_one();
    }
  } catch (...) {
    if (!lk.owns_lock()) lk.lock();
    worker_error_ = std::current_exception();
    driver_cv_.notify_one();
  }
}

void LivePool::submit(const hw::JobSpec& spec) {
  Job& j = jobs_.emplace_back();
  j.spec = spec;
  j.timing.enqueued = now();
  int pp = ctx_.profile->find_processor(ctx_.platform->processors[static_cast<std::size_t>(spec.processor)].name);
  const hw::LatencyDist* d = pp < 0 ? nullptr : ctx_.profile->latency(spec.model, spec.variant, spec.subgraph, pp);
  if (!d) throw std::logic_error("job submitted to a processor that cannot run it");
  j.expected = ctx_.latency->expected(*d);
  Proc& p = procs_[static_cast<std::size_t>(spec.processor)];
  p.queue.push_back(&j);
  p.queued_expected += j.expected;
  p.cv.notify_one();
}

void LivePool::wait(std::unique_lock<std::mutex>& lk, Clock::time_point deadline) {
  auto pred = [&] { return !completed_.empty() || worker_error_; };
  if (deadline == Clock::time_point::max()) driver_cv_.wait(lk, pred);
  else driver_cv_.wait_until(lk, deadline, pred);
}

std::size_t LivePool::deliver_completed() {
  if (worker_error_) std::rethrow_exception(worker_error_);
  std::size_t n = 0;
  while (!completed_.empty()) {
    Job* j = completed_.front();
    completed_.pop_front();
    ++n;
    int subgraphs = ctx_.profile->models[static_cast<std::size_t>(j->spec.model)].subgraph_count;
    if (j->spec.subgraph + 1 == subgraphs) runner_->request_done(j->spec.request);
    ctx_.listener->on_job_finished(j->spec, j->timing);
  }
  return n;
}

int LivePool::busy_slots(int p) const { return procs_[static_cast<std::size_t>(p)].busy; }
std::size_t LivePool::queue_length(int p) const { return procs_[static_cast<std::size_t>(p)].queue.size(); }

sim::Time LivePool::backlog(int p) const {
  const Proc& proc = procs_[static_cast<std::size_t>(p)];
  sim::Time t = now();
  sim::Time remaining = proc.queued_expected;
  for (const Job* j : proc.running) {
    sim::Time end = j->timing.started + j->expected;  // expected end; a job past it counts as ending now
    if (end > t) remaining += end - t;
  }
  return sim::Time{remaining.ns / proc.slots};
}

sim::Time LivePool::expected_load(int model, int variant, int subgraph) const {
  if (unit(model, variant, subgraph).state != Unit::State::kAbsent) return sim::Time::zero();
  return hw::unit_load_time(*ctx_.platform, *ctx_.profile, model, variant, subgraph);
}

bool LivePool::preload(hw::WeightBlockId block, std::int64_t) {
  // Before the workers start (the flow preloads in start()): load now, keep it resident.
  Unit& u = units_[block];
  if (u.state == Unit::State::kResident) return true;
  auto owner = ctx_.blocks->owner(block);
  u.loaded = runner_->load(owner.model, owner.variant, owner.subgraph);
  if (used_bytes_ + u.loaded->weights_bytes() > ctx_.platform->memory_capacity_bytes) {
    u.loaded.reset();
    return false;
  }
  u.state = Unit::State::kResident;
  u.resident_at = Clock::time_point::min();
  used_bytes_ += u.loaded->weights_bytes();
  peak_bytes_ = std::max(peak_bytes_, used_bytes_);
  return true;
}

bool LivePool::resident(hw::WeightBlockId block) const { return units_[block].state == Unit::State::kResident; }

hw::ExecutionStats LivePool::stats(sim::Time end) const {
  hw::ExecutionStats st;
  st.intervals = intervals_;
  for (const auto& p : procs_) {
    double span = static_cast<double>(end.ns) * p.slots;
    st.utilization.push_back(span > 0 ? p.busy_ns / span : 0.0);
    st.jobs_per_processor.push_back(p.jobs);
  }
  st.peak_memory_bytes = runner_->allocates() ? measured_peak_bytes_ : peak_bytes_;
  st.average_memory_bytes = memory_avg_.average(std::max(end, sim::Time{1}));
  st.loads = loads_;
  st.hits = hits_;
  return st;
}

}  // namespace live
