#include "experiments/live/machine_costs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
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

using sim::median;

void sleep_ms(double ms) { std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(ms)); }

// Runs `body` on a thread pinned to `proc` and rethrows what it threw.
template <class F>
void on_processor(const ProcessorSpec& proc, bool realtime, int priority, F&& body) {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      pin_current_thread(proc.cores, realtime, priority);
      body();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
}

// A reference unit, compiled, with its real input.
struct RefUnit {
  std::unique_ptr<SubgraphPlan> plan;
  std::unique_ptr<Workspace> ws;
  std::vector<float> x, y;
  double run() {
    auto t = Clock::now();
    plan->run(*ws, x.data(), y.data());
    return ms_between(t, Clock::now());
  }
};

// Builds the reference units (the first two variants of every model, all subgraphs, fed their
// real boundary tensors) on the calling thread, as the runtime builds plans on its workers.
std::vector<RefUnit> build_reference_units(const Zoo& zoo) {
  const ZooConfig& cfg = zoo.config();
  std::vector<RefUnit> units;
  for (const auto& zm : zoo.models()) {
    for (std::size_t v = 0; v < std::min<std::size_t>(2, zm.variants.size()); ++v) {
      const Model& m = zm.variants[v];
      std::vector<float> x = random_input(m, cfg.batch, cfg.seed, 3);
      for (int s = 0; s < m.subgraph_count(); ++s) {
        RefUnit u;
        u.plan = std::make_unique<SubgraphPlan>(m, s, cfg.batch);
        u.ws = u.plan->make_workspace();
        u.x = x;
        u.y.resize(static_cast<std::size_t>(u.plan->output_elements()));
        u.run();
        x = u.y;
        units.push_back(std::move(u));
      }
    }
  }
  return units;
}

// Runs the reference units round robin on another processor while `active` is set.
class CoRunner {
 public:
  CoRunner(const Zoo& zoo, const ProcessorSpec& proc) {
    thread_ = std::thread([this, &zoo, &proc] {
      try {
        pin_current_thread(proc.cores, zoo.config().realtime, 10);
        std::vector<RefUnit> units = build_reference_units(zoo);
        ready_ = true;
        for (std::size_t k = 0; !quit_; ++k) {
          if (active_) units[k % units.size()].run();
          else sleep_ms(0.2);
        }
      } catch (...) {
        error_ = std::current_exception();
        ready_ = true;
      }
    });
    while (!ready_) sleep_ms(1);
    if (error_) {
      quit_ = true;
      thread_.join();
      std::rethrow_exception(error_);
    }
  }
  ~CoRunner() {
    quit_ = true;
    thread_.join();
  }
  void set_active(bool on) { active_ = on; }

 private:
  std::atomic<bool> ready_{false}, active_{false}, quit_{false};
  std::exception_ptr error_;
  std::thread thread_;
};

// One reference unit's probe: medians warm, at each idle time, cold, and cold while another
// processor executes the reference units (cold_corun; 0 without a co-runner).
struct Probe {
  double warm = 0, cold = 0, cold_corun = 0;
  std::vector<double> at_gap, gap_seen;
};

Probe probe_unit(RefUnit& u, const ZooConfig& cfg, CoRunner* corunner) {
  Probe p;
  for (int i = 0; i < std::max(cfg.warmup, 3); ++i) u.run();
  std::vector<double> warm;
  for (int i = 0; i < 2 * cfg.reuse_repeats; ++i) warm.push_back(u.run());
  p.warm = median(warm);
  auto after_idle = [&](double gap_ms, std::vector<double>* seen) {
    std::vector<double> v;
    for (int i = 0; i < cfg.reuse_repeats; ++i) {
      auto idle_from = Clock::now();
      sleep_ms(gap_ms);
      auto t = Clock::now();
      v.push_back(u.run());
      if (seen) seen->push_back(ms_between(idle_from, t));
    }
    return median(v);
  };
  for (double g : cfg.reuse_gaps_ms) {
    std::vector<double> seen;
    p.at_gap.push_back(after_idle(g, &seen));
    p.gap_seen.push_back(median(seen));
  }
  // Cold alone and cold with the co-runner alternate, so a drift of the shared host's load during
  // the probe biases neither.
  std::vector<double> cold, cold_corun;
  for (int i = 0; i < cfg.reuse_repeats; ++i) {
    for (bool with : {false, true}) {
      if (with && !corunner) continue;
      if (with) corunner->set_active(true);
      sleep_ms(cfg.cold_gap_ms);
      (with ? cold_corun : cold).push_back(u.run());
      if (with) corunner->set_active(false);
    }
  }
  p.cold = median(cold);
  p.cold_corun = corunner ? median(cold_corun) : 0.0;
  return p;
}

}  // namespace

