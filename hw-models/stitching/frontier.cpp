#include "hw-models/stitching/frontier.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include "hw-models/stitching/enumerate.h"

namespace stitching {
namespace {

constexpr double kNoAccuracy = -std::numeric_limits<double>::infinity();

// Prefix maximum over ranks 0..i.
class MaxFenwick {
 public:
  MaxFenwick(double* storage, std::size_t n) : t_(storage), n_(n) { std::fill(t_, t_ + n_ + 1, kNoAccuracy); }
  void update(std::size_t i, double v) {
    for (++i; i <= n_; i += i & (~i + 1)) t_[i] = std::max(t_[i], v);
  }
  double query(std::size_t i) const {
    double r = kNoAccuracy;
    for (++i; i > 0; i -= i & (~i + 1)) r = std::max(r, t_[i]);
    return r;
  }

 private:
  double* t_;
  std::size_t n_;
};

// A partial chain: objectives so far, and how it was built (for reconstruction).
struct Node {
  double acc;
  std::int64_t lat, w, act;
  std::uint32_t parent;
  std::uint8_t v, p;
};

bool node_order(const Node& a, const Node& b) {
  if (a.lat != b.lat) return a.lat < b.lat;
  if (a.w != b.w) return a.w < b.w;
  if (a.act != b.act) return a.act < b.act;
  if (a.acc != b.acc) return a.acc > b.acc;
  if (a.parent != b.parent) return a.parent < b.parent;
  if (a.v != b.v) return a.v < b.v;
  return a.p < b.p;
}

// The 2-D Pareto staircase of (weights down, accuracy up) of the points inserted so far: weights
// increase and accuracy strictly increases along it. Stored as a list of sorted blocks (a flat
// B-tree of height two) because the filter's time goes into these lookups and a node-based map
// spends it chasing pointers.
class Staircase {
 public:
  // True when an inserted point has weights <= w and accuracy >= acc.
  bool covers(std::int64_t w, double acc) const {
    std::size_t b = block_of(w);
    if (b == kNone) return false;
    const Block& k = blocks_[b];
    std::size_t i = static_cast<std::size_t>(std::upper_bound(k.w.begin(), k.w.end(), w) - k.w.begin());
    return k.acc[i - 1] >= acc;
  }
  // Inserts a point that covers() reported uncovered, removing the steps it dominates.
  void insert(std::int64_t w, double acc) {
    std::size_t b = block_of(w);
    if (b == kNone) {
      if (blocks_.empty()) {
        blocks_.push_back(Block{});
        first_.push_back(w);
      }
      b = 0;
    }
    Block& k = blocks_[b];
    std::size_t i = static_cast<std::size_t>(std::upper_bound(k.w.begin(), k.w.end(), w) - k.w.begin());
    std::size_t pos;
    if (i > 0 && k.w[i - 1] == w) {
      pos = i - 1;
      k.acc[pos] = acc;
    } else {
      k.w.insert(k.w.begin() + static_cast<std::ptrdiff_t>(i), w);
      k.acc.insert(k.acc.begin() + static_cast<std::ptrdiff_t>(i), acc);
      pos = i;
    }
    first_[b] = k.w.front();
    // Remove later steps with accuracy <= acc: the rest of this block, whole blocks, then the
    // front of the next block.
    std::size_t j = pos + 1;
    while (j < k.w.size() && k.acc[j] <= acc) ++j;
    const bool reached_end = j == k.w.size();
    k.w.erase(k.w.begin() + static_cast<std::ptrdiff_t>(pos + 1), k.w.begin() + static_cast<std::ptrdiff_t>(j));
    k.acc.erase(k.acc.begin() + static_cast<std::ptrdiff_t>(pos + 1), k.acc.begin() + static_cast<std::ptrdiff_t>(j));
    if (reached_end) {
      std::size_t n = b + 1;
      while (n < blocks_.size() && blocks_[n].acc.back() <= acc) ++n;
      blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b + 1), blocks_.begin() + static_cast<std::ptrdiff_t>(n));
      first_.erase(first_.begin() + static_cast<std::ptrdiff_t>(b + 1), first_.begin() + static_cast<std::ptrdiff_t>(n));
      if (b + 1 < blocks_.size()) {
        Block& nx = blocks_[b + 1];
        std::size_t m = 0;
        while (m < nx.w.size() && nx.acc[m] <= acc) ++m;
        nx.w.erase(nx.w.begin(), nx.w.begin() + static_cast<std::ptrdiff_t>(m));
        nx.acc.erase(nx.acc.begin(), nx.acc.begin() + static_cast<std::ptrdiff_t>(m));
        first_[b + 1] = nx.w.front();  // not empty: its last step has accuracy > acc
      }
    }
    if (blocks_[b].w.size() > 2 * kBlock) split(b);
  }

