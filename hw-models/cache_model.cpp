#include "hw-models/cache_model.h"

#include "sim/registry.h"

namespace hw {

std::unique_ptr<CacheModel> make_cache_model(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<CacheModel>::instance().create(node, resolved);
}

}  // namespace hw
