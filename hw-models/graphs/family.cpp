#include "hw-models/graphs/family.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace graphs {

namespace {

Shape layer_out(const Shape& in, const LayerSpec& l) {
  Shape s = in;
  s.c = l.out_c;
  if (l.kind == OpKind::kPool) {
    s.c = in.c;
    s.h = (in.h - l.k) / l.stride + 1;
    s.w = (in.w - l.k) / l.stride + 1;
  } else if (l.kind == OpKind::kConv) {
    s.h = (in.h + 2 * l.pad - l.k) / l.stride + 1;
    s.w = (in.w + 2 * l.pad - l.k) / l.stride + 1;
  }
  return s;
}

}  // namespace

Family make_family(const FamilySpec& spec) {
  const Architecture& a = spec.arch;
  if (spec.tasks < 1) throw std::invalid_argument(fmt::format("family: tasks must be >= 1, got {}", spec.tasks));
  if (a.layers.empty()) throw std::invalid_argument("family: the architecture has no layers");
  if (spec.rho.size() != 1 && spec.rho.size() != a.layers.size()) {
    throw std::invalid_argument(
        fmt::format("family: rho has {} values for {} layers (give one or one per layer)", spec.rho.size(), a.layers.size()));
  }
  for (double r : spec.rho)
    if (!(r >= 0 && r <= 1)) throw std::invalid_argument(fmt::format("family: rho {} is outside [0, 1]", r));
  if (!spec.head_classes.empty() && static_cast<int>(spec.head_classes.size()) != spec.tasks) {
    throw std::invalid_argument(fmt::format("family: head_classes has {} values for {} tasks", spec.head_classes.size(), spec.tasks));
  }
  std::vector<int> group_of(static_cast<std::size_t>(spec.tasks), 0);
  if (!spec.sharing_groups.empty()) {
    std::vector<int> seen(static_cast<std::size_t>(spec.tasks), 0);
    for (std::size_t g = 0; g < spec.sharing_groups.size(); ++g) {
      for (int t : spec.sharing_groups[g]) {
        if (t < 0 || t >= spec.tasks) throw std::invalid_argument(fmt::format("family: sharing group {} names task {}", g, t));
        ++seen[static_cast<std::size_t>(t)];
        group_of[static_cast<std::size_t>(t)] = static_cast<int>(g);
      }
    }
    for (int t = 0; t < spec.tasks; ++t)
      if (seen[static_cast<std::size_t>(t)] != 1)
        throw std::invalid_argument(fmt::format("family: task {} is in {} sharing groups (must be 1)", t, seen[static_cast<std::size_t>(t)]));
  }

  Family fam;
  std::map<std::string, BlockId> ids;
  auto block = [&](const std::string& name) {
    auto [it, fresh] = ids.emplace(name, static_cast<BlockId>(ids.size()));
    if (fresh) fam.block_names[it->second] = name;
    return it->second;
  };
  for (int t = 0; t < spec.tasks; ++t) {
    Graph g;
    Op in;
    in.name = "input";
    in.kind = OpKind::kInput;
    in.out = a.input;
    Node x = add_op(g, in);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
      const LayerSpec& ls = a.layers[l];
      if (ls.kind == OpKind::kPool) {
        Op pool;
        pool.name = fmt::format("l{}.pool", l);
        pool.kind = OpKind::kPool;
        pool.k = ls.k;
        pool.stride = ls.stride;
        pool.out = layer_out(g[x].out, ls);
        x = add_op(g, pool, {x});
        continue;
      }
      if (ls.kind != OpKind::kConv && ls.kind != OpKind::kLinear)
        throw std::invalid_argument(fmt::format("family: layer {} is {}, not conv or linear", l, to_string(ls.kind)));
      if (ls.kind == OpKind::kLinear && g[x].out.h * g[x].out.w > 1) {
        Op flat;
        flat.name = fmt::format("l{}.flatten", l);
        flat.kind = OpKind::kReshape;
        flat.out = Shape{g[x].out.n, 1, 1, g[x].out.h * g[x].out.w * g[x].out.c};
        x = add_op(g, flat, {x});
      }
      double rho = spec.rho.size() == 1 ? spec.rho[0] : spec.rho[l];
      int shared = static_cast<int>(std::lround(rho * ls.out_c));
      int own = ls.out_c - shared;
      Shape out = layer_out(g[x].out, ls);
      std::vector<Node> parts;
      auto bank = [&](const std::string& suffix, int channels, BlockId b) {
        Op op;
        op.name = fmt::format("l{}.{}", l, suffix);
        op.kind = ls.kind;
        op.k = ls.k;
        op.stride = ls.stride;
        op.pad = ls.pad;
        op.out = out;
        op.out.c = channels;
        op.block = b;
        parts.push_back(add_op(g, op, {x}));
      };
      if (shared > 0) bank("shared", shared, block(fmt::format("l{}.shared.g{}", l, group_of[static_cast<std::size_t>(t)])));
      if (own > 0) bank("own", own, block(fmt::format("l{}.own.t{}", l, t)));
      Node y = parts.front();
      if (parts.size() == 2) {
        Op cat;
        cat.name = fmt::format("l{}.concat", l);
        cat.kind = OpKind::kConcat;
        cat.out = out;
        y = add_op(g, cat, parts);
      }
      Op bn;
      bn.name = fmt::format("l{}.bn", l);
      bn.kind = OpKind::kAffine;
      bn.out = out;
      bn.block = block(fmt::format("l{}.bn.t{}", l, t));
      y = add_op(g, bn, {y});
      Op relu;
      relu.name = fmt::format("l{}.relu", l);
      relu.kind = OpKind::kRelu;
      relu.out = out;
      x = add_op(g, relu, {y});
    }
    if (g[x].out.h * g[x].out.w > 1) {
      Op gp;
      gp.name = "pool";
      gp.kind = OpKind::kGlobalPool;
      gp.out = g[x].out;
      gp.out.h = gp.out.w = 1;
      x = add_op(g, gp, {x});
    }
    Op head;
    head.name = "head";
    head.kind = OpKind::kLinear;
    head.out = g[x].out;
    head.out.c = spec.head_classes.empty() ? a.head_classes : spec.head_classes[static_cast<std::size_t>(t)];
    head.block = block(fmt::format("head.t{}", t));
    x = add_op(g, head, {x});
    Op out;
    out.name = "out";
    out.kind = OpKind::kOutput;
    out.out = g[x].out;
    add_op(g, out, {x});
    fam.tasks.push_back(std::move(g));
  }
  return fam;
}