 private:
  static constexpr std::size_t kBlock = 256;
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  struct Block {
    std::vector<std::int64_t> w;
    std::vector<double> acc;
  };
  // The block holding the last step with weights <= w, or kNone.
  std::size_t block_of(std::int64_t w) const {
    std::size_t b = static_cast<std::size_t>(std::upper_bound(first_.begin(), first_.end(), w) - first_.begin());
    return b == 0 ? kNone : b - 1;
  }
  void split(std::size_t b) {
    Block tail;
    Block& k = blocks_[b];
    tail.w.assign(k.w.begin() + static_cast<std::ptrdiff_t>(kBlock), k.w.end());
    tail.acc.assign(k.acc.begin() + static_cast<std::ptrdiff_t>(kBlock), k.acc.end());
    k.w.resize(kBlock);
    k.acc.resize(kBlock);
    first_.insert(first_.begin() + static_cast<std::ptrdiff_t>(b + 1), tail.w.front());
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b + 1), std::move(tail));
  }
  std::vector<Block> blocks_;
  std::vector<std::int64_t> first_;  // first weights of each block
};

// "Is there an inserted point with activation <= act, weights <= w and accuracy >= acc?" over a
// fixed set of activation levels: a Fenwick tree over the levels whose nodes are staircases, so
// an insert or a query touches O(log levels) staircases.
class DominanceIndex {
 public:
  explicit DominanceIndex(std::vector<std::int64_t> levels) : levels_(std::move(levels)), nodes_(levels_.size() + 1) {}
  bool covers(std::int64_t act, std::int64_t w, double acc) const {
    for (std::size_t i = level(act) + 1; i > 0; i -= i & (~i + 1))
      if (nodes_[i].covers(w, acc)) return true;
    return false;
  }
  void insert(std::int64_t act, std::int64_t w, double acc) {
    for (std::size_t i = level(act) + 1; i < nodes_.size(); i += i & (~i + 1))
      if (!nodes_[i].covers(w, acc)) nodes_[i].insert(w, acc);
  }

 private:
  std::size_t level(std::int64_t act) const {
    return static_cast<std::size_t>(std::lower_bound(levels_.begin(), levels_.end(), act) - levels_.begin());
  }
  std::vector<std::int64_t> levels_;
  std::vector<Staircase> nodes_;  // [1..levels]
};

// The sorted distinct activation values of some nodes.
template <class Range, class Get>
std::vector<std::int64_t> activation_levels(const Range& r, Get get) {
  std::vector<std::int64_t> acts;
  for (const auto& x : r)
    if (std::find(acts.begin(), acts.end(), get(x)) == acts.end()) acts.push_back(get(x));
  std::sort(acts.begin(), acts.end());
  return acts;
}

// Keeps the nodes no other node weakly dominates in (acc up, lat, w, act down); of equal nodes
// the first in node_order. A sweep in node_order sees every possible dominator before the node
// it dominates; a DominanceIndex of the kept nodes answers "is there a kept node with weights
// <= w, activation <= act and accuracy >= acc".
std::vector<Node> filter(std::vector<Node>& c) {
  std::sort(c.begin(), c.end(), node_order);
  DominanceIndex index(activation_levels(c, [](const Node& n) { return n.act; }));
  std::vector<Node> kept;
  for (const auto& n : c) {
    if (index.covers(n.act, n.w, n.acc)) continue;
    kept.push_back(n);
    index.insert(n.act, n.w, n.acc);
  }
  return kept;
}

