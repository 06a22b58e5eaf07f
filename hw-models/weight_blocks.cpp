#include "hw-models/weight_blocks.h"

namespace hw {

WeightBlocks::WeightBlocks(const Profile& profile) {
  std::size_t n = 0;
  for (std::size_t mi = 0; mi < profile.models.size(); ++mi) {
    const auto& m = profile.models[mi];
    offset_.push_back(n);
    subgraphs_.push_back(m.subgraph_count);
    n += m.variants.size() * static_cast<std::size_t>(m.subgraph_count);
    for (int v = 0; v < static_cast<int>(m.variants.size()); ++v)
      for (int s = 0; s < m.subgraph_count; ++s) owner_.push_back({static_cast<int>(mi), v, s});
  }
  block_.resize(n);
  for (std::size_t i = 0; i < n; ++i) block_[i] = static_cast<WeightBlockId>(i);
  count_ = n;
}

void WeightBlocks::share(int model_a, int variant_a, int subgraph_a, int model_b, int variant_b, int subgraph_b) {
  WeightBlockId a = block(model_a, variant_a, subgraph_a);
  block_[offset_[static_cast<std::size_t>(model_b)] +
         static_cast<std::size_t>(variant_b * subgraphs_[static_cast<std::size_t>(model_b)] + subgraph_b)] = a;
}

}  // namespace hw