ReuseCurve measure_reuse_curve(const Zoo& zoo) {
  const ZooConfig& cfg = zoo.config();
  ReuseCurve curve;
  if (cfg.cold_repeats == 0 || cfg.processors.empty()) return curve;
  std::vector<Probe> probes;
  std::unique_ptr<CoRunner> corunner;
  if (cfg.processors.size() >= 2) corunner = std::make_unique<CoRunner>(zoo, cfg.processors[1]);
  on_processor(cfg.processors[0], cfg.realtime, 10, [&] {
    std::vector<RefUnit> units = build_reference_units(zoo);
    for (auto& u : units) probes.push_back(probe_unit(u, cfg, corunner.get()));
  });
  corunner.reset();
  for (const auto& p : probes) curve.warm_ms += p.warm, curve.cold_ms += p.cold;
  const double slow = curve.cold_ms - curve.warm_ms;
  curve.reference_units = static_cast<int>(probes.size());
  if (probes.empty() || slow < 0.01 * curve.warm_ms) return curve;
  for (std::size_t g = 0; g < cfg.reuse_gaps_ms.size(); ++g) {
    double extra = 0;
    std::vector<double> seen;
    for (const auto& p : probes) extra += p.at_gap[g] - p.warm, seen.push_back(p.gap_seen[g]);
    double gap = std::round(median(seen) * 1e4) / 1e4;
    // Sleeps overshoot; keep the points strictly increasing in the idle time actually seen.
    if (!curve.gap_ms.empty() && gap <= curve.gap_ms.back()) continue;
    curve.gap_ms.push_back(gap);
    curve.cold_fraction.push_back(std::round(std::clamp(extra / slow, 0.0, 10.0) * 1e4) / 1e4);
  }
  // Co-run term: how much longer the cold part gets while another processor executes.
  if (cfg.processors.size() >= 2) {
    double corun = 0;
    for (const auto& p : probes) corun += p.cold_corun - p.cold;
    curve.corun_penalty = std::round(std::clamp(corun / slow, 0.0, 10.0) * 1e4) / 1e4;
  }
  // The far end: cold by definition (fraction 1 at cold_gap_ms), so the curve reaches the
  // profile's cold latency for units idle longer than the probed points.
  if (cfg.cold_gap_ms > curve.gap_ms.back()) {
    curve.gap_ms.push_back(cfg.cold_gap_ms);
    curve.cold_fraction.push_back(1.0);
  }
  return curve;
}

