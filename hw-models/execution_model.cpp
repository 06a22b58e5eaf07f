#include "hw-models/execution_model.h"

#include "sim/registry.h"
#include "sim/rng.h"

namespace hw {

std::unique_ptr<ExecutionModel> make_execution_model(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<ExecutionModel>::instance().create(node, resolved);
}

std::uint64_t job_latency_stream_hash() { return sim::hash_path("soc/latency"); }

sim::Time unit_load_time(const Platform& platform, const Profile& profile, int model, int variant, int subgraph) {
  const UnitMemory& mem = profile.models[static_cast<std::size_t>(model)].unit_memory(variant, subgraph);
  if (mem.load_ms >= 0) return sim::from_ms(mem.load_ms);
  return platform.load_init + sim::from_s(static_cast<double>(mem.weights_bytes) / platform.load_bandwidth_bytes_per_s);
}

}  // namespace hw
