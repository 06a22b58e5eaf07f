// The MTS stitcher and the NETFUSE baseline on hand-made graphs with hand-worked structure and
// memory: shared prefix, shared middle, no sharing, one task, heads of different shapes; the
// structural equivalence check, including that it catches a tampered merge.
#include <gtest/gtest.h>

#include <map>

#include "hw-models/graphs/family.h"
#include "hw-models/graphs/stitch.h"

using namespace graphs;

namespace {

// input [1, 8] -> A linear 8->8 -> B linear 8->8 -> C linear 8->head -> out.
// Linear 8->8: 64 + 8 = 72 params = 288 bytes; 8->4: 36 params = 144 bytes.
Graph chain(BlockId a, BlockId b, BlockId c, int head = 4) {
  Graph g;
  Op in{.name = "in", .kind = OpKind::kInput, .out = Shape{1, 1, 1, 8}};
  Node x = add_op(g, in);
  x = add_op(g, Op{.name = "A", .kind = OpKind::kLinear, .out = Shape{1, 1, 1, 8}, .block = a}, {x});
  x = add_op(g, Op{.name = "B", .kind = OpKind::kLinear, .out = Shape{1, 1, 1, 8}, .block = b}, {x});
  x = add_op(g, Op{.name = "C", .kind = OpKind::kLinear, .out = Shape{1, 1, 1, head}, .block = c}, {x});
  add_op(g, Op{.name = "out", .kind = OpKind::kOutput, .out = Shape{1, 1, 1, head}}, {x});
  return g;
}

std::map<OpKind, int> kinds(const Graph& g) {
  std::map<OpKind, int> k;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) ++k[g[*v].kind];
  return k;
}

const Op* find_op(const Graph& g, const std::string& name) {
  for (auto [v, end] = boost::vertices(g); v != end; ++v)
    if (g[*v].name == name) return &g[*v];
  return nullptr;
}

}  // namespace

TEST(Stitch, SharedPrefixRunsOnceOnBatchedInputs) {
  Graph t0 = chain(0, 1, 10), t1 = chain(0, 1, 11);
  Merged m = stitch({&t0, &t1}, {0, 1});
  EXPECT_TRUE(check_equivalence({&t0, &t1}, m).empty());
  // 2 inputs, 1 batch concat, A and B plain (shared), C grouped, 2 splits, 2 outputs.
  EXPECT_EQ(boost::num_vertices(m.graph), 10u);
  auto k = kinds(m.graph);
  EXPECT_EQ(k[OpKind::kInput], 2);
  EXPECT_EQ(k[OpKind::kBatchConcat], 1);
  EXPECT_EQ(k[OpKind::kLinear], 3);
  EXPECT_EQ(k[OpKind::kBatchSplit], 2);
  EXPECT_EQ(k[OpKind::kOutput], 2);
  const Op* a = find_op(m.graph, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->instances, 1);
  EXPECT_EQ(a->block, 0);
  EXPECT_EQ(a->out.n, 2);
  const Op* c = find_op(m.graph, "C");
  EXPECT_EQ(c->instances, 2);
  EXPECT_EQ(c->instance_blocks, (std::vector<BlockId>{10, 11}));
  // Weights: A and B once (288 each), C twice (144 each) = 864.
  // Activations (fp32): in0 32 + in1 32 + concat 64 = 128 at the concat, then 64 + 64 at A, B.
  EXPECT_EQ(memory_of(m.graph).weights, 864);
  EXPECT_EQ(memory_of(m.graph).activations, 128);
  // FLOPs: A and B 2*8*8 per sample, C 2*8*4 per sample, two samples each = 640.
  EXPECT_EQ(totals(m.graph).flops, 2 * (128 + 128 + 64));
}

TEST(Stitch, NetfuseDuplicatesSharedWeights) {
  Graph t0 = chain(0, 1, 10), t1 = chain(0, 1, 11), t2 = chain(0, 1, 12);
  Merged n = netfuse({&t0, &t1, &t2}, {0, 1, 2});
  EXPECT_TRUE(check_equivalence({&t0, &t1, &t2}, n).empty());
  // Every weighted position grouped: N x shared (576) + specific (144 each) = 3 * 576 + 3 * 144.
  EXPECT_EQ(memory_of(n.graph).weights, 3 * 576 + 3 * 144);
  EXPECT_EQ(find_op(n.graph, "A")->instances, 3);
  Merged m = stitch({&t0, &t1, &t2}, {0, 1, 2});
  EXPECT_EQ(memory_of(m.graph).weights, 576 + 3 * 144);
  // Separately loaded models: 3 x 720 weights either way.
  EXPECT_EQ(separate_memory({&t0, &t1, &t2}, false).weights, 3 * 720);
}