struct Group {
  std::uint64_t key;
  int trie, state, cls;
  std::size_t begin, end;  // node range in the layer
};

struct Layer {
  std::vector<Node> nodes;
  std::vector<Group> groups;
};

std::uint64_t make_key(int trie, int state, int cls) {
  return (static_cast<std::uint64_t>(trie + 1) << 32) | (static_cast<std::uint64_t>(state) << 8) |
         static_cast<std::uint64_t>(cls);
}

// Boundary class of each variant at each position: variants with the same precision and the
// same row of pair terms into the next subgraph continue identically. The class id is the
// smallest variant index of the class. The last position has no next boundary: one class.
std::vector<int> boundary_classes(const StitchSpace& sp, const AccuracyModel& acc) {
  const int S = sp.subgraphs, K = sp.variants;
  std::vector<int> cls(static_cast<std::size_t>(S * K), 0);
  for (int s = 0; s + 1 < S; ++s) {
    for (int v = 0; v < K; ++v) {
      int c = v;
      for (int u = 0; u < v && c == v; ++u) {
        if (sp.precision[static_cast<std::size_t>(u)] != sp.precision[static_cast<std::size_t>(v)]) continue;
        bool same = true;
        if (!acc.additive()) {
          for (int b = 0; b < K && same; ++b)
            same = acc.pair[static_cast<std::size_t>(((s + 1) * K + u) * K + b)] ==
                   acc.pair[static_cast<std::size_t>(((s + 1) * K + v) * K + b)];
        }
        if (same) c = cls[static_cast<std::size_t>(s * K + u)];
      }
      cls[static_cast<std::size_t>(s * K + v)] = c;
    }
  }
  return cls;
}

struct Move {
  std::uint64_t dest_key;
  int dest_trie, dest_state, dest_cls;
  std::uint32_t group;
  std::uint8_t v, p;
  double dacc;
  std::int64_t dlat, dw, act;
};

bool move_dominates(const Move& a, const Move& b) {
  return a.dacc >= b.dacc && a.dlat <= b.dlat && a.dw <= b.dw && a.act <= b.act;
}

void prune_across_groups(const StitchSpace& sp, const PlacementAutomaton& au, const AccuracyModel& acc, int s,
                         Layer& layer);

