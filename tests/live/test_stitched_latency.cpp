// End-to-end latency of stitched combinations measured live: the seeded sample is distinct,
// reproducible and capped at the space, and every entry is a plausible measurement. Tiny model
// and few repeats: timing values are not asserted (shared machine), only structure.
#include <gtest/gtest.h>

#include <set>

#include "experiments/live/stitched_latency.h"
#include "experiments/live/zoo.h"

namespace {

sim::Json zoo_json(int samples) {
  sim::Json j = sim::Json::parse(R"({
    "seed": 5,
    "processors": [{"name": "cpu0", "cores": [0]}, {"name": "cpu1", "cores": [0]}],
    "measure": {"warmup": 1, "repeats": 3, "batch": 1, "cold_repeats": 0},
    "accuracy": {"samples": 4},
    "variants": [{"name": "dense_fp32"}, {"name": "dense_int8", "precision": "int8"},
                 {"name": "u80", "pruning": "unstructured", "sparsity": 0.8}],
    "models": [{"name": "enc", "kind": "transformer", "subgraphs": 2,
                "size": {"tokens": 4, "input_dim": 8, "dim": 16, "heads": 2, "ffn_dim": 16, "layers": 2, "classes": 4}}]})");
  j["models"][0]["stitched_latency"] = {{"samples", samples}, {"warmup", 1}, {"repeats", 3}};
  return j;
}

std::vector<hw::StitchedLatency> measure(int samples) {
  live::ZooConfig cfg = live::read_zoo_config(sim::ConfigNode(zoo_json(samples), "zoo.json"), ".");
  live::Zoo zoo(cfg);
  return live::measure_stitched_latency(zoo.models()[0], zoo.config());
}

}  // namespace

TEST(LiveStitchedLatency, SeededDistinctSampleWithMeasuredMedians) {
  auto a = measure(7), b = measure(7);
  ASSERT_EQ(a.size(), 7u);
  std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].variants, b[i].variants);  // same seed, same combinations, same order
    EXPECT_EQ(a[i].processors, b[i].processors);
    EXPECT_TRUE(seen.insert({a[i].variants, a[i].processors}).second);
    ASSERT_EQ(a[i].samples_ms.size(), 3u);
    EXPECT_GT(a[i].median_ms, 0);
    EXPECT_GT(a[i].measure_s, 0);
    EXPECT_EQ(a[i].provenance.kind, "measured");
    for (int q : a[i].processors) EXPECT_TRUE(q == 0 || q == 1);
  }
  // 3 variants ^ 2 subgraphs x 2 processors ^ 2 = 36 combinations: a larger sample takes them all.
  EXPECT_EQ(measure(1000).size(), 36u);
}

TEST(LiveStitchedLatency, BadConfigNamesThePath) {
  sim::Json j = zoo_json(3);
  j["models"][0]["stitched_latency"]["samples"] = -1;
  try {
    live::read_zoo_config(sim::ConfigNode(j, "zoo.json"), ".");
    FAIL() << "accepted a negative sample count";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("stitched_latency.samples"), std::string::npos) << e.what();
  }
}
