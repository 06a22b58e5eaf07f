// Preloading: which subgraph weights are made resident before the first request, and kept.
//
// SparseLoom's hot-subgraph preloader ranks units (one subgraph of one zoo variant) by how
// often the planner would use them across SLO configurations plus how unique they are (the only
// way to meet some SLO). Everything not preloaded is loaded on demand, paying its load cost,
// and may be evicted again.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "policies/plan.h"
#include "policies/view.h"
#include "sim/params.h"

namespace policies {

struct UnitRef {
  int model = 0, variant = 0, subgraph = 0;
  bool operator==(const UnitRef&) const = default;
};

class Preloader {
 public:
  static constexpr const char* kRegistryKind = "preloader";
  virtual ~Preloader() = default;
  // Units to preload, in order; the caller stops at the first that no longer fits in
  // `budget_bytes`. `anticipated[t]` lists the plans the planner expects to use for task t
  // (with repetition: one per anticipated SLO configuration).
  virtual std::vector<UnitRef> choose(const SystemView& view, const std::vector<std::vector<Plan>>& anticipated,
                                      std::int64_t budget_bytes) = 0;
};

std::unique_ptr<Preloader> make_preloader(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

// Weight bytes of a unit, from the profile.
std::int64_t unit_weights(const SystemView& view, const UnitRef& u);

}  // namespace policies