Layer advance(const StitchSpace& sp, const PlacementAutomaton& au, const AccuracyModel& acc,
              const MeasuredAccuracy& meas, const std::vector<int>& cls, int s, const Layer& prev,
              FrontierStats& stats) {
  const int K = sp.variants;
  std::vector<Move> moves;
  for (std::size_t gi = 0; gi < prev.groups.size(); ++gi) {
    const Group& g = prev.groups[gi];
    const int prev_p = au.last_processor(g.state);
    for (int p = 0; p < sp.processors; ++p) {
      const int ns = au.step(g.state, p);
      if (ns < 0) continue;
      std::size_t first = moves.size();
      for (int v = 0; v < K; ++v) {
        const std::int64_t u = sp.unit_latency(s, v, p);
        if (u < 0) continue;
        Move m;
        m.dest_trie = meas.child(g.trie, v);
        m.dest_state = ns;
        m.dest_cls = cls[static_cast<std::size_t>(s * K + v)];
        m.dest_key = make_key(m.dest_trie, ns, m.dest_cls);
        m.group = static_cast<std::uint32_t>(gi);
        m.v = static_cast<std::uint8_t>(v);
        m.p = static_cast<std::uint8_t>(p);
        m.dacc = acc.step(s, g.cls, v);
        m.dlat = u + (s ? sp.boundary_ns(s, g.cls, prev_p, v, p) : 0);
        m.dw = sp.weights(s, v);
        m.act = sp.activation(s, v);
        if (m.dw + m.act > sp.memory_budget_bytes) continue;
        moves.push_back(m);
      }
      // Within one (group, processor), a variant option no better than another that leads to
      // the same destination group is never needed.
      std::vector<bool> drop(moves.size() - first, false);
      for (std::size_t i = first; i < moves.size(); ++i)
        for (std::size_t j = first; j < moves.size() && !drop[i - first]; ++j)
          if (i != j && moves[j].dest_key == moves[i].dest_key && !drop[j - first] &&
              move_dominates(moves[j], moves[i]) && (j < i || !move_dominates(moves[i], moves[j])))
            drop[i - first] = true;
      std::size_t out = first;
      for (std::size_t i = first; i < moves.size(); ++i)
        if (!drop[i - first]) moves[out++] = moves[i];
      moves.resize(out);
    }
  }
  std::stable_sort(moves.begin(), moves.end(), [](const Move& a, const Move& b) { return a.dest_key < b.dest_key; });
  std::vector<std::pair<std::size_t, std::size_t>> ranges;  // moves per destination group
  for (std::size_t i = 0; i < moves.size();) {
    std::size_t j = i;
    while (j < moves.size() && moves[j].dest_key == moves[i].dest_key) ++j;
    ranges.emplace_back(i, j);
    i = j;
  }
  std::vector<std::vector<Node>> results(ranges.size());
  std::vector<std::uint64_t> generated(ranges.size(), 0);
  const std::int64_t budget = sp.memory_budget_bytes;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    std::vector<Node> cand;
    for (std::size_t mi = ranges[r].first; mi < ranges[r].second; ++mi) {
      const Move& m = moves[mi];
      const Group& g = prev.groups[m.group];
      for (std::size_t i = g.begin; i < g.end; ++i) {
        const Node& n = prev.nodes[i];
        const std::int64_t w2 = n.w + m.dw;
        const std::int64_t act2 = std::max(n.act, m.act);
        if (w2 + act2 > budget) continue;
        cand.push_back(Node{n.acc + m.dacc, n.lat + m.dlat, w2, act2, static_cast<std::uint32_t>(i), m.v, m.p});
      }
    }
    generated[r] = cand.size();
    results[r] = filter(cand);
  }
  Layer next;
  for (std::size_t r = 0; r < ranges.size(); ++r) {
    stats.candidates += generated[r];
    if (results[r].empty()) continue;
    const Move& m = moves[ranges[r].first];
    next.groups.push_back(Group{m.dest_key, m.dest_trie, m.dest_state, m.dest_cls, next.nodes.size(),
                                next.nodes.size() + results[r].size()});
    next.nodes.insert(next.nodes.end(), results[r].begin(), results[r].end());
  }
  prune_across_groups(sp, au, acc, s, next);
  stats.kept += next.nodes.size();
  stats.largest_layer = std::max<std::uint64_t>(stats.largest_layer, next.nodes.size());
  return next;
}

