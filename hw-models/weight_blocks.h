// Weight blocks: the unit in which memory holds weights.
//
// Every unit of a profile (one subgraph of one variant of one model) names the weight block it
// needs. By default each unit has a block of its own; blocks can be shared (share()), so two
// models of a weight-shared family, or two variants that reuse the same tensors, keep one copy
// and memory counts it once. Ids are dense, 0 .. count()-1.
#pragma once

#include <cstdint>
#include <vector>

#include "hw-models/profile.h"

namespace hw {

using WeightBlockId = std::uint32_t;

class WeightBlocks {
 public:
  WeightBlocks() = default;
  // One block per unit of `profile`.
  explicit WeightBlocks(const Profile& profile);

  WeightBlockId block(int model, int variant, int subgraph) const {
    return block_[offset_[static_cast<std::size_t>(model)] +
                  static_cast<std::size_t>(variant * subgraphs_[static_cast<std::size_t>(model)] + subgraph)];
  }
  // Makes unit b use unit a's block (b's own id becomes unused). A block's size is the weight
  // bytes of the unit whose job loads it, so units that share a block should declare equal weights.
  void share(int model_a, int variant_a, int subgraph_a, int model_b, int variant_b, int subgraph_b);
  std::size_t count() const { return count_; }
  // The unit that first named `block` (its owner when shared): {model, variant, subgraph}.
  struct Unit {
    int model = 0, variant = 0, subgraph = 0;
  };
  Unit owner(WeightBlockId block) const { return owner_[block]; }

 private:
  std::vector<std::size_t> offset_;
  std::vector<int> subgraphs_;
  std::vector<WeightBlockId> block_;
  std::vector<Unit> owner_;
  std::size_t count_ = 0;
};

}  // namespace hw
