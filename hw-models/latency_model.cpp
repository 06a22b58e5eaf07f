#include "hw-models/latency_model.h"

#include "sim/registry.h"

namespace hw {

std::unique_ptr<LatencyModel> make_latency_model(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<LatencyModel>::instance().create(node, resolved);
}

}  // namespace hw
