#include "experiments/live/live_run.h"

#include <algorithm>

#include <fmt/format.h>

#include "experiments/live/machine.h"
#include "experiments/live/onednn_runner.h"
#include "sim/rng.h"

namespace live {

std::vector<std::vector<int>> zoo_cores(const experiments::Experiment& e, const Zoo& zoo, const std::string& config_file) {
  std::vector<std::vector<int>> cores;
  for (const auto& proc : e.platform.processors) {
    const ProcessorSpec* spec = nullptr;
    for (const auto& ps : zoo.config().processors)
      if (ps.name == proc.name) spec = &ps;
    if (!spec) {
      throw sim::ConfigError(config_file, "$.zoo",
                             fmt::format("platform processor '{}' has no core set in the zoo config {}", proc.name, zoo.config().file));
    }
    cores.push_back(spec->cores);
  }
  return cores;
}

namespace {
sim::Time pool_clock(const void* pool) { return static_cast<const LivePool*>(pool)->now(); }
}  // namespace

LiveRun::LiveRun(const experiments::Experiment& e, Executor executor, std::vector<std::vector<int>> cores, bool realtime,
                 const Zoo* zoo, const std::string& config_file)
    : exp_(e), pool_(std::make_unique<LivePool>(std::move(cores), realtime)), realtime_(realtime) {
  if (executor == Executor::kOnednn) {
    if (!zoo) throw std::logic_error("the oneDNN executor needs a zoo");
    std::vector<bool> used(e.profile->models.size(), false);
    for (const auto& t : e.tasks) used[static_cast<std::size_t>(t.model)] = true;
    // Built now, so a zoo that does not cover the experiment fails before anything runs.
    auto runner = std::make_shared<std::unique_ptr<JobRunner>>(make_onednn_runner(*zoo, *e.profile, used, e.seed, config_file));
    pool_->set_runner_factory([runner](const hw::ExecutionContext&) { return std::move(*runner); });
  } else {
    pool_->set_runner_factory([](const hw::ExecutionContext& c) { return make_replay_runner(c); });
  }
  experiments::TimeSource time;
  time.clock = pool_clock;
  time.clock_state = pool_.get();
  flow_ = std::make_unique<experiments::RequestFlow>(e, *pool_, time, e.outputs.intervals || e.outputs.trace);
}

LiveRun::~LiveRun() {
  if (pool_) pool_->stop();
}

experiments::RunResult LiveRun::run() {
  const auto& e = exp_;
  if (!e.arrival_sets.empty()) throw sim::ConfigError(e.file, "$.arrival_sets", "the live backend does not run arrival sets yet");
  std::size_t T = e.tasks.size();
  std::vector<std::unique_ptr<workloads::ArrivalProcess>> arrivals;
  std::vector<sim::Rng> rngs;
  std::vector<sim::Time> next(T, sim::Time::max());
  std::vector<std::int64_t> arrived(T, 0);
  // Same processes and streams as the simulation, so the same arrival times.
  for (std::size_t t = 0; t < T; ++t) {
    arrivals.push_back(workloads::make_arrival(e.tasks[t].arrival_node, e.base_dir));
    rngs.push_back(sim::Rng::stream(e.seed, "tasks/" + e.tasks[t].name + "/arrival"));
    sim::Time first = arrivals[t]->next(e.tasks[t].start, rngs[t]);
    if (first < e.duration) next[t] = first;
  }
  std::vector<workloads::SloChange> changes = e.slo_changes;
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  std::size_t next_change = 0;
  std::uint64_t events = 0;
  sim::Time last_event;

  std::unique_lock lk(pool_->mutex());
  flow_->start();  // binds the pool (under its lock, as every flow call) and preloads
  Clock::time_point t0 = pool_->start(lk);
  lk.unlock();
  // The dispatcher outranks the workers so a decision is never queued behind a subgraph.
  if (realtime_) set_realtime(true, 11);
  set_precise_timers();
  struct RestorePolicy {
    bool on;
    ~RestorePolicy() {
      try {
        if (on) set_realtime(false, 0);
      } catch (...) {  // going back to normal priority cannot fail in practice; never throw here
      }
    }
  } restore{realtime_};
  lk.lock();
  while (true) {
    // Completions first, as in the simulator (they precede arrivals at the same instant).
    events += pool_->deliver_completed();
    sim::Time now = pool_->now();
    sim::Time first_arrival = sim::Time::max();
    std::size_t first_task = 0;
    for (std::size_t t = 0; t < T; ++t)
      if (next[t] < first_arrival) first_arrival = next[t], first_task = t;
    sim::Time change_at = next_change < changes.size() ? changes[next_change].at : sim::Time::max();
    if (change_at <= now && change_at <= first_arrival) {
      flow_->change_slo(changes[next_change++]);
      continue;
    }
    if (first_arrival <= now) {
      std::size_t t = first_task;
      ++events;
      ++arrived[t];
      last_event = std::max(last_event, first_arrival);
      bool more = e.tasks[t].max_requests == 0 || arrived[t] < e.tasks[t].max_requests;
      sim::Time n = more ? arrivals[t]->next(first_arrival, rngs[t]) : sim::Time::max();
      next[t] = n < e.duration ? n : sim::Time::max();
      flow_->arrive(static_cast<int>(t), first_arrival);
      continue;
    }
    // SLO changes after the last arrival affect no request (the simulation drops those at or
    // after the duration): the run ends with its last request.
    if (first_arrival == sim::Time::max() && flow_->outstanding() == 0) break;
    sim::Time wake = std::min(first_arrival, change_at);
    pool_->wait(lk, wake == sim::Time::max() ? Clock::time_point::max() : t0 + std::chrono::nanoseconds(wake.ns));
  }
  sim::Time end = std::max(last_event, pool_->now());
  lk.unlock();
  pool_->stop();
  lk.lock();
  return flow_->finish(end, events);
}

}  // namespace live
