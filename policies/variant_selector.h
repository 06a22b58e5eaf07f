// Variant selection: which zoo variant serves a request, decided when it arrives.
#pragma once

#include <memory>

#include "policies/view.h"
#include "sim/params.h"

namespace policies {

class VariantSelector {
 public:
  static constexpr const char* kRegistryKind = "variant_selector";
  virtual ~VariantSelector() = default;
  // The variant for a new request of `task`. Must return a variant every subgraph of which some
  // processor can run (see runnable()).
  virtual int choose(const SystemView& view, int task) = 0;
};

// True when every subgraph of the variant can run on at least one processor.
bool runnable(const SystemView& view, int model, int variant);

std::unique_ptr<VariantSelector> make_variant_selector(const sim::ConfigNode& node, sim::Json* resolved = nullptr);

}  // namespace policies
