// Live execution of op graphs (hw-models/graphs) on this CPU through oneDNN: the numerical check
// of the MTS stitcher and its measured speed-up.
//
// GraphRunner compiles a graph once: a oneDNN convolution or matmul per plain conv / linear op
// (a shared bank runs once on the batch-concatenated inputs), and for a grouped op one primitive
// per instance over its batch slice (oneDNN 2.6 has no batched-weights convolution; the GPU cost
// model prices a grouped op as one kernel, the CPU pays one primitive call per instance).
// Affine, ReLU, add, channel concat, global pool, batch concat and batch split are plain loops.
// Weights come from GraphWeights: deterministic normal-range floats per weight block, so a block
// shared by several graphs (or ops) has the same values everywhere.
//
// Contract: run() takes one input tensor per input op (in op order; NHWC fp32, the op's shape)
// and returns one tensor per output op (in op order). Unsupported op kinds (pool, other) and conv
// groups > 1 are rejected at construction with std::invalid_argument naming the op.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "hw-models/graphs/op_graph.h"

namespace live {

class GraphWeights {
 public:
  explicit GraphWeights(std::uint64_t seed) : seed_(seed) {}
  // `params` floats of block `b` (created on first use; the same count must be asked every time).
  const std::vector<float>& block(graphs::BlockId b, std::int64_t params);
  // Block `copy` holds the same values as `original` (NETFUSE's per-instance copies).
  void alias(graphs::BlockId copy, graphs::BlockId original) { alias_[copy] = original; }

 private:
  std::uint64_t seed_;
  std::map<graphs::BlockId, graphs::BlockId> alias_;
  std::map<graphs::BlockId, std::vector<float>> blocks_;
};

class GraphRunner {
 public:
  GraphRunner(const graphs::Graph& g, GraphWeights& weights);
  ~GraphRunner();
  std::vector<std::vector<float>> run(const std::vector<std::vector<float>>& inputs);
  // Bytes of weights held by this runner's primitives (each op's own copy).
  std::size_t weights_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace live