// Pruning across groups. Two groups outside the measured trie whose automaton states allow the
// same next processors, into the same next states, differ in their continuations only by
// boundary latency and pair-term accuracy, both bounded: every completion e of a node B costs at
// most `lat_margin` more latency and earns at most `acc_margin` less accuracy from B's group than
// from A's. So if A.lat + lat_margin <= B.lat, A.acc - acc_margin >= B.acc and A's weights and
// activation are no larger, A+e weakly dominates B+e for every e and B can go. The margins are
// maxima over all group pairs of the bucket, which makes the test transitive.
void prune_across_groups(const StitchSpace& sp, const PlacementAutomaton& au, const AccuracyModel& acc, int s,
                         Layer& layer) {
  if (s + 1 >= sp.subgraphs) return;  // the final filter compares everything anyway
  const int K = sp.variants, P = sp.processors;
  auto row = [&](int state) {
    std::vector<int> r;
    for (int p = 0; p < P; ++p) r.push_back(au.step(state, p));
    return r;
  };
  std::map<std::vector<int>, std::vector<std::size_t>> buckets;  // transition row -> groups
  for (std::size_t g = 0; g < layer.groups.size(); ++g)
    if (layer.groups[g].trie == MeasuredAccuracy::kOff) buckets[row(layer.groups[g].state)].push_back(g);
  std::vector<bool> drop(layer.nodes.size(), false);
  bool any_dropped = false;
  for (const auto& [r, groups] : buckets) {
    if (groups.size() < 2) continue;
    // Margins over every ordered pair of groups and every next (variant, processor).
    std::int64_t lat_margin = 0;
    double acc_margin = 0;
    for (std::size_t a : groups)
      for (std::size_t b : groups) {
        const Group &ga = layer.groups[a], &gb = layer.groups[b];
        const int pa = au.last_processor(ga.state), pb = au.last_processor(gb.state);
        for (int v = 0; v < K; ++v) {
          for (int p = 0; p < P; ++p)
            lat_margin = std::max(lat_margin, sp.boundary_ns(s + 1, ga.cls, pa, v, p) - sp.boundary_ns(s + 1, gb.cls, pb, v, p));
          acc_margin = std::max(acc_margin, acc.step(s + 1, gb.cls, v) - acc.step(s + 1, ga.cls, v));
        }
      }
    std::vector<std::size_t> idx;
    for (std::size_t g : groups)
      for (std::size_t i = layer.groups[g].begin; i < layer.groups[g].end; ++i) idx.push_back(i);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      const Node &x = layer.nodes[a], &y = layer.nodes[b];
      return x.lat != y.lat ? x.lat < y.lat : a < b;
    });
    DominanceIndex index(activation_levels(idx, [&](std::size_t i) { return layer.nodes[i].act; }));
    std::size_t ready = 0;  // idx[0, ready) are decided and, if kept, inserted
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const Node& b = layer.nodes[idx[k]];
      // Insert decided nodes A with A.lat + lat_margin <= b.lat (only nodes before k are decided).
      while (ready < k && layer.nodes[idx[ready]].lat + lat_margin <= b.lat) {
        const Node& a = layer.nodes[idx[ready]];
        if (!drop[idx[ready]]) index.insert(a.act, a.w, a.acc - acc_margin);
        ++ready;
      }
      if (index.covers(b.act, b.w, b.acc)) {
        drop[idx[k]] = true;
        any_dropped = true;
      }
    }
  }
  if (!any_dropped) return;
  Layer out;
  for (const Group& g : layer.groups) {
    Group ng = g;
    ng.begin = out.nodes.size();
    for (std::size_t i = g.begin; i < g.end; ++i)
      if (!drop[i]) out.nodes.push_back(layer.nodes[i]);
    ng.end = out.nodes.size();
    if (ng.end > ng.begin) out.groups.push_back(ng);
  }
  layer = std::move(out);
}

}  // namespace

std::vector<std::size_t> pareto_indices(const std::vector<Objectives>& pts) {
  std::vector<std::size_t> order(pts.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto &x = pts[a], &y = pts[b];
    if (x.latency_ns != y.latency_ns) return x.latency_ns < y.latency_ns;
    if (x.memory_bytes != y.memory_bytes) return x.memory_bytes < y.memory_bytes;
    if (x.accuracy != y.accuracy) return x.accuracy > y.accuracy;
    return a < b;
  });
  std::vector<std::int64_t> mems;
  for (const auto& p : pts) mems.push_back(p.memory_bytes);
  std::sort(mems.begin(), mems.end());
  mems.erase(std::unique(mems.begin(), mems.end()), mems.end());
  std::vector<double> storage(mems.size() + 1);
  MaxFenwick tree(storage.data(), mems.size());
  std::vector<std::size_t> kept;
  for (std::size_t i : order) {
    std::size_t r = static_cast<std::size_t>(std::lower_bound(mems.begin(), mems.end(), pts[i].memory_bytes) - mems.begin());
    if (tree.query(r) >= pts[i].accuracy) continue;
    kept.push_back(i);
    tree.update(r, pts[i].accuracy);
  }
  return kept;
}

