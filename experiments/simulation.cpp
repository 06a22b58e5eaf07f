#include "experiments/simulation.h"

namespace experiments {

// Arrival events are ordered after job completions at the same instant (hw::kJobFinishPriority);
// SLO changes come first, so a request arriving at the change sees the new SLO.
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

Simulation::Simulation(const Experiment& experiment, RecordOutput output) : exp_(experiment) {
  exec_ = exp_.execution.build();
  TimeSource time;
  time.engine = &engine_;
  flow_ = std::make_unique<RequestFlow>(exp_, *exec_, time, exp_.outputs.intervals || exp_.outputs.trace,
                                        std::move(output));
  flow_->start();
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
  // A change at or after the end of arrivals affects no request; scheduling it would only stretch
  // the run's end (and dilute its throughput) to an instant where nothing happens.
  for (const auto& change : exp_.slo_changes) {
    if (change.at >= exp_.duration) continue;
    engine_.schedule_fn(change.at, kSloChangePriority, [this, change] { flow_->change_slo(change); });
  }
  engine_.run();
  return flow_->finish(engine_.now(), engine_.events_processed());
}

void Simulation::on_arrival(int task) {
  auto t = static_cast<std::size_t>(task);
  sim::Time now = engine_.now();
  ++arrived_[t];
  // The task's next arrival is scheduled before the flow submits this request's first job, so
  // same-time events keep the insertion order they always had.
  bool more = exp_.tasks[t].max_requests == 0 || arrived_[t] < exp_.tasks[t].max_requests;
  if (more) {
    sim::Time next = arrivals_[t]->next(now, arrival_rngs_[t]);
    if (next < exp_.duration) engine_.schedule_at(next, kArrivalPriority, arrival_handlers_[t].get(), 0);
  }
  flow_->arrive(task, now);
}

}  // namespace experiments