TEST(Stitch, SharedMiddleBetweenGroupedOps) {
  Graph t0 = chain(10, 1, 20), t1 = chain(11, 1, 21);
  Merged m = stitch({&t0, &t1}, {4, 7});
  EXPECT_TRUE(check_equivalence({&t0, &t1}, m).empty());
  EXPECT_EQ(boost::num_vertices(m.graph), 10u);
  EXPECT_EQ(find_op(m.graph, "A")->instance_blocks, (std::vector<BlockId>{10, 11}));
  EXPECT_EQ(find_op(m.graph, "B")->instances, 1);
  EXPECT_EQ(find_op(m.graph, "B")->tasks, (std::vector<int>{4, 7}));
  EXPECT_EQ(memory_of(m.graph).weights, 2 * 288 + 288 + 2 * 144);
}

TEST(Stitch, NoSharingEqualsNetfuseMemory) {
  Graph t0 = chain(0, 1, 2), t1 = chain(3, 4, 5);
  Merged m = stitch({&t0, &t1}, {0, 1});
  Merged n = netfuse({&t0, &t1}, {0, 1});
  EXPECT_TRUE(check_equivalence({&t0, &t1}, m).empty());
  EXPECT_EQ(memory_of(m.graph).weights, memory_of(n.graph).weights);
  EXPECT_EQ(memory_of(m.graph).weights, 2 * 720);
  EXPECT_EQ(kinds(m.graph)[OpKind::kLinear], 3);  // three grouped ops
}

TEST(Stitch, OneTaskIsTheOriginalGraph) {
  Graph t0 = chain(0, 1, 2);
  Merged m = stitch({&t0}, {3});
  EXPECT_TRUE(check_equivalence({&t0}, m).empty());
  EXPECT_EQ(boost::num_vertices(m.graph), 5u);
  EXPECT_EQ(kinds(m.graph)[OpKind::kBatchConcat], 0);
  EXPECT_EQ(kinds(m.graph)[OpKind::kBatchSplit], 0);
  EXPECT_EQ(memory_of(m.graph).weights, memory_of(t0).weights);
  EXPECT_EQ(memory_of(m.graph).activations, memory_of(t0).activations);
}

TEST(Stitch, HeadsOfDifferentShapeRunPerTask) {
  Graph t0 = chain(0, 1, 10, 4), t1 = chain(0, 1, 11, 6);
  Merged m = stitch({&t0, &t1}, {0, 1});
  EXPECT_TRUE(check_equivalence({&t0, &t1}, m).empty());
  // 2 inputs, concat, A, B, 2 splits, 2 heads, 2 outputs.
  EXPECT_EQ(boost::num_vertices(m.graph), 11u);
  EXPECT_EQ(kinds(m.graph)[OpKind::kLinear], 4);
  EXPECT_EQ(kinds(m.graph)[OpKind::kBatchSplit], 2);
}

TEST(Stitch, EquivalenceCheckCatchesATamperedMerge) {
  Graph t0 = chain(0, 1, 10), t1 = chain(0, 1, 11);
  Merged m = stitch({&t0, &t1}, {0, 1});
  for (auto [v, end] = boost::vertices(m.graph); v != end; ++v)
    if (m.graph[*v].name == "C") std::swap(m.graph[*v].instance_blocks[0], m.graph[*v].instance_blocks[1]);
  auto bad = check_equivalence({&t0, &t1}, m);
  ASSERT_EQ(bad.size(), 2u);  // both tasks read the other's head
  EXPECT_NE(bad[0].find("reads block 11 instead of 10"), std::string::npos) << bad[0];
}

TEST(Stitch, DifferentArchitecturesAreRejected) {
  Graph t0 = chain(0, 1, 2);
  Graph t1;
  add_op(t1, Op{.name = "in", .kind = OpKind::kInput, .out = Shape{1, 1, 1, 8}});
  EXPECT_THROW(stitch({&t0, &t1}, {0, 1}), std::invalid_argument);
}

TEST(Family, MtzFamilySharesBanksAndStitchesEquivalently) {
  FamilySpec spec;
  spec.arch = mlp_architecture(3, 16, 32, 1);
  spec.tasks = 4;
  spec.rho = {0.75};
  Family f = make_family(spec);
  ASSERT_EQ(f.tasks.size(), 4u);
  std::vector<const Graph*> gs;
  std::vector<int> ids;
  for (int t = 0; t < 4; ++t) gs.push_back(&f.tasks[static_cast<std::size_t>(t)]), ids.push_back(t);
  Merged m = stitch(gs, ids);
  EXPECT_TRUE(check_equivalence(gs, m).empty());
  // Per layer: shared 24 channels, own 8. Layer 0: shared 16*24+24 = 408, own 16*8+8 = 136;
  // layers 1, 2: shared 32*24+24 = 792, own 32*8+8 = 264; bn 64 per layer and task; head 32*10+10 = 330.
  std::int64_t shared = 408 + 2 * 792, own = 136 + 2 * 264 + 3 * 64 + 330;
  EXPECT_EQ(memory_of(m.graph).weights, 4 * (shared + 4 * own));
  EXPECT_EQ(memory_of(netfuse(gs, ids).graph).weights, 4 * (4 * shared + 4 * own));
  EXPECT_EQ(f.block_names.size(), 3u + 4u * (3 + 3 + 1));
  EXPECT_THROW(make_family(FamilySpec{.arch = spec.arch, .tasks = 2, .rho = {1.5}}), std::invalid_argument);
}
