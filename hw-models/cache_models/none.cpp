// Cache model "none": every unit always runs at its profiled (warm) latency. The default, and the
// right choice for profiles measured the way their units are later used (e.g. vendor benchmarks).
#include "hw-models/cache_model.h"
#include "sim/registry.h"

namespace hw {
namespace {

class NoCacheModel final : public CacheModel {
 public:
  double slowdown(const LatencyDist&, sim::Time, double) const override { return 1.0; }
  bool inert() const override { return true; }
};

const sim::Registration<CacheModel> kRegistration{
    "none", "units always run at their profiled latency", {}, [](const sim::Params&) { return std::make_unique<NoCacheModel>(); }};

}  // namespace
}  // namespace hw