RuntimeCosts measure_runtime_costs(const ZooConfig& cfg) {
  const std::size_t P = cfg.processors.size();
  RuntimeCosts out;
  out.samples = cfg.runtime_repeats;
  out.dispatch_ms.assign(P, 0.0);
  out.handoff_ms.assign(P, std::vector<double>(P, 0.0));
  if (cfg.runtime_repeats == 0 || P == 0) return out;

  std::mutex mu;
  std::condition_variable dispatcher_cv;
  struct Worker {
    std::condition_variable cv;
    bool has_job = false;
    Clock::time_point woke, done;
    std::thread thread;
  };
  std::vector<Worker> workers(P);
  bool stop = false, finished = false;
  std::exception_ptr error;
  auto work = [&](std::size_t p) {
    try {
      pin_current_thread(cfg.processors[p].cores, cfg.realtime, 10);
    } catch (...) {
      std::lock_guard lk(mu);
      error = std::current_exception();
      stop = true;
      dispatcher_cv.notify_one();
      return;
    }
    Worker& w = workers[p];
    std::unique_lock lk(mu);
    while (true) {
      w.cv.wait(lk, [&] { return stop || w.has_job; });
      if (stop) return;
      w.woke = Clock::now();
      w.has_job = false;
      lk.unlock();
      while (ms_between(w.woke, Clock::now()) < 0.2) {
      }
      lk.lock();
      w.done = Clock::now();
      finished = true;
      dispatcher_cv.notify_one();
    }
  };
  for (std::size_t p = 0; p < P; ++p) workers[p].thread = std::thread(work, p);

  std::vector<std::vector<double>> dispatch(P);
  std::vector<std::vector<std::vector<double>>> handoff(P, std::vector<std::vector<double>>(P));
  std::thread dispatcher([&] {
    try {
      if (cfg.realtime) set_realtime(true, 11);
      sim::Rng rng = sim::Rng::stream(cfg.seed, "live/runtime_costs");
      std::unique_lock lk(mu);
      auto run_on = [&](std::size_t p) {  // hands a job to p, waits until it is done
        finished = false;
        workers[p].has_job = true;
        workers[p].cv.notify_one();
        dispatcher_cv.wait(lk, [&] { return finished || stop; });
      };
      for (int i = 0; i < cfg.runtime_repeats && !stop; ++i) {
        for (std::size_t a = 0; a < P && !stop; ++a) {
          for (std::size_t b = 0; b < P && !stop; ++b) {
            auto due = Clock::now() + std::chrono::microseconds(1000 + rng.below(5000));
            dispatcher_cv.wait_until(lk, due, [&] { return stop; });
            run_on(a);
            dispatch[a].push_back(ms_between(due, workers[a].woke));
            if (stop) break;
            auto from = workers[a].done;
            run_on(b);
            handoff[a][b].push_back(ms_between(from, workers[b].woke));
          }
        }
      }
      stop = true;
    } catch (...) {
      std::lock_guard g(mu);
      error = std::current_exception();
      stop = true;
    }
  });
  dispatcher.join();
  {
    std::lock_guard lk(mu);
    stop = true;
  }
  for (auto& w : workers) {
    w.cv.notify_all();
    w.thread.join();
  }
  if (error) std::rethrow_exception(error);
  auto ms = [](const std::vector<double>& v) { return std::round(median(v) * 1e4) / 1e4; };
  for (std::size_t a = 0; a < P; ++a) {
    out.dispatch_ms[a] = ms(dispatch[a]);
    for (std::size_t b = 0; b < P; ++b) out.handoff_ms[a][b] = ms(handoff[a][b]);
  }
  return out;
}

sim::Json measured_platform(const ZooConfig& cfg, const ReuseCurve& curve, const RuntimeCosts& costs,
                            const std::string& profile_file) {
  MachineInfo machine = machine_info();
  std::int64_t mem_bytes = 4LL << 30;
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::int64_t kb = 0;
  if (in >> key >> kb && key == "MemTotal:") mem_bytes = kb * 1024;
  sim::Json procs = sim::Json::array();
  sim::Json handoff = sim::Json::object(), dispatch = sim::Json::object();
  for (std::size_t a = 0; a < cfg.processors.size(); ++a) {
    const auto& name = cfg.processors[a].name;
    procs.push_back({{"name", name}, {"kind", "CPU"}, {"slots", 1}});
    dispatch[name] = costs.dispatch_ms[a];
    for (std::size_t b = 0; b < cfg.processors.size(); ++b) handoff[name + "->" + cfg.processors[b].name] = costs.handoff_ms[a][b];
  }
  sim::Json cache = {{"name", "none"}};
  std::string curve_note = "no reuse curve (cold measurement off, or no slowdown after idling)";
  if (!curve.empty()) {
    cache = {{"name", "reuse_curve"}, {"gap_ms", curve.gap_ms}, {"cold_fraction", curve.cold_fraction},
             {"corun_penalty", curve.corun_penalty}};
    curve_note = fmt::format(
        "cache_model: share of the warm-to-cold slowdown after each idle time, from {} reference units on {} (summed "
        "medians: warm {:.3f} ms, cold {:.3f} ms after {} ms idle)",
        curve.reference_units, cfg.processors[0].name, curve.warm_ms, curve.cold_ms, cfg.cold_gap_ms);
  }
  return {{"name", fmt::format("{} (measured)", machine.cpu_model)},
          {"notes", fmt::format("Measured by stitchsim profile run --backend onednn for {} on {}. Processors as in {}. "
                                "dispatch_ms / handoff_ms: medians of {} samples of the live runtime's thread hand-off "
                                "pattern{}. {}. Memory: MemTotal (the live backend never evicts).",
                                profile_file, machine.summary(), cfg.file, costs.samples,
                                cfg.realtime ? " under SCHED_FIFO" : "", curve_note)},
          {"processors", procs},
          {"memory", {{"capacity_bytes", mem_bytes}, {"load_bandwidth_bytes_per_s", 2.0e9}}},
          {"handoff_ms", handoff},
          {"dispatch_ms", dispatch},
          {"cache_model", cache}};
}

}  // namespace live
