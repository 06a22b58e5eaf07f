#include "experiments/live/profiler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "experiments/live/executor.h"
#include "experiments/live/machine.h"
#include "experiments/live/stitched_latency.h"
#include "sim/stats.h"

namespace live {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct UnitMeasurement {
  std::vector<double> samples_ms, cold_samples_ms;
  double build_ms = 0;
  std::size_t weights_bytes = 0, workspace_bytes = 0;
};

// All (variant, subgraph) units of one model on one processor: [variant][subgraph].
std::vector<std::vector<UnitMeasurement>> measure_on(const ZooModel& zm, const ZooConfig& cfg, const ProcessorSpec& proc) {
  std::vector<std::vector<UnitMeasurement>> out(zm.variants.size());
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      pin_current_thread(proc.cores, cfg.realtime);
      for (std::size_t v = 0; v < zm.variants.size(); ++v) {
        const Model& m = zm.variants[v];
        std::vector<float> x = random_input(m, cfg.batch, cfg.seed, 3);
        for (int s = 0; s < m.subgraph_count(); ++s) {
          UnitMeasurement u;
          auto t0 = Clock::now();
          SubgraphPlan plan(m, s, cfg.batch);
          auto ws = plan.make_workspace();
          u.build_ms = ms_since(t0);
          u.weights_bytes = plan.weights_bytes();
          u.workspace_bytes = plan.workspace_bytes();
          std::vector<float> y(static_cast<std::size_t>(plan.output_elements()));
          for (int i = 0; i < cfg.warmup; ++i) plan.run(*ws, x.data(), y.data());
          u.samples_ms.reserve(static_cast<std::size_t>(cfg.repeats));
          auto t_unit = Clock::now();
          for (int i = 0; i < cfg.repeats; ++i) {
            auto t = Clock::now();
            plan.run(*ws, x.data(), y.data());
            u.samples_ms.push_back(ms_since(t));
            if (i + 1 >= 5 && ms_since(t_unit) > cfg.max_seconds_per_unit * 1000.0) break;
          }
          for (int i = 0; i < cfg.cold_repeats; ++i) {
            std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(cfg.cold_gap_ms));
            auto t = Clock::now();
            plan.run(*ws, x.data(), y.data());
            u.cold_samples_ms.push_back(ms_since(t));
          }
          out[v].push_back(std::move(u));
          x = std::move(y);  // the next subgraph sees this variant's real boundary tensor
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return out;
}

hw::LatencyDist to_dist(const std::vector<double>& samples, const std::vector<double>& cold, const hw::Provenance& prov) {
  hw::LatencyDist d;
  // 0.1 us resolution is far below the run-to-run noise and keeps profiles small.
  for (double s : samples) d.samples_ms.push_back(std::round(s * 1e4) / 1e4);
  double sum = 0, sq = 0;
  d.min_ms = d.samples_ms.front();
  for (double s : d.samples_ms) {
    sum += s, sq += s * s;
    d.min_ms = std::min(d.min_ms, s);
    d.max_ms = std::max(d.max_ms, s);
  }
  double n = static_cast<double>(d.samples_ms.size());
  d.mean_ms = sum / n;
  d.stddev_ms = std::sqrt(std::max(0.0, sq / n - d.mean_ms * d.mean_ms));
  d.count = static_cast<std::int64_t>(d.samples_ms.size());
  // Cold as a ratio of medians, applied to the mean: robust to the odd preempted sample.
  if (!cold.empty()) d.cold_mean_ms = std::round(d.mean_ms * sim::median(cold) / sim::median(samples) * 1e4) / 1e4;
  d.provenance = prov;
  return d;
}

std::vector<int> argmax_rows(const std::vector<float>& logits, int rows) {
  int classes = static_cast<int>(logits.size()) / rows;
  std::vector<int> out;
  for (int r = 0; r < rows; ++r) {
    const float* row = logits.data() + static_cast<std::size_t>(r) * classes;
    out.push_back(static_cast<int>(std::max_element(row, row + classes) - row));
  }
  return out;
}

// The evaluation-set plans of one model: [variant][subgraph], batch = eval samples.
struct EvalPlans {
  std::vector<std::vector<std::unique_ptr<SubgraphPlan>>> plans;
  std::vector<std::vector<std::unique_ptr<Workspace>>> ws;
  explicit EvalPlans(const ZooModel& zm) {
    for (const auto& m : zm.variants) {
      plans.emplace_back();
      ws.emplace_back();
      for (int s = 0; s < m.subgraph_count(); ++s) {
        plans.back().push_back(std::make_unique<SubgraphPlan>(m, s, zm.eval.samples));
        ws.back().push_back(plans.back().back()->make_workspace());
      }
    }
  }
  std::vector<float> run(std::size_t v, int s, const std::vector<float>& x) const {
    const auto& p = *plans[v][static_cast<std::size_t>(s)];
    std::vector<float> y(static_cast<std::size_t>(p.output_elements()));
    p.run(*ws[v][static_cast<std::size_t>(s)], x.data(), y.data());
    return y;
  }
};

// Truth for a model's evaluation set: labels, or the dense fp32 base model's top-1.
std::vector<int> truth(const ZooModel& zm, const EvalPlans& plans) {
  if (zm.labelled) return zm.eval.labels;
  std::vector<float> x = zm.eval.inputs;
  for (int s = 0; s < zm.variants[0].subgraph_count(); ++s) x = plans.run(0, s, x);
  return argmax_rows(x, zm.eval.samples);
}

double agreement(const std::vector<int>& a, const std::vector<int>& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

hw::Provenance accuracy_provenance(const ZooModel& zm) {
  hw::Provenance p;
  p.kind = "measured";
  p.source = "stitchsim profile run --backend onednn";
  p.method = zm.labelled ? fmt::format("top-1 accuracy on {} held-out labelled samples ({})", zm.eval.samples, zm.spec.weights_file)
                         : fmt::format("top-1 agreement with the dense fp32 base model on {} random inputs (random "
                                       "weights: a fidelity measure, not task accuracy)",
                                       zm.eval.samples);
  return p;
}

}  // namespace

std::vector<double> variant_accuracy(const ZooModel& zm) {
  EvalPlans plans(zm);
  std::vector<int> t = truth(zm, plans);
  std::vector<double> out;
  for (std::size_t v = 0; v < zm.variants.size(); ++v) {
    std::vector<float> x = zm.eval.inputs;
    for (int s = 0; s < zm.variants[v].subgraph_count(); ++s) x = plans.run(v, s, x);
    out.push_back(agreement(argmax_rows(x, zm.eval.samples), t));
  }
  return out;
}

std::vector<hw::StitchedAccuracy> stitched_accuracy(const ZooModel& zm) {
  EvalPlans plans(zm);
  std::vector<int> t = truth(zm, plans);
  hw::Provenance prov = accuracy_provenance(zm);
  const int S = zm.variants[0].subgraph_count();
  const int K = static_cast<int>(zm.variants.size());
  std::vector<hw::StitchedAccuracy> out;
  std::vector<int> tuple(static_cast<std::size_t>(S));
  // Depth-first over tuples; level s holds the boundary tensor after subgraph s.
  std::vector<std::vector<float>> level(static_cast<std::size_t>(S) + 1);
  level[0] = zm.eval.inputs;
  auto t0 = Clock::now();
  auto rec = [&](auto& self, int s) -> void {
    if (s == S) {
      bool diagonal = std::all_of(tuple.begin(), tuple.end(), [&](int v) { return v == tuple[0]; });
      if (!diagonal) out.push_back({tuple, agreement(argmax_rows(level[static_cast<std::size_t>(S)], zm.eval.samples), t), 0.0, prov});
      return;
    }
    for (int v = 0; v < K; ++v) {
      tuple[static_cast<std::size_t>(s)] = v;
      level[static_cast<std::size_t>(s) + 1] = plans.run(static_cast<std::size_t>(v), s, level[static_cast<std::size_t>(s)]);
      self(self, s + 1);
    }
  };
  rec(rec, 0);
  // Shared prefixes make one tuple's cost a share of the whole: record the amortised time.
  const double per_tuple_s = out.empty() ? 0.0 : ms_since(t0) / 1000.0 / static_cast<double>(out.size());
  for (auto& sa : out) {
    sa.measure_s = per_tuple_s;
    sa.provenance.method += fmt::format("; measure_s = the whole enumeration's time / {} (prefixes shared)", out.size());
  }
  return out;
}

hw::Profile measure_profile(const Zoo& zoo, const ProgressFn& progress) {
  const ZooConfig& cfg = zoo.config();
  MachineInfo machine = machine_info();
  hw::Profile p;
  p.platform = fmt::format("{} ({} logical CPUs)", machine.cpu_model, machine.logical_cpus);
  p.description = fmt::format(
      "Measured by stitchsim profile run --backend onednn on {}. Processors are core sets pinned by thread "
      "affinity ({}). Latency: {} warm-up and {} timed runs per (variant, subgraph, processor), batch {}, every "
      "sample kept. Memory: bytes allocated by the executor. load_ms: time to compile a subgraph (weight reorder "
      "and primitive creation).{}",
      machine.summary(),
      fmt::join([&] {
        std::vector<std::string> v;
        for (const auto& pr : cfg.processors) v.push_back(fmt::format("{} = cores [{}]", pr.name, fmt::join(pr.cores, ",")));
        return v;
      }(), "; "),
      cfg.warmup, cfg.repeats, cfg.batch, cfg.description.empty() ? "" : " Zoo: " + cfg.description);
  for (const auto& pr : cfg.processors) {
    p.processors.push_back(pr.name);
    p.processor_kinds.push_back("CPU");
  }
  hw::Provenance lat_prov;
  lat_prov.kind = "measured";
  lat_prov.source = fmt::format("stitchsim profile run --backend onednn; {}", machine.libraries);
  for (const auto& zm : zoo.models()) {
    const int S = zm.variants[0].subgraph_count();
    const std::size_t K = zm.variants.size(), P = cfg.processors.size();
    hw::ModelProfile mp;
    mp.name = zm.spec.name;
    mp.subgraph_count = S;
    auto t_acc = Clock::now();
    std::vector<double> acc = variant_accuracy(zm);
    hw::Provenance acc_prov = accuracy_provenance(zm);
    for (std::size_t v = 0; v < K; ++v) {
      const auto& spec = zm.spec.variants[v];
      hw::ZooVariant zv;
      zv.name = spec.name;
      zv.precision = spec.precision;
      zv.pruning = spec.pruning;
      zv.sparsity = spec.sparsity;
      zv.accuracy = acc[v];
      zv.accuracy_provenance = acc_prov;
      mp.variants.push_back(zv);
    }
    if (zm.spec.stitched_accuracy) mp.stitched_accuracy = stitched_accuracy(zm);
    if (progress) {
      progress(fmt::format("{}: accuracy of {} variants{} in {:.1f} s", mp.name, K,
                           zm.spec.stitched_accuracy ? fmt::format(" and {} stitched variants", mp.stitched_accuracy.size()) : "",
                           ms_since(t_acc) / 1000.0));
    }
    mp.latency.assign(K * static_cast<std::size_t>(S) * P, std::nullopt);
    std::vector<std::vector<double>> build_ms(K * static_cast<std::size_t>(S));
    std::vector<UnitMeasurement> first;
    for (std::size_t pi = 0; pi < P; ++pi) {
      auto t0 = Clock::now();
      auto units = measure_on(zm, cfg, cfg.processors[pi]);
      hw::Provenance prov = lat_prov;
      prov.method = fmt::format("{} warm-up + up to {} timed runs back to back (at most {} s), batch {}, one thread per core of [{}]{}{}", cfg.warmup, cfg.repeats, cfg.max_seconds_per_unit,
                                cfg.batch, fmt::join(cfg.processors[pi].cores, ","), cfg.realtime ? ", SCHED_FIFO" : "",
                                cfg.cold_repeats > 0 ? fmt::format("; cold_mean_ms = mean x median of {} runs each after {} ms idle / median warm run", cfg.cold_repeats, cfg.cold_gap_ms) : "");
      for (std::size_t v = 0; v < K; ++v)
        for (int s = 0; s < S; ++s) {
          const auto& u = units[v][static_cast<std::size_t>(s)];
          std::size_t k = v * static_cast<std::size_t>(S) + static_cast<std::size_t>(s);
          mp.latency[k * P + pi] = to_dist(u.samples_ms, u.cold_samples_ms, prov);
          build_ms[k].push_back(u.build_ms);
          if (pi == 0) first.push_back(u);
        }
      if (progress) progress(fmt::format("{}: {} units on {} in {:.1f} s", mp.name, K * static_cast<std::size_t>(S), cfg.processors[pi].name, ms_since(t0) / 1000.0));
    }
    hw::Provenance mem_prov;
    mem_prov.kind = "measured";
    mem_prov.source = lat_prov.source;
    mem_prov.method = "bytes allocated by the executor: reordered weights, sparse indices, biases; workspace = activation "
                      "buffers + largest scratchpad. load_ms = median compile time over processors";
    for (std::size_t k = 0; k < first.size(); ++k) {
      hw::UnitMemory um;
      um.weights_bytes = static_cast<std::int64_t>(first[k].weights_bytes);
      um.activation_bytes = static_cast<std::int64_t>(first[k].workspace_bytes);
      auto& b = build_ms[k];
      std::sort(b.begin(), b.end());
      um.load_ms = std::round(b[b.size() / 2] * 1000.0) / 1000.0;
      um.provenance = mem_prov;
      mp.memory.push_back(um);
    }
    if (zm.spec.stitched_latency.samples > 0) mp.stitched_latency = measure_stitched_latency(zm, cfg, progress);
    p.models.push_back(std::move(mp));
  }
  return p;
}

}  // namespace live