std::vector<FrontierPoint> exact_frontier(const StitchSpace& sp, const AccuracyModel& acc,
                                          const MeasuredAccuracy& meas, FrontierStats* stats_out) {
  FrontierStats stats;
  const PlacementAutomaton au(sp.placement, sp.processors);
  const std::vector<int> cls = boundary_classes(sp, acc);
  std::vector<Layer> layers;
  Layer root;
  root.nodes.push_back(Node{acc.base, 0, 0, 0, 0, 0, 0});
  root.groups.push_back(Group{make_key(0, PlacementAutomaton::kStart, 0), 0, PlacementAutomaton::kStart, 0, 0, 1});
  for (int s = 0; s < sp.subgraphs; ++s) layers.push_back(advance(sp, au, acc, meas, cls, s, s ? layers.back() : root, stats));

  // Measured tuples take their measured accuracy; then the strict frontier over all groups.
  Layer& last = layers.back();
  std::vector<Objectives> obj;
  std::vector<bool> measured;
  obj.reserve(last.nodes.size());
  for (const auto& g : last.groups) {
    for (std::size_t i = g.begin; i < g.end; ++i) {
      const Node& n = last.nodes[i];
      bool m = g.trie != MeasuredAccuracy::kOff;
      obj.push_back(Objectives{m ? meas.value(g.trie) : n.acc, n.lat, n.w + n.act});
      measured.push_back(m);
    }
  }
  std::vector<FrontierPoint> out;
  for (std::size_t i : pareto_indices(obj)) {
    FrontierPoint fp;
    fp.accuracy = obj[i].accuracy;
    fp.latency_ns = obj[i].latency_ns;
    fp.memory_bytes = obj[i].memory_bytes;
    fp.measured = measured[i];
    fp.variants.resize(static_cast<std::size_t>(sp.subgraphs));
    fp.processors.resize(static_cast<std::size_t>(sp.subgraphs));
    std::size_t idx = i;
    for (int s = sp.subgraphs - 1; s >= 0; --s) {
      const Node& n = layers[static_cast<std::size_t>(s)].nodes[idx];
      fp.variants[static_cast<std::size_t>(s)] = n.v;
      fp.processors[static_cast<std::size_t>(s)] = n.p;
      idx = n.parent;
    }
    out.push_back(std::move(fp));
  }
  if (stats_out) *stats_out = stats;
  return out;
}

std::vector<FrontierPoint> brute_force_frontier(const StitchSpace& sp, const AccuracyModel& acc,
                                                const MeasuredAccuracy& meas) {
  const PlacementAutomaton au(sp.placement, sp.processors);
  std::vector<Objectives> obj;
  std::vector<bool> measured;
  std::vector<int> tuples;  // [i * 2S]: variants then processors
  auto visit = [&](const Evaluated& e) {
    obj.push_back(Objectives{e.accuracy, e.latency_ns, e.memory_bytes});
    measured.push_back(e.measured);
    tuples.insert(tuples.end(), e.variants, e.variants + sp.subgraphs);
    tuples.insert(tuples.end(), e.processors, e.processors + sp.subgraphs);
  };
  enumerate(sp, au, acc, meas, visit, 0, sp.variants);
  std::vector<FrontierPoint> out;
  const std::size_t S = static_cast<std::size_t>(sp.subgraphs);
  for (std::size_t i : pareto_indices(obj)) {
    FrontierPoint fp;
    fp.accuracy = obj[i].accuracy;
    fp.latency_ns = obj[i].latency_ns;
    fp.memory_bytes = obj[i].memory_bytes;
    fp.measured = measured[i];
    fp.variants.assign(tuples.begin() + static_cast<std::ptrdiff_t>(i * 2 * S), tuples.begin() + static_cast<std::ptrdiff_t>(i * 2 * S + S));
    fp.processors.assign(tuples.begin() + static_cast<std::ptrdiff_t>(i * 2 * S + S), tuples.begin() + static_cast<std::ptrdiff_t>(i * 2 * S + 2 * S));
    out.push_back(std::move(fp));
  }
  return out;
}

}  // namespace stitching
