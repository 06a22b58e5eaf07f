#include "experiments/capacity.h"

#include <cmath>

#include <fmt/format.h>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"

namespace experiments {
namespace {

CapacityProbe probe(const sim::Json& config, const std::string& file, const std::string& base_dir, double scale) {
  sim::Json c = config;
  double total = 0;
  for (std::size_t t = 0; t < c["tasks"].size(); ++t) {
    auto& arrival = c["tasks"][t]["arrival"];
    if (!arrival.is_object() || !arrival.contains("rate_rps") || !arrival["rate_rps"].is_number()) {
      throw sim::ConfigError(file, fmt::format("$.tasks[{}].arrival", t),
                             "capacity search scales arrival rates: this arrival has no numeric rate_rps");
    }
    double r = arrival["rate_rps"].get<double>() * scale;
    arrival["rate_rps"] = r;
    total += r;
  }
  Experiment e = load_experiment_json(c, file, base_dir);
  e.outputs.intervals = false;
  e.outputs.trace = false;
  Simulation sim(e);
  sim::Json s = make_summary(e, sim.run());
  return {scale, total, s["overall"]["slo_violation_rate"].get<double>(), s["overall"]["throughput_rps"].get<double>()};
}

// A load is sustained when at most `target` of its requests violate an SLO and the requests
// complete at (1 - target) of the offered rate or more. The second condition matters when a
// policy gives up a rare task: its queue then grows for the whole run and drains long after,
// while the violation rate, counted over all requests, stays under the target (measured: a
// planner leaving speech, 3 % of requests, on an overloaded CPU at 620 offered requests/s
// completed 91/s with 3.1 % violations).
bool meets(const CapacityProbe& p, double target) {
  return p.violation_rate <= target && p.throughput_rps >= (1.0 - target) * p.total_rate_rps;
}

}  // namespace

CapacityResult find_capacity(const sim::Json& config, const std::string& file, const std::string& base_dir,
                             double target, double low, double high, double tolerance) {
  CapacityResult r;
  r.target_violation_rate = target;
  CapacityProbe lo = probe(config, file, base_dir, low);
  r.probes.push_back(lo);
  if (!meets(lo, target)) return r;  // even the lowest load misses the target
  CapacityProbe hi = probe(config, file, base_dir, high);
  r.probes.push_back(hi);
  if (meets(hi, target)) {
    r.scale = high;  // the bracket's top still meets it: capacity is at least this
    r.capacity_rps = hi.total_rate_rps;
    return r;
  }
  while (hi.scale / lo.scale > 1.0 + tolerance) {
    double mid = std::sqrt(lo.scale * hi.scale);  // geometric: rates span orders of magnitude
    CapacityProbe m = probe(config, file, base_dir, mid);
    r.probes.push_back(m);
    (meets(m, target) ? lo : hi) = m;
  }
  r.scale = lo.scale;
  r.capacity_rps = lo.total_rate_rps;
  return r;
}

}  // namespace experiments
