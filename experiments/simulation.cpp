#include "experiments/simulation.h"

#include <algorithm>

namespace experiments {

// Arrival events are ordered after job completions at the same instant (hw::kJobFinishPriority);
// SLO changes come first, so a request arriving at the change sees the new SLO.
static constexpr sim::Priority kArrivalPriority = sim::priority::kNormal;
static constexpr sim::Priority kSloChangePriority = sim::priority::kFirst;

class Simulation::ArrivalHandler final : public sim::EventHandler {
 public:
  ArrivalHandler(Simulation& s, int task, bool set = false) : sim_(s), task_(task), set_(set) {}
  void on_event(std::uint64_t) override { set_ ? sim_.on_set_arrival(task_) : sim_.on_arrival(task_); }

 private:
  Simulation& sim_;
  int task_;
  bool set_;
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
    bool in_set = exp_.tasks[t].set >= 0;
    arrivals_.push_back(in_set ? nullptr : workloads::make_arrival(exp_.tasks[t].arrival_node, exp_.base_dir));
    arrival_rngs_.push_back(sim::Rng::stream(exp_.seed, "tasks/" + exp_.tasks[t].name + "/arrival"));
    arrival_handlers_.push_back(std::make_unique<ArrivalHandler>(*this, static_cast<int>(t)));
    arrived_.push_back(0);
    if (in_set) continue;  // arrives with its set
    sim::Time first = arrivals_[t]->next(exp_.tasks[t].start, arrival_rngs_[t]);
    if (first < exp_.duration) engine_.schedule_at(first, kArrivalPriority, arrival_handlers_[t].get(), 0);
  }
  for (std::size_t s = 0; s < exp_.arrival_sets.size(); ++s) {
    const ArrivalSetConfig& a = exp_.arrival_sets[s];
    SetState st;
    if (a.has_arrival) st.arrival = workloads::make_arrival(a.arrival_node, exp_.base_dir);
    st.rng = sim::Rng::stream(exp_.seed, "sets/" + a.name + "/arrival");
    st.draw_rng = sim::Rng::stream(exp_.seed, "sets/" + a.name + "/draw");
    sets_.push_back(std::move(st));
    set_handlers_.push_back(std::make_unique<ArrivalHandler>(*this, static_cast<int>(s), true));
  }
  if (!sets_.empty()) flow_->set_idle_callback([this] { on_idle(); });
  for (std::size_t s = 0; s < sets_.size(); ++s) {
    const ArrivalSetConfig& a = exp_.arrival_sets[s];
    // A set's first arrival: at its start when it has no process, else the process's first draw.
    sim::Time first = sets_[s].arrival  ? sets_[s].arrival->next(a.start, sets_[s].rng)
                      : a.replay.empty() ? a.start
                                         : a.start + a.replay.front().gap;
    if (first < exp_.duration) engine_.schedule_at(first, kArrivalPriority, set_handlers_[s].get(), 0);
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

void Simulation::on_set_arrival(int set) {
  auto s = static_cast<std::size_t>(set);
  const ArrivalSetConfig& a = exp_.arrival_sets[s];
  SetState& st = sets_[s];
  sim::Time now = engine_.now();
  std::size_t index = static_cast<std::size_t>(st.arrived);
  ++st.arrived;
  st.last = now;
  bool more = (a.max_sets == 0 || st.arrived < a.max_sets) &&
              (a.replay.empty() || static_cast<std::size_t>(st.arrived) < a.replay.size());
  if (more) {
    if (a.gated) {
      st.waiting_for_idle = true;
    } else {
      sim::Time next = a.replay.empty() ? st.arrival->next(now, st.rng) : now + a.replay[index + 1].gap;
      if (next < exp_.duration) engine_.schedule_at(next, kArrivalPriority, set_handlers_[s].get(), 0);
    }
  }
  if (!a.replay.empty()) {
    for (int t : a.replay[index].tasks) {
      ++arrived_[static_cast<std::size_t>(t)];
      flow_->arrive(t, now);
    }
  } else if (a.draw == 0) {
    for (int t : a.tasks) {
      ++arrived_[static_cast<std::size_t>(t)];
      flow_->arrive(t, now);
    }
  } else {
    for (int k = 0; k < a.draw; ++k) {
      int t = a.tasks[static_cast<std::size_t>(st.draw_rng.below(a.tasks.size()))];
      ++arrived_[static_cast<std::size_t>(t)];
      flow_->arrive(t, now);
    }
  }
}

void Simulation::on_idle() {
  // Called from a completion: the next gated set arrives at this instant (after its arrival
  // process's gap, when it has one), as an event of its own.
  sim::Time now = engine_.now();
  for (std::size_t s = 0; s < sets_.size(); ++s) {
    SetState& st = sets_[s];
    if (!st.waiting_for_idle) continue;
    st.waiting_for_idle = false;
    const ArrivalSetConfig& a = exp_.arrival_sets[s];
    // EdgeCaffe's batch rule for a replayed list: idle, and the listed gap since the last arrival.
    sim::Time next = st.arrival         ? st.arrival->next(now, st.rng)
                     : a.replay.empty() ? now
                                        : std::max(now, st.last + a.replay[static_cast<std::size_t>(st.arrived)].gap);
    if (next < exp_.duration) engine_.schedule_at(next, kArrivalPriority, set_handlers_[s].get(), 0);
  }
}

}  // namespace experiments
