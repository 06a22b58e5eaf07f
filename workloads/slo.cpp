#include "workloads/slo.h"

namespace workloads {

Slo read_slo(const sim::ConfigNode& node, const Slo* base) {
  node.expect_keys({"latency_ms", "min_accuracy"});
  Slo slo = base ? *base : Slo{};
  if (!base || node.has("latency_ms")) slo.latency_ms = node.at("latency_ms").as_double(1e-6, sim::kMaxInputMs);
  if (node.has("min_accuracy")) slo.min_accuracy = node.at("min_accuracy").as_double(0.0, 1.0);
  return slo;
}

sim::Json to_json(const Slo& slo) { return {{"latency_ms", slo.latency_ms}, {"min_accuracy", slo.min_accuracy}}; }

}  // namespace workloads
