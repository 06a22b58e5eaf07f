#include "policies/preloader.h"

#include "sim/registry.h"

namespace policies {

std::unique_ptr<Preloader> make_preloader(const sim::ConfigNode& node, sim::Json* resolved) {
  return sim::Registry<Preloader>::instance().create(node, resolved);
}

std::int64_t unit_weights(const SystemView& view, const UnitRef& u) {
  return view.profile().models[static_cast<std::size_t>(u.model)].unit_memory(u.variant, u.subgraph).weights_bytes;
}

}  // namespace policies
