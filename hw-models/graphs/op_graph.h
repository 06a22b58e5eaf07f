// DNN models as directed acyclic graphs of ops (Boost.Graph), for weight-shared multitask
// inference (MTS): every op carries its kind, output shape, FLOPs, bytes and the weight block it
// uses, so that blocks can be shared across models and memory counts each block once.
//
// Contract:
// - Tensors are NHWC with an explicit batch n (a linear layer's rows are n * h * w, features c).
// - An op's `instances` > 1 makes it a grouped op (NETFUSE-style grouped convolution / batched
//   matmul): the input batch is split into `instances` equal slices and slice i is multiplied by
//   instance i's weights, `instance_blocks[i]`. A plain op has one instance.
// - flops() counts 2 per multiply-accumulate over the whole batch; weight bytes are per instance
//   copy and fp32 unless `bytes_per_weight` says otherwise.
// - Edges carry the input port; an op's inputs are its in-edges ordered by port.
// - Graph ops are added in topological order (every builder here does so); topo_order() checks it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace graphs {

using BlockId = std::int64_t;
inline constexpr BlockId kNoBlock = -1;

enum class OpKind {
  kInput,         // a task's input tensor
  kConv,          // k x k convolution, stride, pad, optional groups (channel groups inside one instance)
  kLinear,        // fully connected over the channel dimension, per row
  kAffine,        // per-channel scale and bias (a folded batch norm); has weights
  kRelu,          // elementwise
  kPool,          // k x k pooling, stride
  kGlobalPool,    // mean over h, w
  kAdd,           // elementwise sum of its inputs
  kConcat,        // concatenation of its inputs along channels
  kBatchConcat,   // routing: concatenates its inputs along the batch axis (task order = port order)
  kBatchSplit,    // routing: takes slice `slice` of `slices` equal batch slices of its input
  kReshape,       // a view with another shape of the same elements (no kernel, no bytes)
  kOutput,        // marks a task's output (no computation)
  kOther,         // an imported op this library does not model (counted by bytes only)
};
const char* to_string(OpKind k);
// Routing ops move no arithmetic: they are views or copies that restore per-task tensors.
inline bool is_routing(OpKind k) { return k == OpKind::kBatchConcat || k == OpKind::kBatchSplit; }
// Ops that alias their input's storage (no kernel, no bytes of their own).
inline bool is_view(OpKind k) { return k == OpKind::kBatchSplit || k == OpKind::kReshape; }
// Ops that launch a kernel when executed.
inline bool is_kernel(OpKind k) { return k != OpKind::kInput && k != OpKind::kOutput && !is_view(k); }

struct Shape {
  std::int64_t n = 1, h = 1, w = 1, c = 1;
  std::int64_t elements() const { return n * h * w * c; }
  bool operator==(const Shape&) const = default;
};

struct Op {
  std::string name;
  OpKind kind = OpKind::kOther;
  Shape in;   // shape of the (first) input; for kInput equal to out
  Shape out;
  int k = 1, stride = 1, pad = 0, groups = 1;  // conv / pool geometry; groups: channel groups
  int instances = 1;                            // > 1: a grouped op over batch slices
  int slice = 0, slices = 1;                    // kBatchSplit: which slice of how many
  std::int64_t bytes_per_weight = 4;
  std::int64_t bytes_per_activation = 4;
  BlockId block = kNoBlock;                  // weights of a plain op
  std::vector<BlockId> instance_blocks;      // weights of each instance of a grouped op
  std::vector<int> tasks;                    // merged graphs: tasks served, in batch-slice order
  std::int64_t weight_params = 0;            // weights of one instance, in parameters (set by finish())

  // Multiply-accumulates x 2 over the whole batch.
  std::int64_t flops() const;
  // Bytes of one instance's weights.
  std::int64_t weight_bytes() const { return weight_params * bytes_per_weight; }
  // Bytes read and written by one execution: every instance's weights, inputs, output.
  std::int64_t input_bytes = 0;  // set by finish()
  std::int64_t output_bytes() const { return out.elements() * bytes_per_activation; }
  std::int64_t traffic_bytes() const { return weight_bytes() * instances + input_bytes + output_bytes(); }
  bool has_weights() const { return weight_params > 0; }
  // Blocks this op reads: instance_blocks for a grouped op, else {block} (empty if none).
  std::vector<BlockId> blocks() const;
};

struct Edge {
  int port = 0;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Op, Edge>;
using Node = Graph::vertex_descriptor;

// Adds `op` fed by `inputs` (port i = inputs[i]) and fills its derived fields (input shape and
// bytes, weight parameter count). Throws std::invalid_argument on inconsistent shapes.
Node add_op(Graph& g, Op op, const std::vector<Node>& inputs = {});
// An op's inputs ordered by port.
std::vector<Node> inputs_of(const Graph& g, Node v);
// Vertices in insertion order, which must be topological (every builder adds an op after its
// inputs); throws std::logic_error naming the op otherwise. Deterministic, so memory peaks are.
std::vector<Node> topo_order(const Graph& g);

// Weight parameters of one instance of an op of this kind and geometry (conv: k*k*ic/groups*oc
// plus oc biases; linear: ic*oc + oc; affine: 2*c; others 0).
std::int64_t weight_params_of(const Op& op);

struct GraphTotals {
  std::int64_t ops = 0;            // ops that launch a kernel (not input, output or routing)
  std::int64_t flops = 0;
  std::int64_t weight_bytes = 0;   // each distinct block once
  std::int64_t peak_activation_bytes = 0;  // see peak_activation_bytes()
};
// Sum of distinct blocks' bytes over several graphs (a block used by many graphs counts once).
std::int64_t distinct_weight_bytes(const std::vector<const Graph*>& graphs);
// Peak bytes of live activations when ops run one at a time in topological order and a tensor is
// freed after its last consumer ran. A batch split or reshape is a view of its input (no bytes of its own;
// the input lives until the split's consumers ran); a batch concat copies into a new tensor.
std::int64_t peak_activation_bytes(const Graph& g);
GraphTotals totals(const Graph& g);

}  // namespace graphs
