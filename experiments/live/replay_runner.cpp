// ReplayRunner: waits out the simulator's own times (job_runner.h).
//
// It sleeps to absolute deadlines rather than spinning: on a shared machine a spinning thread
// is preempted by other processes for whole scheduler time slices (milliseconds, the size of a
// job), while a sleeping one needs the CPU only to wake up, which the kernel grants a waking
// thread promptly. So the comparison measures the request flow, not the machine's load.
#include <stdexcept>
#include <thread>

#include "experiments/live/job_runner.h"
#include "sim/rng.h"

namespace live {

void wait_until(Clock::time_point until) { std::this_thread::sleep_until(until); }

namespace {

std::chrono::nanoseconds ns(sim::Time t) { return std::chrono::nanoseconds(t.ns); }

class ReplayUnit final : public LoadedUnit {
 public:
  ReplayUnit(std::int64_t w, std::int64_t a) : weights_(w), activation_(a) {}
  std::int64_t weights_bytes() const override { return weights_; }
  std::int64_t workspace_bytes() const override { return activation_; }

 private:
  std::int64_t weights_, activation_;
};

class ReplayRunner final : public JobRunner {
 public:
  explicit ReplayRunner(const hw::ExecutionContext& c) : ctx_(c), stream_hash_(hw::job_latency_stream_hash()) {
    for (const auto& p : c.platform->processors) processor_map_.push_back(c.profile->find_processor(p.name));
  }

  std::unique_ptr<LoadedUnit> load(int model, int variant, int subgraph) override {
    // The load the simulator charges for an absent unit.
    wait_until(Clock::now() + ns(hw::unit_load_time(*ctx_.platform, *ctx_.profile, model, variant, subgraph)));
    const auto& mem = ctx_.profile->models[static_cast<std::size_t>(model)].unit_memory(variant, subgraph);
    return std::make_unique<ReplayUnit>(mem.weights_bytes, mem.activation_bytes);
  }

  Clock::time_point run(const hw::JobSpec& s, LoadedUnit&, int, Clock::time_point started,
                        Clock::time_point loaded_at) override {
    // As the soc model: execution starts when the weights are in and the hand-off and boundary
    // waits (which overlap the load) are over.
    auto wait = ns(ctx_.platform->handoff_cost(s.prev_processor, s.processor) + s.boundary_delay);
    Clock::time_point exec_start = std::max(loaded_at, started + wait);
    int pp = processor_map_[static_cast<std::size_t>(s.processor)];
    const hw::LatencyDist* dist = pp < 0 ? nullptr : ctx_.profile->latency(s.model, s.variant, s.subgraph, pp);
    if (!dist) throw std::logic_error("spin runner: job on a processor that cannot run it");
    sim::Rng rng = sim::Rng::stream(ctx_.seed, stream_hash_, s.rng_stream);
    wait_until(exec_start);
    wait_until(exec_start + ns(ctx_.latency->sample(*dist, rng)));
    return exec_start;
  }

 private:
  hw::ExecutionContext ctx_;
  std::uint64_t stream_hash_;
  std::vector<int> processor_map_;
};

}  // namespace

std::unique_ptr<JobRunner> make_replay_runner(const hw::ExecutionContext& context) {
  return std::make_unique<ReplayRunner>(context);
}

}  // namespace live
