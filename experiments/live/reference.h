// A plain reference implementation of the live models: naive loops, no library, one thread.
// It defines what the executor must compute (tests compare the two for every variant) and
// drives int8 calibration. For int8 models it quantizes exactly like the executor should
// (quant.h): integer products, accumulator-domain bias, per-row weight scales.
#pragma once

#include <cstddef>
#include <vector>

#include "experiments/live/model.h"

namespace live {

class LayerObserver {
 public:
  virtual ~LayerObserver() = default;
  // The fp32 input of conv or linear layer `layer_id`, all `count` values of the batch.
  virtual void on_layer_input(int layer_id, const float* x, std::size_t count) = 0;
};

// Runs blocks [first_block, end_block) on `batch` samples laid out back to back.
std::vector<float> reference_forward(const Model& model, int first_block, int end_block, const std::vector<float>& in,
                                     int batch, LayerObserver* observer = nullptr);

}  // namespace live
