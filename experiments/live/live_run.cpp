#include "experiments/live/live_run.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "experiments/live/executor.h"
#include "experiments/live/machine.h"
#include "hw-models/latency_model.h"
#include "sim/rng.h"
#include "sim/stats.h"

namespace live {

using Clock = std::chrono::steady_clock;

namespace {

struct Unit {
  enum class State { kAbsent, kLoading, kResident } state = State::kAbsent;
  const Model* model = nullptr;
  int subgraph = 0;
  std::unique_ptr<SubgraphPlan> plan;
};

struct Job {
  std::uint64_t request = 0;
  int model = 0, variant = 0, subgraph = 0, processor = 0, prev_processor = -1;
  std::uint32_t unit = 0;
  sim::Time expected, started, exec_start, finished;
  int slot = -1;
  std::int64_t workspace_bytes = 0;
  const std::vector<float>* input = nullptr;
  std::vector<float>* output = nullptr;
};

struct Proc {
  std::vector<int> cores;
  int slots = 1;
  int profile_index = -1;
  std::deque<Job*> queue;
  std::vector<Job*> running;
  int busy = 0;
  sim::Time queued_expected;
  double busy_ns = 0;
  std::condition_variable cv;
  std::vector<std::thread> workers;
};

}  // namespace

struct LiveRun::State {
  const experiments::Experiment& exp;
  const Zoo& zoo;
  std::unique_ptr<hw::LatencyModel> latency;
  std::unique_ptr<policies::Scheduler> scheduler;
  std::unique_ptr<policies::VariantSelector> selector;
  Clock::time_point t0;

  // Guarded by mu: every field below that workers touch. The dispatcher holds mu while it
  // decides, so SystemView methods (called only from policies inside decide) read without locking.
  mutable std::mutex mu;
  std::condition_variable dispatcher_cv, unit_cv;
  std::deque<Proc> procs;
  std::vector<Unit> units;
  std::vector<std::uint32_t> unit_offset;
  std::deque<Job> jobs;
  std::deque<Job*> completed;
  // Activation buffers no request holds any more, by element count, reused so a job never writes
  // to freshly mapped pages nor zero-fills a buffer (costs the profile's back-to-back runs never see).
  std::map<std::size_t, std::vector<std::vector<float>>> spare;
  bool stop = false;
  std::int64_t used_bytes = 0, peak_bytes = 0;
  sim::TimeWeightedAverage memory_avg;
  std::uint64_t loads = 0, hits = 0;
  std::exception_ptr worker_error;

  // Dispatcher-only state.
  std::vector<workloads::Slo> slo;
  std::vector<experiments::RequestRecord> requests;
  std::vector<policies::Plan> plans;  // one per request (live runs are short)
  std::deque<std::vector<float>> activations;  // per request; stable addresses
  std::vector<std::vector<float>> task_input;
  std::vector<policies::ReadyJob> ready;
  policies::Decisions decisions;
  std::vector<std::uint8_t> remove;
  std::vector<hw::BusyInterval> intervals;
  std::vector<std::uint64_t> jobs_per_processor;
  std::uint64_t events = 0, outstanding = 0;
  sim::Time last_event;

  State(const experiments::Experiment& e, const Zoo& z) : exp(e), zoo(z) {}

  sim::Time now() const {
    return sim::Time{std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()};
  }
  void set_used(std::int64_t delta) {
    used_bytes += delta;
    peak_bytes = std::max(peak_bytes, used_bytes);
    memory_avg.set(now(), static_cast<double>(used_bytes));
  }