FamilySpec uniform_family(Architecture arch, int tasks, double rho) {
  FamilySpec s;
  s.arch = std::move(arch);
  s.tasks = tasks;
  s.rho = {rho};
  return s;
}

Architecture architecture_from_graph(const Graph& g, const std::string& name, int head_classes) {
  Architecture a;
  a.name = name;
  a.head_classes = head_classes;
  bool have_input = false;
  for (Node v : topo_order(g)) {
    const Op& op = g[v];
    if (boost::out_degree(v, g) > 1) throw std::invalid_argument(fmt::format("architecture: op '{}' feeds several ops (not a chain)", op.name));
    switch (op.kind) {
      case OpKind::kInput:
        if (have_input) throw std::invalid_argument(fmt::format("architecture: second input '{}'", op.name));
        a.input = op.out;
        have_input = true;
        break;
      case OpKind::kConv:
        if (op.groups != 1) throw std::invalid_argument(fmt::format("architecture: conv '{}' has groups", op.name));
        a.layers.push_back(LayerSpec{OpKind::kConv, static_cast<int>(op.out.c), op.k, op.stride, op.pad});
        break;
      case OpKind::kLinear: a.layers.push_back(LayerSpec{OpKind::kLinear, static_cast<int>(op.out.c), 1, 1, 0}); break;
      case OpKind::kPool: a.layers.push_back(LayerSpec{OpKind::kPool, 0, op.k, op.stride, 0}); break;
      case OpKind::kRelu:
      case OpKind::kAffine:
      case OpKind::kReshape:
      case OpKind::kGlobalPool:
      case OpKind::kOther:  // dropout, softmax: no weights, no layer
      case OpKind::kOutput: break;
      default: throw std::invalid_argument(fmt::format("architecture: op '{}' ({}) is not a chain layer", op.name, to_string(op.kind)));
    }
  }
  if (!have_input) throw std::invalid_argument("architecture: the graph has no input");
  // The last linear layer is the head: the family gives every task its own.
  if (!a.layers.empty() && a.layers.back().kind == OpKind::kLinear) {
    if (head_classes <= 0) a.head_classes = a.layers.back().out_c;
    a.layers.pop_back();
  }
  return a;
}

Architecture cnn_architecture(int layers, int batch) {
  Architecture a;
  a.name = fmt::format("cnn{}", layers);
  a.input = Shape{batch, 32, 32, 3};
  int c = 32;
  for (int l = 0; l < layers; ++l) {
    bool down = l > 0 && l % 2 == 0;
    if (down) c *= 2;
    a.layers.push_back(LayerSpec{OpKind::kConv, c, 3, down ? 2 : 1, 1});
  }
  return a;
}

Architecture mlp_architecture(int layers, int in, int width, int batch) {
  Architecture a;
  a.name = fmt::format("mlp{}x{}", layers, width);
  a.input = Shape{batch, 1, 1, in};
  for (int l = 0; l < layers; ++l) a.layers.push_back(LayerSpec{OpKind::kLinear, width, 1, 1, 0});
  return a;
}

}  // namespace graphs
