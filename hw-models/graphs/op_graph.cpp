#include "hw-models/graphs/op_graph.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace graphs {

const char* to_string(OpKind k) {
  switch (k) {
    case OpKind::kInput: return "input";
    case OpKind::kConv: return "conv";
    case OpKind::kLinear: return "linear";
    case OpKind::kAffine: return "affine";
    case OpKind::kRelu: return "relu";
    case OpKind::kPool: return "pool";
    case OpKind::kGlobalPool: return "global_pool";
    case OpKind::kAdd: return "add";
    case OpKind::kConcat: return "concat";
    case OpKind::kBatchConcat: return "batch_concat";
    case OpKind::kBatchSplit: return "batch_split";
    case OpKind::kReshape: return "reshape";
    case OpKind::kOutput: return "output";
    case OpKind::kOther: return "other";
  }
  return "?";
}

std::int64_t Op::flops() const {
  switch (kind) {
    case OpKind::kConv: return 2 * out.elements() * k * k * (in.c / groups);
    case OpKind::kLinear: return 2 * out.elements() * in.c;
    case OpKind::kAffine: return 2 * out.elements();
    case OpKind::kRelu:
    case OpKind::kAdd: return out.elements();
    case OpKind::kPool: return out.elements() * k * k;
    case OpKind::kGlobalPool: return in.elements();
    default: return 0;
  }
}

std::vector<BlockId> Op::blocks() const {
  if (!instance_blocks.empty()) return instance_blocks;
  if (block != kNoBlock) return {block};
  return {};
}

std::int64_t weight_params_of(const Op& op) {
  switch (op.kind) {
    case OpKind::kConv:
      return static_cast<std::int64_t>(op.k) * op.k * (op.in.c / op.groups) * op.out.c + op.out.c;
    case OpKind::kLinear: return op.in.c * op.out.c + op.out.c;
    case OpKind::kAffine: return 2 * op.out.c;
    default: return 0;
  }
}

Node add_op(Graph& g, Op op, const std::vector<Node>& inputs) {
  if (op.kind != OpKind::kInput && inputs.empty()) {
    throw std::invalid_argument(fmt::format("op '{}' ({}) has no input", op.name, to_string(op.kind)));
  }
  if (op.instances < 1) throw std::invalid_argument(fmt::format("op '{}' has {} instances", op.name, op.instances));
  if (!inputs.empty()) {
    op.in = g[inputs.front()].out;
    op.input_bytes = 0;
    for (Node u : inputs) op.input_bytes += g[u].out.elements() * g[u].bytes_per_activation;
  } else {
    op.in = op.out;
    op.input_bytes = 0;
  }
  if (op.instances > 1 && op.in.n % op.instances != 0) {
    throw std::invalid_argument(
        fmt::format("grouped op '{}': batch {} is not a multiple of {} instances", op.name, op.in.n, op.instances));
  }
  if (op.kind == OpKind::kConv && (op.groups < 1 || op.in.c % op.groups != 0 || op.out.c % op.groups != 0)) {
    throw std::invalid_argument(fmt::format("conv '{}': channels {}->{} not divisible by {} groups", op.name,
                                            op.in.c, op.out.c, op.groups));
  }
  if (!op.instance_blocks.empty() && static_cast<int>(op.instance_blocks.size()) != op.instances) {
    throw std::invalid_argument(fmt::format("grouped op '{}': {} instance blocks for {} instances", op.name,
                                            op.instance_blocks.size(), op.instances));
  }
  op.weight_params = weight_params_of(op);
  Node v = boost::add_vertex(std::move(op), g);
  for (std::size_t i = 0; i < inputs.size(); ++i) boost::add_edge(inputs[i], v, Edge{static_cast<int>(i)}, g);
  return v;
}

std::vector<Node> inputs_of(const Graph& g, Node v) {
  std::vector<std::pair<int, Node>> in;
  for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) in.emplace_back(g[*e].port, boost::source(*e, g));
  std::sort(in.begin(), in.end());
  std::vector<Node> out;
  for (const auto& [port, u] : in) out.push_back(u);
  return out;
}

std::vector<Node> topo_order(const Graph& g) {
  std::vector<Node> order;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) {
    for (auto [e, eend] = boost::in_edges(*v, g); e != eend; ++e) {
      if (boost::source(*e, g) >= *v) {
        throw std::logic_error(fmt::format("op graph: op '{}' is fed by a later op (ops must be added in topological order)", g[*v].name));
      }
    }
    order.push_back(*v);
  }
  return order;
}

std::int64_t distinct_weight_bytes(const std::vector<const Graph*>& gs) {
  std::map<BlockId, std::int64_t> bytes;
  for (const Graph* g : gs) {
    for (auto [v, end] = boost::vertices(*g); v != end; ++v) {
      const Op& op = (*g)[*v];
      for (BlockId b : op.blocks()) {
        auto [it, fresh] = bytes.emplace(b, op.weight_bytes());
        if (!fresh && it->second != op.weight_bytes()) {
          throw std::logic_error(fmt::format("weight block {} used with {} and {} bytes (op '{}')", b, it->second,
                                             op.weight_bytes(), op.name));
        }
      }
    }
  }
  std::int64_t total = 0;
  for (const auto& [b, n] : bytes) total += n;
  return total;
}

std::int64_t peak_activation_bytes(const Graph& g) {
  auto order = topo_order(g);
  std::vector<Node> storage(boost::num_vertices(g));
  for (Node v : order) {
    storage[v] = v;
    if (is_view(g[v].kind)) storage[v] = storage[inputs_of(g, v).front()];
  }
  // Remaining consumers of each storage (consumers of a split count against its source).
  std::vector<int> uses(boost::num_vertices(g), 0);
  for (Node v : order) {
    if (is_view(g[v].kind)) continue;
    for (Node u : inputs_of(g, v)) ++uses[storage[u]];
  }
  std::int64_t live = 0, peak = 0;
  for (Node v : order) {
    const Op& op = g[v];
    if (is_view(op.kind)) continue;
    if (op.kind != OpKind::kOutput) live += op.output_bytes();
    peak = std::max(peak, live);
    for (Node u : inputs_of(g, v)) {
      Node s = storage[u];
      if (--uses[s] == 0) live -= g[s].output_bytes();
    }
  }
  return peak;
}

GraphTotals totals(const Graph& g) {
  GraphTotals t;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) {
    const Op& op = g[*v];
    if (is_kernel(op.kind) && !is_routing(op.kind)) ++t.ops;
    t.flops += op.flops();
  }
  t.weight_bytes = distinct_weight_bytes({&g});
  t.peak_activation_bytes = peak_activation_bytes(g);
  return t;
}

}  // namespace graphs
