#include "experiments/run_stats.h"

#include <cmath>

#include "experiments/request_flow.h"

namespace experiments {

void GroupStats::add(const RequestRecord& r, double accuracy) {
  ++requests;
  accuracy_sum += accuracy;
  bool acc_ok = accuracy >= r.min_accuracy;
  if (r.finished()) {
    ++finished;
    latency_ms.add((r.finish - r.arrival).to_ms());
    bool lat_ok = r.finish <= r.deadline;
    met_latency += lat_ok;
    met_accuracy += acc_ok;
    violations += !(lat_ok && acc_ok);
  } else {
    ++dropped;
    ++violations;
  }
}

sim::Json GroupStats::json(double span_s) const {
  auto num = [](double x) { return std::isfinite(x) ? sim::Json(x) : sim::Json(nullptr); };
  double n = static_cast<double>(requests);
  return {{"requests", requests},
          {"finished", finished},
          {"dropped", dropped},
          {"slo_violations", violations},
          {"slo_violation_rate", requests ? static_cast<double>(violations) / n : 0.0},
          {"met_latency_rate", requests ? static_cast<double>(met_latency) / n : 0.0},
          {"met_accuracy_rate", requests ? static_cast<double>(met_accuracy) / n : 0.0},
          {"accuracy_mean", requests ? accuracy_sum / n : 0.0},
          {"throughput_rps", span_s > 0 ? static_cast<double>(finished) / span_s : 0.0},
          {"latency_ms",
           {{"mean", num(latency_ms.mean())},
            {"p50", num(latency_ms.quantile(0.50))},
            {"p95", num(latency_ms.quantile(0.95))},
            {"p99", num(latency_ms.quantile(0.99))},
            {"max", num(latency_ms.max())}}}};
}

void RunStats::add(const RequestRecord& r, double accuracy, bool stitched) {
  all.add(r, accuracy);
  tasks[static_cast<std::size_t>(r.task)].add(r, accuracy);
  stitched_requests += stitched;
}

}  // namespace experiments