  void worker(int p, int slot);
  void submit(const policies::ReadyJob& r, int processor);
  void decide(policies::SystemView& view);
  void on_arrival(policies::SystemView& view, int task, sim::Time at);
  void on_finished(policies::SystemView& view, Job* j);
};

LiveRun::LiveRun(const experiments::Experiment& e, const Zoo& zoo, const std::string& config_file)
    : s_(std::make_unique<State>(e, zoo)) {
  const hw::Profile& profile = *e.profile;
  for (const auto& proc : e.platform.processors) {
    const ProcessorSpec* spec = nullptr;
    for (const auto& ps : zoo.config().processors)
      if (ps.name == proc.name) spec = &ps;
    if (!spec) {
      throw sim::ConfigError(config_file, "$.zoo",
                             fmt::format("platform processor '{}' has no core set in the zoo config {}", proc.name, zoo.config().file));
    }
    Proc& pr = s_->procs.emplace_back();
    pr.cores = spec->cores;
    pr.slots = proc.slots;
    pr.profile_index = profile.find_processor(proc.name);
  }
  // Every variant of every profile model a task uses must exist in the zoo (selectors may pick any).
  for (std::size_t m = 0; m < profile.models.size(); ++m) {
    const auto& pm = profile.models[m];
    s_->unit_offset.push_back(static_cast<std::uint32_t>(s_->units.size()));
    bool used = false;
    for (const auto& t : e.tasks) used = used || t.model == static_cast<int>(m);
    int zm = zoo.find_model(pm.name);
    for (std::size_t v = 0; v < pm.variants.size(); ++v) {
      const Model* model = nullptr;
      if (zm >= 0) {
        const auto& z = zoo.models()[static_cast<std::size_t>(zm)];
        for (std::size_t k = 0; k < z.spec.variants.size(); ++k)
          if (z.spec.variants[k].name == pm.variants[v].name) model = &z.variants[k];
      }
      if (used && !model) {
        throw sim::ConfigError(config_file, "$.zoo",
                               fmt::format("model '{}' variant '{}' of profile {} is not in the zoo config {}", pm.name,
                                           pm.variants[v].name, profile.file, zoo.config().file));
      }
      if (used && model->subgraph_count() != pm.subgraph_count) {
        throw sim::ConfigError(config_file, "$.zoo",
                               fmt::format("model '{}' has {} subgraphs in the zoo but {} in the profile", pm.name,
                                           model->subgraph_count(), pm.subgraph_count));
      }
      for (int sg = 0; sg < pm.subgraph_count; ++sg) {
        Unit u;
        u.model = model;
        u.subgraph = sg;
        s_->units.push_back(std::move(u));
      }
    }
  }
  for (const auto& t : e.tasks) {
    const auto& pm = profile.models[static_cast<std::size_t>(t.model)];
    const Model& m0 = *s_->units[s_->unit_offset[static_cast<std::size_t>(t.model)]].model;
    (void)pm;
    s_->task_input.push_back(random_input(m0, zoo.config().batch, e.seed, 7));
    s_->slo.push_back(t.slo);
  }
  s_->latency = hw::make_latency_model(e.latency_node);
  s_->scheduler = policies::make_scheduler(e.scheduler_node);
  s_->selector = policies::make_variant_selector(e.selector_node);
  s_->scheduler->bind(*this);
}

LiveRun::~LiveRun() {
  if (!s_) return;
  {
    std::lock_guard lk(s_->mu);
    s_->stop = true;
  }
  for (auto& p : s_->procs) {
    p.cv.notify_all();
    for (auto& w : p.workers)
      if (w.joinable()) w.join();
  }
}

void LiveRun::State::worker(int p, int slot) {
  Proc& proc = procs[static_cast<std::size_t>(p)];
  try {
    pin_current_thread(proc.cores, zoo.config().realtime);
  } catch (...) {
    std::lock_guard lk(mu);
    worker_error = std::current_exception();
    dispatcher_cv.notify_one();
    return;
  }
  std::map<std::uint32_t, std::unique_ptr<Workspace>> workspaces;  // this slot's, per unit
  std::unique_lock lk(mu);
  while (true) {
    proc.cv.wait(lk, [&] { return stop || !proc.queue.empty(); });
    if (stop) return;
    Job* j = proc.queue.front();
    proc.queue.pop_front();
    proc.queued_expected -= j->expected;
    ++proc.busy;
    proc.running.push_back(j);
    j->slot = slot;
    j->started = now();
    Unit& u = units[j->unit];
    try {
      if (u.state == Unit::State::kAbsent) {
        u.state = Unit::State::kLoading;
        ++loads;
        lk.unlock();
        auto plan = std::make_unique<SubgraphPlan>(*u.model, u.subgraph, zoo.config().batch);
        lk.lock();
        u.plan = std::move(plan);
        u.state = Unit::State::kResident;
        set_used(static_cast<std::int64_t>(u.plan->weights_bytes()));
        unit_cv.notify_all();
      } else if (u.state == Unit::State::kLoading) {
        unit_cv.wait(lk, [&] { return u.state == Unit::State::kResident; });
      } else {
        ++hits;
      }
      const SubgraphPlan& plan = *u.plan;
      j->workspace_bytes = static_cast<std::int64_t>(plan.workspace_bytes());
      set_used(j->workspace_bytes);
      std::vector<float> out;
      auto& pool = spare[static_cast<std::size_t>(plan.output_elements())];
      if (!pool.empty()) {
        out = std::move(pool.back());
        pool.pop_back();
      }
      lk.unlock();
      auto& ws = workspaces[j->unit];
      if (!ws) ws = plan.make_workspace();
      out.resize(static_cast<std::size_t>(plan.output_elements()));  // no-op for a pooled buffer
      j->exec_start = now();
      plan.run(*ws, j->input->data(), out.data());
      j->finished = now();
      lk.lock();
      std::swap(*j->output, out);  // `out` now holds this request's previous activations
      if (!out.empty()) spare[out.size()].push_back(std::move(out));
    } catch (...) {
      if (!lk.owns_lock()) lk.lock();
      worker_error = std::current_exception();
      dispatcher_cv.notify_one();
      return;
    }
    set_used(-j->workspace_bytes);
    --proc.busy;
    std::erase(proc.running, j);
    proc.busy_ns += static_cast<double>((j->finished - j->started).ns);
    completed.push_back(j);
    dispatcher_cv.notify_one();
  }
}

void LiveRun::State::submit(const policies::ReadyJob& r, int processor) {
  Job& j = jobs.emplace_back();
  j.request = r.request;
  j.model = r.model, j.variant = r.variant, j.subgraph = r.subgraph, j.processor = processor;
  j.prev_processor = r.prev_processor;
  j.unit = unit_offset[static_cast<std::size_t>(r.model)] +
           static_cast<std::uint32_t>(r.variant * exp.profile->models[static_cast<std::size_t>(r.model)].subgraph_count + r.subgraph);
  const hw::LatencyDist* d = exp.profile->latency(r.model, r.variant, r.subgraph, procs[static_cast<std::size_t>(processor)].profile_index);
  j.expected = latency->expected(*d);
  j.input = r.subgraph == 0 ? &task_input[static_cast<std::size_t>(r.task)] : &activations[r.request];
  j.output = &activations[r.request];
  Proc& p = procs[static_cast<std::size_t>(processor)];
  p.queue.push_back(&j);
  p.queued_expected += j.expected;
  p.cv.notify_one();
}

// The same steps as experiments::Simulation::decide.
void LiveRun::State::decide(policies::SystemView& view) {
  if (ready.empty()) return;
  scheduler->schedule(view, decisions);
  if (decisions.assignments.empty() && decisions.drops.empty()) return;
  remove.assign(ready.size(), 0);
  for (const auto& d : decisions.drops) {
    if (d.ready_index >= ready.size() || remove[d.ready_index]) throw std::logic_error("scheduler: bad drop index");
    remove[d.ready_index] = 1;
    requests[ready[d.ready_index].request].drop_reason = d.reason;
    --outstanding;
  }
  for (const auto& a : decisions.assignments) {
    if (a.ready_index >= ready.size() || remove[a.ready_index]) throw std::logic_error("scheduler: bad assignment");
    remove[a.ready_index] = 1;
    const policies::ReadyJob& j = ready[a.ready_index];
    if (!view.can_run(j.model, j.variant, j.subgraph, a.processor)) {
      throw std::logic_error("scheduler assigned a job to a processor that cannot run it");
    }
    auto& rec = requests[j.request];
    if (j.subgraph < 16) rec.processors |= static_cast<std::uint64_t>(a.processor + 1) << (4 * j.subgraph);
    submit(j, a.processor);
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < ready.size(); ++i)
    if (!remove[i]) ready[w++] = ready[i];
  ready.resize(w);
}

void LiveRun::State::on_arrival(policies::SystemView& view, int task, sim::Time at) {
  auto t = static_cast<std::size_t>(task);
  experiments::RequestRecord rec;
  rec.id = requests.size();
  rec.task = task;
  rec.arrival = at;
  rec.deadline = at + slo[t].latency();
  rec.min_accuracy = slo[t].min_accuracy;
  const policies::Plan plan = selector->choose(view, task);
  rec.plan = static_cast<std::int32_t>(plans.size());
  plans.push_back(plan);
  requests.push_back(rec);
  activations.emplace_back();
  ++outstanding;
  ready.push_back(policies::ReadyJob{rec.id, task, exp.tasks[t].model, plan.variant[0], 0, -1, rec.arrival,
                                     rec.deadline, plan.processor[0]});
  decide(view);
}

void LiveRun::State::on_finished(policies::SystemView& view, Job* j) {
  if (j->exec_start > j->started) {
    intervals.push_back({j->request, j->processor, j->slot, j->subgraph, 0, j->started, j->exec_start});
  }
  intervals.push_back({j->request, j->processor, j->slot, j->subgraph, 1, j->exec_start, j->finished});
  ++jobs_per_processor[static_cast<std::size_t>(j->processor)];
  auto& rec = requests[j->request];
  if (j->subgraph == 0) rec.start = j->started;
  int subgraphs = exp.profile->models[static_cast<std::size_t>(j->model)].subgraph_count;
  last_event = std::max(last_event, j->finished);
  if (j->subgraph + 1 < subgraphs) {
    const policies::Plan& plan = plans[static_cast<std::size_t>(rec.plan)];
    auto next = static_cast<std::size_t>(j->subgraph + 1);
    ready.push_back(policies::ReadyJob{rec.id, rec.task, j->model, plan.variant[next], j->subgraph + 1, j->processor,
                                       rec.arrival, rec.deadline, plan.processor[next]});
  } else {
    rec.finish = j->finished;
    --outstanding;
    auto& done = activations[j->request];
    spare[done.size()].push_back(std::move(done));
  }
  decide(view);
}

experiments::RunResult LiveRun::run() {
  State& s = *s_;
  const auto& e = s.exp;
  std::size_t T = e.tasks.size();
  std::vector<std::unique_ptr<workloads::ArrivalProcess>> arrivals;
  std::vector<sim::Rng> rngs;
  std::vector<sim::Time> next(T, sim::Time::max());
  std::vector<std::int64_t> arrived(T, 0);
  // Same processes and streams as the simulation, so the same arrival times.
  for (std::size_t t = 0; t < T; ++t) {
    arrivals.push_back(workloads::make_arrival(e.tasks[t].arrival_node, e.base_dir));
    rngs.push_back(sim::Rng::stream(e.seed, "tasks/" + e.tasks[t].name + "/arrival"));
    sim::Time first = arrivals[t]->next(sim::Time::zero(), rngs[t]);
    if (first < e.duration) next[t] = first;
  }
  std::vector<workloads::SloChange> changes = e.slo_changes;
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  std::size_t next_change = 0;
  s.jobs_per_processor.assign(s.procs.size(), 0);

  s.t0 = Clock::now();
  s.memory_avg = sim::TimeWeightedAverage(sim::Time::zero(), 0.0);
  for (std::size_t p = 0; p < s.procs.size(); ++p)
    for (int slot = 0; slot < s.procs[p].slots; ++slot)
      s.procs[p].workers.emplace_back([&s, p, slot] { s.worker(static_cast<int>(p), slot); });

  // The dispatcher outranks the workers so a decision is never queued behind a subgraph.
  if (s.zoo.config().realtime) set_realtime(true, 11);
  struct RestorePolicy {
    bool on;
    ~RestorePolicy() {
      try {
        if (on) set_realtime(false, 0);
      } catch (...) {  // going back to normal priority cannot fail in practice; never throw here
      }
    }
  } restore{s.zoo.config().realtime};
  std::unique_lock lk(s.mu);
  while (true) {
    if (s.worker_error) std::rethrow_exception(s.worker_error);
    // Completions first, as in the simulator (they precede arrivals at the same instant).
    while (!s.completed.empty()) {
      Job* j = s.completed.front();
      s.completed.pop_front();
      ++s.events;
      s.on_finished(*this, j);
    }
    sim::Time now = s.now();
    sim::Time first_arrival = sim::Time::max();
    std::size_t first_task = 0;
    for (std::size_t t = 0; t < T; ++t)
      if (next[t] < first_arrival) first_arrival = next[t], first_task = t;
    sim::Time change_at = next_change < changes.size() ? changes[next_change].at : sim::Time::max();
    if (change_at <= now && change_at <= first_arrival) {
      s.slo[changes[next_change].task] = changes[next_change].slo;
      ++next_change;
      continue;
    }
    if (first_arrival <= now) {
      std::size_t t = first_task;
      ++s.events;
      ++arrived[t];
      s.last_event = std::max(s.last_event, first_arrival);
      s.on_arrival(*this, static_cast<int>(t), first_arrival);
      bool more = e.tasks[t].max_requests == 0 || arrived[t] < e.tasks[t].max_requests;
      sim::Time n = more ? arrivals[t]->next(first_arrival, rngs[t]) : sim::Time::max();
      next[t] = n < e.duration ? n : sim::Time::max();
      continue;
    }
    if (first_arrival == sim::Time::max() && s.outstanding == 0) break;
    sim::Time wake = std::min(first_arrival, change_at);
    auto pred = [&] { return !s.completed.empty() || s.worker_error; };
    if (wake == sim::Time::max()) {
      s.dispatcher_cv.wait(lk, pred);
    } else {
      s.dispatcher_cv.wait_until(lk, s.t0 + std::chrono::nanoseconds(wake.ns), pred);
    }
  }
  s.stop = true;
  lk.unlock();
  for (auto& p : s.procs) {
    p.cv.notify_all();
    for (auto& w : p.workers) w.join();
    p.workers.clear();
  }

  experiments::RunResult r;
  r.end_time = s.last_event;
  r.requests = s.requests;
  r.plans = s.plans;
  r.intervals = s.intervals;
  r.jobs_per_processor = s.jobs_per_processor;
  for (std::size_t p = 0; p < s.procs.size(); ++p) {
    double span = static_cast<double>(r.end_time.ns) * s.procs[p].slots;
    r.utilization.push_back(span > 0 ? s.procs[p].busy_ns / span : 0.0);
  }
  r.peak_memory_bytes = s.peak_bytes;
  r.average_memory_bytes = s.memory_avg.average(std::max(r.end_time, sim::Time{1}));
  r.loads = s.loads;
  r.hits = s.hits;
  r.evictions = 0;
  r.events = s.events;
  return r;
}

sim::Time LiveRun::now() const { return s_->now(); }
const hw::Platform& LiveRun::platform() const { return s_->exp.platform; }
const hw::Profile& LiveRun::profile() const { return *s_->exp.profile; }
int LiveRun::busy_slots(int p) const { return s_->procs[static_cast<std::size_t>(p)].busy; }
std::size_t LiveRun::queue_length(int p) const { return s_->procs[static_cast<std::size_t>(p)].queue.size(); }

sim::Time LiveRun::backlog(int p) const {
  const Proc& proc = s_->procs[static_cast<std::size_t>(p)];
  sim::Time now = s_->now();
  sim::Time remaining = proc.queued_expected;
  for (const Job* j : proc.running) {
    sim::Time end = j->started + j->expected;  // expected end; a job past it counts as ending now
    if (end > now) remaining += end - now;
  }
  return sim::Time{remaining.ns / proc.slots};
}

sim::Time LiveRun::expected_latency(int m, int v, int sg, int p) const {
  int pp = s_->procs[static_cast<std::size_t>(p)].profile_index;
  if (pp < 0) return sim::Time::max();
  const hw::LatencyDist* d = s_->exp.profile->latency(m, v, sg, pp);
  return d ? s_->latency->expected(*d) : sim::Time::max();
}

sim::Time LiveRun::expected_load(int m, int v, int sg) const {
  const Unit& u = s_->units[s_->unit_offset[static_cast<std::size_t>(m)] +
                            static_cast<std::uint32_t>(v * s_->exp.profile->models[static_cast<std::size_t>(m)].subgraph_count + sg)];
  if (u.state != Unit::State::kAbsent) return sim::Time::zero();
  const auto& mem = s_->exp.profile->models[static_cast<std::size_t>(m)].unit_memory(v, sg);
  if (mem.load_ms >= 0) return sim::from_ms(mem.load_ms);
  return sim::from_s(static_cast<double>(mem.weights_bytes) / s_->exp.platform.load_bandwidth_bytes_per_s);
}

int LiveRun::task_count() const { return static_cast<int>(s_->exp.tasks.size()); }
const std::string& LiveRun::task_name(int t) const { return s_->exp.tasks[static_cast<std::size_t>(t)].name; }
int LiveRun::task_model(int t) const { return s_->exp.tasks[static_cast<std::size_t>(t)].model; }
int LiveRun::task_variant(int t) const { return s_->exp.tasks[static_cast<std::size_t>(t)].variant; }
const workloads::Slo& LiveRun::task_slo(int t) const { return s_->slo[static_cast<std::size_t>(t)]; }
const std::vector<policies::ReadyJob>& LiveRun::ready_jobs() const { return s_->ready; }
double LiveRun::task_rate_rps(int t) const { return s_->exp.tasks[static_cast<std::size_t>(t)].rate_rps; }
bool LiveRun::task_active(int t) const { return now() >= s_->exp.tasks[static_cast<std::size_t>(t)].start; }
std::int64_t LiveRun::memory_used_bytes() const { return s_->used_bytes; }

}  // namespace live
