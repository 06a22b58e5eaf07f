// One simulation run of an experiment: the event engine drives the request flow
// (request_flow.h) with arrivals and SLO changes, and the configured execution model turns the
// flow's jobs into simulated time. Wiring only; the request lifecycle lives in RequestFlow.
#pragma once

#include <memory>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/request_flow.h"
#include "hw-models/execution_model.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "workloads/arrival.h"

namespace experiments {

class Simulation final {
 public:
  // Builds the run's components (once) from the experiment, which must outlive the simulation.
  // `output` says where records go (default: all kept in the RunResult).
  explicit Simulation(const Experiment& experiment, RecordOutput output = {});
  ~Simulation();
  // Runs to the end (arrivals stop at the experiment's duration; in-flight work completes).
  // Call once.
  RunResult run();
  // The flow's view, for tests that inspect policies' inputs.
  const RequestFlow& flow() const { return *flow_; }

 private:
  class ArrivalHandler;
  void on_arrival(int task);
  // Arrival sets (ExperimentConfig::arrival_sets): all of a set's tasks arrive at one instant.
  void on_set_arrival(int set);
  void schedule_set(int set, sim::Time previous);
  void on_idle();

  const Experiment& exp_;
  sim::Engine engine_;
  std::unique_ptr<hw::ExecutionModel> exec_;
  std::unique_ptr<RequestFlow> flow_;
  std::vector<std::unique_ptr<workloads::ArrivalProcess>> arrivals_;
  std::vector<std::unique_ptr<ArrivalHandler>> arrival_handlers_;
  std::vector<sim::Rng> arrival_rngs_;
  std::vector<std::int64_t> arrived_;
  struct SetState {
    std::unique_ptr<workloads::ArrivalProcess> arrival;  // null: gated, arrives when idle
    sim::Rng rng, draw_rng;
    std::int64_t arrived = 0;
    bool waiting_for_idle = false;
    sim::Time last;  // time of the latest arrival (replayed lists count gaps from it)
  };
  std::vector<SetState> sets_;
  std::vector<std::unique_ptr<ArrivalHandler>> set_handlers_;
};

}  // namespace experiments
