// A live model zoo: the config that `profile run` measures and `validate` executes.
//
// Config (JSON; every problem is a ConfigError naming file and path):
//   {"description": "...", "seed": 1,
//    "processors": [{"name": "cpu0", "cores": [0]}, {"name": "cpu1", "cores": [1]}],
//    "measure": {"warmup": 5, "repeats": 30, "batch": 1, "max_seconds_per_unit": 2, "realtime": false,
//                "cold_repeats": 5, "cold_gap_ms": 30, "reuse_gaps_ms": [0.5, 1, 2, 5, 10, 20],
//                "reuse_repeats": 8, "runtime_repeats": 100},
//    "accuracy": {"samples": 64},
//    "variants": [{"name": "dense_fp32", "precision": "fp32", "pruning": "none", "sparsity": 0}, ...],
//    "models": [{"name": "resnet_s", "kind": "resnet", "subgraphs": 3, "size": {...}},
//               {"name": "transformer_s", "kind": "transformer", "subgraphs": 3, "size": {...}},
//               {"name": "digits_mlp", "kind": "mlp", "weights": "data/digits_mlp.json", "subgraphs": 3,
//                "stitched_accuracy": "all",
//                "stitched_latency": {"samples": 120, "warmup": 3, "repeats": 15}}]}
// A model may list its own "variants"; otherwise it gets the top-level list. Relative paths
// resolve against the config's directory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "experiments/live/model.h"
#include "sim/config.h"

namespace live {

struct ProcessorSpec {
  std::string name;
  std::vector<int> cores;  // logical CPUs the processor's threads are pinned to
};

struct ZooModelSpec {
  std::string name, kind;
  int subgraphs = 3;
  ResnetSize resnet;
  TransformerSize transformer;
  std::string weights_file;     // kind "mlp"
  std::vector<VariantSpec> variants;
  bool stitched_accuracy = false;  // measure every stitched variant's accuracy
  // End-to-end latency of a seeded sample of stitched combinations (stitched_latency.h);
  // samples = 0: none.
  struct StitchedLatencySpec {
    int samples = 0, warmup = 3, repeats = 15;
  } stitched_latency;
};

struct ZooConfig {
  std::string file;
  std::string description;
  std::uint64_t seed = 1;
  std::vector<ProcessorSpec> processors;
  int warmup = 5, repeats = 30, batch = 1;
  // Timed runs of one unit stop early once they took this long (at least 5 are kept), so a very
  // slow variant does not dominate the profiling time.
  double max_seconds_per_unit = 2.0;
  // Run processor threads (profiling and live) under SCHED_FIFO, so other processes of a shared
  // machine do not preempt them; needs root or CAP_SYS_NICE.
  bool realtime = false;
  // Cold latency per unit: `cold_repeats` runs, each after `cold_gap_ms` idle (0 repeats: skip,
  // and the reuse curve with it).
  int cold_repeats = 5;
  double cold_gap_ms = 30;
  // The machine's reuse curve (cache_model "reuse_curve"): idle times probed on reference units,
  // `reuse_repeats` runs per point. Runtime costs: samples per (from, to) hand-off pair.
  std::vector<double> reuse_gaps_ms = {0.5, 1, 2, 5, 10, 20};
  int reuse_repeats = 8;
  int runtime_repeats = 100;
  int accuracy_samples = 64;
  std::vector<ZooModelSpec> models;
  sim::Json resolved;
};

ZooConfig read_zoo_config(const std::string& file);
ZooConfig read_zoo_config(const sim::ConfigNode& root, const std::string& base_dir);

// The models of a zoo, built: every variant pruned and (int8) calibrated, plus the data to
// measure accuracy on. Building is deterministic in the config's seed.
struct ZooModel {
  ZooModelSpec spec;
  std::vector<Model> variants;   // parallel to spec.variants
  Dataset eval;                  // labelled test set (mlp) or random inputs (labels: -1)
  bool labelled = false;         // accuracy is against labels, else top-1 agreement with variant 0
};

class Zoo {
 public:
  explicit Zoo(const ZooConfig& config);
  const ZooConfig& config() const { return config_; }
  const std::vector<ZooModel>& models() const { return models_; }
  int find_model(const std::string& name) const;

 private:
  ZooConfig config_;
  std::vector<ZooModel> models_;
};

}  // namespace live
