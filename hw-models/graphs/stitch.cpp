#include "hw-models/graphs/stitch.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace graphs {

namespace {

// Same kind and geometry, shape equal per task.
bool same_op(const Op& a, const Op& b) {
  return a.kind == b.kind && a.out == b.out && a.in == b.in && a.k == b.k && a.stride == b.stride &&
         a.pad == b.pad && a.groups == b.groups && a.weight_params == b.weight_params &&
         a.bytes_per_weight == b.bytes_per_weight && a.bytes_per_activation == b.bytes_per_activation;
}

void check_topology(const std::vector<const Graph*>& gs) {
  const Graph& g0 = *gs.front();
  for (std::size_t t = 1; t < gs.size(); ++t) {
    const Graph& g = *gs[t];
    if (boost::num_vertices(g) != boost::num_vertices(g0)) {
      throw std::invalid_argument(fmt::format("stitch: task {} has {} ops, task 0 has {} (one architecture needed)", t,
                                              boost::num_vertices(g), boost::num_vertices(g0)));
    }
    for (auto [v, end] = boost::vertices(g0); v != end; ++v) {
      if (g[*v].kind != g0[*v].kind) {
        throw std::invalid_argument(fmt::format("stitch: op {} is {} in task {} but {} in task 0", *v,
                                                to_string(g[*v].kind), t, to_string(g0[*v].kind)));
      }
      if (inputs_of(g, *v) != inputs_of(g0, *v)) {
        throw std::invalid_argument(fmt::format("stitch: op {} ('{}') has other inputs in task {} than in task 0", *v, g0[*v].name, t));
      }
    }
  }
}

class Builder {
 public:
  Builder(const std::vector<const Graph*>& gs, const std::vector<int>& ids, std::vector<std::map<BlockId, BlockId>> maps)
      : gs_(gs), n_(gs.size()), ids_(ids) {
    m_.tasks = ids;
    m_.block_map = std::move(maps);
    m_.origin.assign(n_, std::vector<Node>(boost::num_vertices(*gs.front())));
    batched_.assign(boost::num_vertices(*gs.front()), std::nullopt);
    per_task_.assign(boost::num_vertices(*gs.front()), std::vector<std::optional<Node>>(n_));
  }

  Merged run() {
    for (Node v : topo_order(*gs_.front())) place(v);
    return std::move(m_);
  }

 private:
  BlockId mapped(std::size_t t, BlockId b) const {
    if (b == kNoBlock) return b;
    auto it = m_.block_map[t].find(b);
    return it == m_.block_map[t].end() ? b : it->second;
  }

  // Task t's tensor of position u as its own node.
  Node task_tensor(Node u, std::size_t t) {
    if (per_task_[u][t]) return *per_task_[u][t];
    Node b = *batched_[u];
    if (n_ == 1) return b;
    Op s;
    s.kind = OpKind::kBatchSplit;
    s.name = fmt::format("{}.split{}", (*gs_.front())[u].name, t);
    s.out = (*gs_[t])[u].out;
    s.bytes_per_activation = m_.graph[b].bytes_per_activation;
    s.slice = static_cast<int>(t);
    s.slices = static_cast<int>(n_);
    s.tasks = {ids_[t]};
    Node x = add_op(m_.graph, s, {b});
    per_task_[u][t] = x;
    return x;
  }

  // Position u batched over all tasks.
  Node batched_tensor(Node u) {
    if (batched_[u]) return *batched_[u];
    if (n_ == 1) return *per_task_[u][0];
    Op c;
    c.kind = OpKind::kBatchConcat;
    c.name = fmt::format("{}.concat", (*gs_.front())[u].name);
    c.out = (*gs_.front())[u].out;
    c.out.n *= static_cast<std::int64_t>(n_);
    c.bytes_per_activation = (*gs_.front())[u].bytes_per_activation;
    c.tasks = ids_;
    std::vector<Node> in;
    for (std::size_t t = 0; t < n_; ++t) in.push_back(*per_task_[u][t]);
    Node x = add_op(m_.graph, c, in);
    batched_[u] = x;
    return x;
  }

