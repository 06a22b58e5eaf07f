// One experiment executed for real on this machine: the request flow (experiments/request_flow.h)
// driven by a steady clock, with the live worker pool (live_pool.h) as its execution model. The
// same arrival processes and RNG streams as the simulation (so the same arrival times), and the
// very same scheduler, planner and preloader objects.
//
// Timing: all times are steady_clock nanoseconds since the run started. A request's arrival is
// its scheduled time, so a late wake-up of the dispatcher counts against the request.
#pragma once

#include <memory>
#include <string>

#include "experiments/experiment.h"
#include "experiments/live/live_pool.h"
#include "experiments/live/zoo.h"
#include "experiments/request_flow.h"

namespace live {

class LiveRun final {
 public:
  enum class Executor {
    kOnednn,  // real execution of the zoo's models
    kReplay,  // waits out the simulator's own times (the plumbing check; no zoo needed)
  };
  // `cores[p]`: logical CPUs of platform processor p. With kOnednn, `zoo` must cover every model
  // and variant of the experiment's tasks; otherwise ConfigError naming `config_file`.
  LiveRun(const experiments::Experiment& experiment, Executor executor, std::vector<std::vector<int>> cores,
          bool realtime, const Zoo* zoo, const std::string& config_file);
  ~LiveRun();
  // Call once.
  experiments::RunResult run();
  // Peak of the pool's own accounting (resident weights + running workspaces), for reports.
  std::int64_t accounted_peak_bytes() const { return pool_->accounted_peak_bytes(); }

 private:
  const experiments::Experiment& exp_;
  std::unique_ptr<LivePool> pool_;
  std::unique_ptr<experiments::RequestFlow> flow_;
  bool realtime_;
};

// The core set of each platform processor from the zoo config (by processor name); ConfigError
// naming `config_file` when one is missing.
std::vector<std::vector<int>> zoo_cores(const experiments::Experiment& experiment, const Zoo& zoo,
                                        const std::string& config_file);

}  // namespace live
