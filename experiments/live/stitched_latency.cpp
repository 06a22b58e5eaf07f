#include "experiments/live/stitched_latency.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "experiments/live/executor.h"
#include "experiments/live/machine.h"
#include "sim/rng.h"
#include "sim/stats.h"

namespace live {
namespace {

using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// A thread pinned to one processor's cores that runs one job at a time; run() hands it a job and
// waits until it finished (the caller sleeps on a condition variable meanwhile).
class PinnedWorker {
 public:
  PinnedWorker(const ProcessorSpec& proc, bool realtime) {
    thread_ = std::thread([this, proc, realtime] {
      try {
        pin_current_thread(proc.cores, realtime);
      } catch (...) {
        std::lock_guard lock(mu_);
        error_ = std::current_exception();
      }
      std::unique_lock lock(mu_);
      for (;;) {
        cv_.wait(lock, [&] { return quit_ || job_; });
        if (quit_) return;
        lock.unlock();
        std::exception_ptr err;
        try {
          job_();
        } catch (...) {
          err = std::current_exception();
        }
        lock.lock();
        if (err && !error_) error_ = err;
        job_ = nullptr;
        done_.notify_all();
      }
    });
  }
  ~PinnedWorker() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  PinnedWorker(const PinnedWorker&) = delete;
  PinnedWorker& operator=(const PinnedWorker&) = delete;

  void run(std::function<void()> job) {
    std::unique_lock lock(mu_);
    if (error_) std::rethrow_exception(error_);
    job_ = std::move(job);
    cv_.notify_all();
    done_.wait(lock, [&] { return !job_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::function<void()> job_;
  bool quit_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

struct Combination {
  std::vector<int> variants, processors;
  bool operator<(const Combination& o) const {
    return variants != o.variants ? variants < o.variants : processors < o.processors;
  }
};

std::vector<Combination> draw(int S, int K, int P, int n, std::uint64_t seed, const std::string& model) {
  double total = 1;
  for (int s = 0; s < S; ++s) total *= static_cast<double>(K) * P;
  std::vector<Combination> out;
  std::set<Combination> seen;
  sim::Rng rng = sim::Rng::stream(seed, "profile/stitched_latency/" + model);
  const int want = static_cast<int>(std::min<double>(n, total));
  while (static_cast<int>(out.size()) < want) {
    Combination c;
    for (int s = 0; s < S; ++s) c.variants.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(K))));
    for (int s = 0; s < S; ++s) c.processors.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(P))));
    if (seen.insert(c).second) out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<hw::StitchedLatency> measure_stitched_latency(const ZooModel& zm, const ZooConfig& cfg, const ProgressFn& progress) {
  const int S = zm.variants[0].subgraph_count();
  const int K = static_cast<int>(zm.variants.size()), P = static_cast<int>(cfg.processors.size());
  const auto& spec = zm.spec.stitched_latency;
  std::vector<Combination> combos = draw(S, K, P, spec.samples, cfg.seed, zm.spec.name);
  std::vector<std::unique_ptr<PinnedWorker>> workers;
  for (const auto& proc : cfg.processors) workers.push_back(std::make_unique<PinnedWorker>(proc, cfg.realtime));
  hw::Provenance prov;
  prov.kind = "measured";
  prov.source = fmt::format("stitchsim profile run --backend onednn; {}", machine_info().libraries);
  prov.method = fmt::format(
      "end to end: driver thread hands each subgraph to its processor's pinned worker and waits for it (the live "
      "runtime's hand-off); plans compiled on their workers; {} warm-up + {} timed requests back to back, batch {}; "
      "median of the timed requests; {} combinations drawn by seed {}",
      spec.warmup, spec.repeats, cfg.batch, combos.size(), cfg.seed);
  std::vector<float> input = random_input(zm.variants[0], cfg.batch, cfg.seed, 3);
  std::vector<hw::StitchedLatency> out;
  auto t_all = Clock::now();
  for (std::size_t i = 0; i < combos.size(); ++i) {
    const Combination& c = combos[i];
    auto t_combo = Clock::now();
    std::vector<std::unique_ptr<SubgraphPlan>> plans(static_cast<std::size_t>(S));
    std::vector<std::unique_ptr<Workspace>> ws(static_cast<std::size_t>(S));
    std::vector<std::vector<float>> tensors(static_cast<std::size_t>(S) + 1);
    tensors[0] = input;
    for (int s = 0; s < S; ++s) {
      const std::size_t su = static_cast<std::size_t>(s);
      workers[static_cast<std::size_t>(c.processors[su])]->run([&, s, su] {
        plans[su] = std::make_unique<SubgraphPlan>(zm.variants[static_cast<std::size_t>(c.variants[su])], s, cfg.batch);
        ws[su] = plans[su]->make_workspace();
        tensors[su + 1].resize(static_cast<std::size_t>(plans[su]->output_elements()));
      });
    }
    auto request = [&] {
      for (int s = 0; s < S; ++s) {
        const std::size_t su = static_cast<std::size_t>(s);
        workers[static_cast<std::size_t>(c.processors[su])]->run(
            [&, su] { plans[su]->run(*ws[su], tensors[su].data(), tensors[su + 1].data()); });
      }
    };
    for (int r = 0; r < spec.warmup; ++r) request();
    hw::StitchedLatency sl;
    sl.variants = c.variants;
    sl.processors = c.processors;
    for (int r = 0; r < spec.repeats; ++r) {
      auto t = Clock::now();
      request();
      // 0.1 us resolution, as the unit samples.
      sl.samples_ms.push_back(std::round(ms_between(t, Clock::now()) * 1e4) / 1e4);
    }
    sl.median_ms = std::round(sim::median(sl.samples_ms) * 1e4) / 1e4;
    // Release the plans on their own workers (they were built there).
    for (int s = 0; s < S; ++s) {
      const std::size_t su = static_cast<std::size_t>(s);
      workers[static_cast<std::size_t>(c.processors[su])]->run([&, su] {
        ws[su].reset();
        plans[su].reset();
      });
    }
    sl.measure_s = std::round(ms_between(t_combo, Clock::now()) * 1000.0) / 1e6;  // 1 us resolution
    sl.provenance = prov;
    out.push_back(std::move(sl));
  }
  if (progress) {
    progress(fmt::format("{}: end-to-end latency of {} stitched combinations in {:.1f} s", zm.spec.name, out.size(),
                         ms_between(t_all, Clock::now()) / 1000.0));
  }
  return out;
}

}  // namespace live