  void place(Node v) {
    const Graph& g0 = *gs_.front();
    const Op& op0 = g0[v];
    auto ins = inputs_of(g0, v);
    bool equal = true;
    for (std::size_t t = 1; t < n_; ++t) equal = equal && same_op((*gs_[t])[v], op0);
    bool any_batched = std::any_of(ins.begin(), ins.end(), [&](Node u) { return batched_[u].has_value(); });
    bool merge = equal && op0.kind != OpKind::kOutput && op0.kind != OpKind::kInput &&
                 (op0.has_weights() || any_batched || n_ == 1);
    if (!merge) {
      for (std::size_t t = 0; t < n_; ++t) {
        Op op = (*gs_[t])[v];
        op.block = mapped(t, op.block);
        op.tasks = {ids_[t]};
        std::vector<Node> in;
        for (Node u : ins) in.push_back(task_tensor(u, t));
        Node x = add_op(m_.graph, op, in);
        per_task_[v][t] = x;
        m_.origin[t][v] = x;
      }
      return;
    }
    Op op = op0;
    op.tasks = ids_;
    op.out.n *= static_cast<std::int64_t>(n_);
    if (op0.has_weights()) {
      std::vector<BlockId> blocks;
      for (std::size_t t = 0; t < n_; ++t) blocks.push_back(mapped(t, (*gs_[t])[v].block));
      bool shared = std::all_of(blocks.begin(), blocks.end(), [&](BlockId b) { return b == blocks.front(); });
      if (shared) {
        op.block = blocks.front();
      } else {
        op.block = kNoBlock;
        op.instances = static_cast<int>(n_);
        op.instance_blocks = blocks;
      }
    }
    std::vector<Node> in;
    for (Node u : ins) in.push_back(batched_tensor(u));
    Node x = add_op(m_.graph, op, in);
    batched_[v] = x;
    for (std::size_t t = 0; t < n_; ++t) m_.origin[t][v] = x;
  }

  const std::vector<const Graph*>& gs_;
  std::size_t n_;
  std::vector<int> ids_;
  Merged m_;
  std::vector<std::optional<Node>> batched_;
  std::vector<std::vector<std::optional<Node>>> per_task_;
};

Merged merge(const std::vector<const Graph*>& gs, const std::vector<int>& ids, bool copies) {
  if (gs.empty()) throw std::invalid_argument("stitch: no graphs");
  if (ids.size() != gs.size()) throw std::invalid_argument("stitch: one id per graph needed");
  check_topology(gs);
  std::vector<std::map<BlockId, BlockId>> maps(gs.size());
  if (copies) {
    BlockId next = 0;
    for (const Graph* g : gs)
      for (auto [v, end] = boost::vertices(*g); v != end; ++v)
        for (BlockId b : (*g)[*v].blocks()) next = std::max(next, b + 1);
    for (std::size_t t = 0; t < gs.size(); ++t)
      for (auto [v, end] = boost::vertices(*gs[t]); v != end; ++v)
        for (BlockId b : (*gs[t])[*v].blocks())
          if (!maps[t].count(b)) maps[t][b] = next++;
  }
  return Builder(gs, ids, std::move(maps)).run();
}

}  // namespace

Merged stitch(const std::vector<const Graph*>& graphs, const std::vector<int>& ids) { return merge(graphs, ids, false); }
Merged netfuse(const std::vector<const Graph*>& graphs, const std::vector<int>& ids) { return merge(graphs, ids, true); }

