#include "experiments/simulation.h"

#include <stdexcept>

#include "policies/candidate_planner.h"
#include "policies/preloader.h"

namespace experiments {

// Arrival events are ordered after job completions at the same instant (see hw::Soc).
static constexpr sim::Priority kArrivalPriority = sim::priority::kNormal;
static constexpr sim::Priority kSloChangePriority = sim::priority::kFirst;

class Simulation::ArrivalHandler final : public sim::EventHandler {
 public:
  ArrivalHandler(Simulation& s, int task) : sim_(s), task_(task) {}
  void on_event(std::uint64_t) override { sim_.on_arrival(task_); }

 private:
  Simulation& sim_;
  int task_;
};

Simulation::Simulation(const Experiment& experiment) : exp_(experiment) {
  latency_ = hw::make_latency_model(exp_.latency_node);
  scheduler_ = policies::make_scheduler(exp_.scheduler_node);
  selector_ = policies::make_variant_selector(exp_.selector_node);
  soc_ = std::make_unique<hw::Soc>(engine_, exp_.platform, *exp_.profile, *latency_, exp_.seed, *this);
  soc_->set_record_intervals(exp_.outputs.intervals || exp_.outputs.trace);
  for (const auto& t : exp_.tasks) slo_.push_back(t.slo);
  scheduler_->bind(*this);
  selector_->bind(*this);
  preload();
}

void Simulation::preload() {
  auto preloader = policies::make_preloader(exp_.preloader_node);
  // The planner's anticipated plans feed hotness; planners that do not anticipate offer the
  // plan they would use now.
  std::vector<std::vector<policies::Plan>> anticipated;
  if (auto* planner = dynamic_cast<policies::CandidatePlanner*>(selector_.get())) {
    anticipated = planner->anticipated_plans(*this);
  } else {
    for (int t = 0; t < task_count(); ++t) anticipated.push_back({selector_->choose(*this, t)});
  }
  // Leave room for the largest unit plus every slot's activations, so on-demand loads can
  // always proceed next to the preloaded set.
  std::int64_t largest = 0, act = 0;
  for (const auto& t : exp_.tasks) {
    for (const auto& u : exp_.profile->models[static_cast<std::size_t>(t.model)].memory) {
      largest = std::max(largest, u.weights_bytes);
      act = std::max(act, u.activation_bytes);
    }
  }
  int slots = 0;
  for (const auto& p : exp_.platform.processors) slots += p.slots;
  std::int64_t budget = exp_.platform.memory_capacity_bytes - largest - act * slots;
  for (const auto& u : preloader->choose(*this, anticipated, budget)) {
    std::int64_t w = policies::unit_weights(*this, u);
    if (preloaded_bytes_ + w > budget) continue;
    std::uint32_t key = soc_->unit_key(u.model, u.variant, u.subgraph);
    if (soc_->memory().is_resident(key, sim::Time::zero())) continue;
    if (soc_->memory().preload(key, w)) preloaded_bytes_ += w;
  }
}

std::int32_t Simulation::intern(const policies::Plan& plan, int task) {
  // Plans are per task: the same variant indices mean different models for different tasks.
  std::string key(1, static_cast<char>(task));
  key.append(reinterpret_cast<const char*>(plan.variant.data()), plan.variant.size());
  key.append(reinterpret_cast<const char*>(plan.processor.data()), plan.processor.size());
  auto it = plan_index_.find(key);
  if (it != plan_index_.end()) return it->second;
  auto id = static_cast<std::int32_t>(plans_.size());
  plans_.push_back(plan);
  plan_index_.emplace(std::move(key), id);
  return id;
}

sim::Time Simulation::boundary_delay(int model, int subgraph, int prev_variant, int variant, int processor) const {
  const auto& m = exp_.profile->models[static_cast<std::size_t>(model)];
  const std::string& from = m.variants[static_cast<std::size_t>(prev_variant)].precision;
  const std::string& to = m.variants[static_cast<std::size_t>(variant)].precision;
  if (from == to) return sim::Time::zero();
  double ms = hw::precision_change_ms(*exp_.profile, model, subgraph, from, to,
                                      exp_.platform.processors[static_cast<std::size_t>(processor)].name);
  return sim::from_ms(ms >= 0 ? ms : exp_.precision_change_ms);
}

Simulation::~Simulation() = default;

RunResult Simulation::run() {
  for (std::size_t t = 0; t < exp_.tasks.size(); ++t) {
    arrivals_.push_back(workloads::make_arrival(exp_.tasks[t].arrival_node, exp_.base_dir));
    arrival_rngs_.push_back(sim::Rng::stream(exp_.seed, "tasks/" + exp_.tasks[t].name + "/arrival"));
    arrival_handlers_.push_back(std::make_unique<ArrivalHandler>(*this, static_cast<int>(t)));
    arrived_.push_back(0);
    sim::Time first = arrivals_[t]->next(exp_.tasks[t].start, arrival_rngs_[t]);
    if (first < exp_.duration) engine_.schedule_at(first, kArrivalPriority, arrival_handlers_[t].get(), 0);
  }
  for (const auto& change : exp_.slo_changes) {
    engine_.schedule_fn(change.at, kSloChangePriority, [this, change] { slo_[change.task] = change.slo; });
  }
  engine_.run();

  RunResult r;
  r.end_time = engine_.now();
  for (const auto& req : requests_) {
    if (!req.finished() && !req.dropped()) throw std::logic_error("a request neither finished nor dropped");
  }
  r.requests = std::move(requests_);
  r.plans = plans_;
  r.preloaded_bytes = preloaded_bytes_;
  r.intervals = soc_->intervals();
  int n = soc_->processor_count();
  r.jobs_per_processor.assign(static_cast<std::size_t>(n), 0);
  for (int p = 0; p < n; ++p) r.utilization.push_back(soc_->utilization(p, r.end_time));
  for (const auto& iv : r.intervals)
    if (iv.phase == 1) ++r.jobs_per_processor[static_cast<std::size_t>(iv.processor)];
  r.peak_memory_bytes = soc_->memory().peak_bytes();
  r.average_memory_bytes = soc_->memory().average_used_bytes(r.end_time);
  r.loads = soc_->memory().loads();
  r.hits = soc_->memory().hits();
  r.evictions = soc_->memory().evictions();
  r.events = engine_.events_processed();
  return r;
}

void Simulation::on_arrival(int task) {
  auto t = static_cast<std::size_t>(task);
  sim::Time now = engine_.now();
  RequestRecord rec;
  rec.id = requests_.size();
  rec.task = task;
  rec.arrival = now;
  rec.deadline = now + slo_[t].latency();
  rec.min_accuracy = slo_[t].min_accuracy;
  const policies::Plan plan = selector_->choose(*this, task);
  rec.plan = intern(plan, task);
  requests_.push_back(rec);
  ++arrived_[t];
  ready_.push_back(policies::ReadyJob{rec.id, task, exp_.tasks[t].model, plan.variant[0], 0, -1, rec.arrival,
                                      rec.deadline, plan.processor[0]});

  // Schedule the task's next arrival.
  bool more = exp_.tasks[t].max_requests == 0 || arrived_[t] < exp_.tasks[t].max_requests;
  if (more) {
    sim::Time next = arrivals_[t]->next(now, arrival_rngs_[t]);
    if (next < exp_.duration) engine_.schedule_at(next, kArrivalPriority, arrival_handlers_[t].get(), 0);
  }
  decide();
}

void Simulation::on_job_finished(std::uint32_t, const hw::JobSpec& spec, const hw::JobTiming& timing) {
  RequestRecord& rec = requests_[spec.request];
  if (spec.subgraph == 0) rec.start = timing.started;
  int subgraphs = exp_.profile->models[static_cast<std::size_t>(spec.model)].subgraph_count;
  if (spec.subgraph + 1 < subgraphs) {
    const policies::Plan& plan = plans_[static_cast<std::size_t>(rec.plan)];
    auto next = static_cast<std::size_t>(spec.subgraph + 1);
    ready_.push_back(policies::ReadyJob{rec.id, rec.task, spec.model, plan.variant[next], spec.subgraph + 1,
                                        spec.processor, rec.arrival, rec.deadline, plan.processor[next]});
  } else {
    rec.finish = timing.finished;
  }
  decide();
}

void Simulation::drop(std::uint64_t request, const char* reason) { requests_[request].drop_reason = reason; }

void Simulation::decide() {
  if (ready_.empty()) return;
  scheduler_->schedule(*this, decisions_);
  if (decisions_.assignments.empty() && decisions_.drops.empty()) return;
  remove_.assign(ready_.size(), 0);
  for (const auto& d : decisions_.drops) {
    if (d.ready_index >= ready_.size() || remove_[d.ready_index]) throw std::logic_error("scheduler: bad drop index");
    remove_[d.ready_index] = 1;
    drop(ready_[d.ready_index].request, d.reason);
  }
  // Submitting may start jobs synchronously but never re-enters decide() (completions are events).
  for (const auto& a : decisions_.assignments) {
    if (a.ready_index >= ready_.size() || remove_[a.ready_index]) throw std::logic_error("scheduler: bad assignment");
    remove_[a.ready_index] = 1;
    const policies::ReadyJob& j = ready_[a.ready_index];
    if (!can_run(j.model, j.variant, j.subgraph, a.processor)) {
      throw std::logic_error("scheduler assigned a job to a processor that cannot run it");
    }
    RequestRecord& rec = requests_[j.request];
    if (j.subgraph < 16) rec.processors |= static_cast<std::uint64_t>(a.processor + 1) << (4 * j.subgraph);
    hw::JobSpec spec;
    spec.request = j.request;
    spec.rng_stream = j.request * 64 + static_cast<std::uint64_t>(j.subgraph);
    spec.model = j.model;
    spec.variant = j.variant;
    spec.subgraph = j.subgraph;
    spec.processor = a.processor;
    spec.prev_processor = j.prev_processor;
    if (j.subgraph > 0) {
      int prev_variant = plans_[static_cast<std::size_t>(rec.plan)].variant[static_cast<std::size_t>(j.subgraph - 1)];
      spec.boundary_delay = boundary_delay(j.model, j.subgraph, prev_variant, j.variant, a.processor);
    }
    soc_->submit(spec);
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < ready_.size(); ++i)
    if (!remove_[i]) ready_[w++] = ready_[i];
  ready_.resize(w);
}

std::string plan_label(const policies::Plan& plan, const hw::ModelProfile& model) {
  if (!plan.stitched(model.subgraph_count)) return model.variants[static_cast<std::size_t>(plan.variant[0])].name;
  std::string out;
  for (int s = 0; s < model.subgraph_count; ++s) {
    if (s) out += '|';
    out += model.variants[static_cast<std::size_t>(plan.variant[static_cast<std::size_t>(s)])].name;
  }
  return out;
}

std::string processor_path(const RequestRecord& r, const hw::Platform& platform, int subgraphs) {
  std::string out;
  for (int s = 0; s < std::min(subgraphs, 16); ++s) {
    auto p = static_cast<int>((r.processors >> (4 * s)) & 0xf);
    if (p == 0) break;
    if (!out.empty()) out += '>';
    out += platform.processors[static_cast<std::size_t>(p - 1)].name;
  }
  return out;
}

}  // namespace experiments
