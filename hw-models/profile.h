// Profile tables: what was measured (or derived, or estimated) about models on processors.
//
// One profile covers a set of processors (by name) and a set of models. Each model has a zoo of
// variants (dense, pruned, quantized) and is cut into `subgraph_count` layer-aligned subgraphs
// shared by every variant. Per (variant, subgraph) the profile holds memory and load cost; per
// (variant, subgraph, processor) a latency distribution. A missing latency entry means that
// processor cannot run that subgraph of that variant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.h"

namespace hw {

// Where a number came from. kind is "measured", "derived" (method says how) or "estimated".
struct Provenance {
  std::string kind = "estimated";
  std::string source;  // e.g. "ncnn benchmark @ a4d2ea1d", or "illustrative"
  std::string method;  // for derived values
};

struct LatencyDist {
  double mean_ms = 0;
  double stddev_ms = 0;
  double min_ms = 0;  // 0 and max_ms 0 mean "unbounded" when read from a file without them
  double max_ms = 0;
  std::vector<double> samples_ms;  // when present, latency is drawn from these
  Provenance provenance;
};

struct ZooVariant {
  std::string name;
  std::string precision = "fp32";  // fp32, fp16, int8
  std::string pruning = "none";    // none, structured, unstructured
  double sparsity = 0;             // share of weights removed, 0..1
  double accuracy = 0;             // task metric, 0..1
};

struct UnitMemory {
  std::int64_t weights_bytes = 0;
  std::int64_t activation_bytes = 0;  // peak transient memory while executing
  double load_ms = -1;                // < 0: derive from the platform's load bandwidth
};

// Measured (or estimated) accuracy of one stitched variant: variants[s] is the zoo variant whose
// subgraph s is used. The zoo variants themselves are the diagonal (all entries equal).
struct StitchedAccuracy {
  std::vector<int> variants;
  double accuracy = 0;
  Provenance provenance;
};

struct ModelProfile {
  std::string name;
  int subgraph_count = 1;
  std::vector<ZooVariant> variants;
  std::vector<UnitMemory> memory;                  // [variant * S + subgraph]
  std::vector<std::optional<LatencyDist>> latency;  // [(variant * S + subgraph) * P + processor]
  std::vector<StitchedAccuracy> stitched_accuracy;  // optional samples beyond the zoo diagonal

  int find_variant(const std::string& name) const;
  const UnitMemory& unit_memory(int variant, int subgraph) const {
    return memory[static_cast<std::size_t>(variant * subgraph_count + subgraph)];
  }
};

struct Profile {
  std::string file;  // where it was read from, for messages
  std::string description;
  bool illustrative = false;
  std::vector<std::string> processors;  // names, in the order latency tables are indexed
  std::vector<ModelProfile> models;

  int find_model(const std::string& name) const;
  int find_processor(const std::string& name) const;
  const LatencyDist* latency(int model, int variant, int subgraph, int processor) const {
    const auto& m = models[static_cast<std::size_t>(model)];
    const auto& e = m.latency[static_cast<std::size_t>((variant * m.subgraph_count + subgraph) *
                                                       static_cast<int>(processors.size()) + processor)];
    return e ? &*e : nullptr;
  }
};

// Reads the JSON form. Every problem (missing key, negative or NaN value, unknown processor or
// variant, subgraph out of range, duplicate entry) is a ConfigError naming file and JSON path.
Profile read_profile_json(const std::string& file);
Profile read_profile_json(const sim::ConfigNode& root);

}  // namespace hw