std::vector<std::string> check_equivalence(const std::vector<const Graph*>& graphs, const Merged& m) {
  std::vector<std::string> bad;
  const Graph& mg = m.graph;
  auto slot = [&](const Op& op, int task) -> int {
    auto it = std::find(op.tasks.begin(), op.tasks.end(), task);
    return it == op.tasks.end() ? -1 : static_cast<int>(it - op.tasks.begin());
  };
  // Follows routing ops back from x to the op that computed task `task`'s data.
  auto resolve = [&](Node x, int task) -> std::optional<Node> {
    while (is_routing(mg[x].kind)) {
      auto in = inputs_of(mg, x);
      if (mg[x].kind == OpKind::kBatchSplit) {
        const Op& src = mg[in.front()];
        if (mg[x].tasks != std::vector<int>{task} || mg[x].slice >= static_cast<int>(src.tasks.size()) ||
            src.tasks[static_cast<std::size_t>(mg[x].slice)] != task) {
          return std::nullopt;
        }
        x = in.front();
      } else {
        std::vector<int> joined;
        std::optional<Node> next;
        for (Node u : in) {
          for (int t : mg[u].tasks) joined.push_back(t);
          if (slot(mg[u], task) >= 0) next = u;
        }
        if (joined != mg[x].tasks || !next) return std::nullopt;
        x = *next;
      }
    }
    return x;
  };
  std::vector<bool> used(boost::num_vertices(mg), false);
  for (std::size_t i = 0; i < graphs.size(); ++i) {
    const Graph& g = *graphs[i];
    int task = m.tasks[i];
    for (auto [vi, end] = boost::vertices(g); vi != end; ++vi) {
      Node v = *vi;
      const Op& want = g[v];
      Node x = m.origin[i][v];
      used[x] = true;
      const Op& got = mg[x];
      std::string where = fmt::format("task {} op '{}'", task, want.name);
      int s = slot(got, task);
      if (s < 0) {
        bad.push_back(where + ": merged op does not serve the task");
        continue;
      }
      Shape per_task = got.out;
      per_task.n /= static_cast<std::int64_t>(got.tasks.size());
      if (got.kind != want.kind || got.k != want.k || got.stride != want.stride || got.pad != want.pad ||
          got.groups != want.groups || got.weight_params != want.weight_params || !(per_task == want.out) ||
          got.out.n % static_cast<std::int64_t>(got.tasks.size()) != 0) {
        bad.push_back(where + fmt::format(": merged op '{}' differs in kind, geometry or shape", got.name));
      }
      BlockId expect = want.block;
      if (expect != kNoBlock) {
        auto it = m.block_map[i].find(expect);
        if (it != m.block_map[i].end()) expect = it->second;
      }
      BlockId have = got.instances > 1 ? got.instance_blocks[static_cast<std::size_t>(s)] : got.block;
      if (got.instances > 1 && got.instances != static_cast<int>(got.tasks.size())) {
        bad.push_back(where + ": grouped op's instances do not match its tasks");
      }
      if (have != expect) bad.push_back(where + fmt::format(": reads block {} instead of {}", have, expect));
      auto want_in = inputs_of(g, v);
      auto got_in = inputs_of(mg, x);
      if (want_in.size() != got_in.size()) {
        bad.push_back(where + ": input count differs");
        continue;
      }
      for (std::size_t p = 0; p < want_in.size(); ++p) {
        auto src = resolve(got_in[p], task);
        if (!src || *src != m.origin[i][want_in[p]]) {
          bad.push_back(where + fmt::format(": input {} does not come from the task's op '{}'", p, g[want_in[p]].name));
        }
      }
    }
  }
  for (auto [v, end] = boost::vertices(mg); v != end; ++v)
    if (!used[*v] && !is_routing(mg[*v].kind)) bad.push_back(fmt::format("merged op '{}' computes no task's op", mg[*v].name));
  return bad;
}

MemoryBytes memory_of(const Graph& g) { return {distinct_weight_bytes({&g}), peak_activation_bytes(g)}; }

MemoryBytes separate_memory(const std::vector<const Graph*>& graphs, bool concurrent) {
  MemoryBytes m;
  for (const Graph* g : graphs) {
    MemoryBytes one = memory_of(*g);
    m.weights += one.weights;
    m.activations = concurrent ? m.activations + one.activations : std::max(m.activations, one.activations);
  }
  return m;
}

}  // namespace graphs
