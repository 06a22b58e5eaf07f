// Profile tables: what was measured (or derived, or estimated) about models on processors.
//
// One profile covers a set of processors (by name, with their kind) and a set of models. Each
// model has a zoo of variants (dense, pruned, quantized) and is cut into `subgraph_count`
// layer-aligned subgraphs shared by every variant. Per (variant, subgraph) the profile holds
// memory and load cost; per (variant, subgraph, processor) a latency distribution. A missing
// latency entry means that processor cannot run that subgraph of that variant.
//
// Optional detail (machine-made profiles): the model's layer list with per-layer MACs and bytes
// and the subgraph cuts as layer indices; whole-model latency per (variant, processor), which the
// per-subgraph entries split exactly; per-layer execution and load times (layer-wise execution);
// boundary costs; and measured accuracy of stitched variants.
//
// Two file forms, one reader: JSON (hand-written, small) and HDF5 (machine-made). The HDF5 form
// is the same document tree stored as groups, attributes and column datasets (profile_h5.h), so
// both forms go through the same validation and read to equal Profile values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/instance_id.h"

namespace hw {

// Where a number came from. kind is "measured", "derived" (method says how), "estimated", or "not
// applicable" (the quantity has no meaning for the source, e.g. accuracy of EdgeCaffe's timing-only networks).
struct Provenance {
  std::string kind = "estimated";
  std::string source;  // e.g. "ncnn benchmark @ a4d2ea1d", or "illustrative"
  std::string method;  // for derived values
  std::string commit;  // source revision the value was read from
  std::string path;    // file (and row) inside the source
  bool operator==(const Provenance&) const = default;
};

struct LatencyDist {
  double mean_ms = 0;
  double stddev_ms = 0;
  double min_ms = 0;  // 0 and max_ms 0 mean "unbounded" when read from a file without them
  double max_ms = 0;
  std::vector<double> samples_ms;  // when present, latency is drawn from these
  Provenance provenance;
  std::int64_t count = 0;  // measurements behind mean/min/max (0: unknown); samples_ms.size() when sampled
  // Mean latency when the unit starts after a long idle time, its weights no longer cached
  // (0: not measured). Cache models (cache_model.h) interpolate between mean_ms and this.
  double cold_mean_ms = 0;
  bool operator==(const LatencyDist&) const = default;
};

struct ZooVariant {
  std::string name;
  std::string precision = "fp32";  // fp32, fp16, int8
  std::string pruning = "none";    // none, structured, unstructured
  double sparsity = 0;             // share of weights removed, 0..1
  double accuracy = 0;             // task metric, 0..1
  Provenance accuracy_provenance;
  // Layer index where each subgraph starts, plus the layer count (S+1 entries), when this variant
  // was cut on its own; empty means the model's cuts. `profile check` reports any that differ.
  std::vector<int> subgraph_cuts;
  bool operator==(const ZooVariant&) const = default;
};

struct UnitMemory {
  std::int64_t weights_bytes = 0;
  std::int64_t activation_bytes = 0;  // peak transient memory while executing
  double load_ms = -1;                // < 0: derive from the platform's load bandwidth
  double compile_ms = -1;             // one-time preparation (e.g. NPU graph compile); < 0: unknown
  Provenance provenance;
  bool operator==(const UnitMemory&) const = default;
};

// One layer of the base model (dense fp32 numbers; variants scale them).
struct Layer {
  std::string name;
  std::string kind;                   // the framework's layer type, e.g. "Convolution"
  std::int64_t macs = 0;              // multiply-accumulates per inference
  std::int64_t weight_bytes = 0;      // fp32 parameters
  std::int64_t activation_bytes = 0;  // fp32 output tensor(s)
  Provenance provenance;
  bool operator==(const Layer&) const = default;
};

// Whole-model numbers for one (variant, processor): the total the subgraph entries split.
struct ModelRun {
  LatencyDist latency;
  std::int64_t peak_memory_bytes = -1;  // < 0: unknown
  Provenance memory_provenance;
  bool operator==(const ModelRun&) const = default;
};

// A cost at a subgraph boundary: kind "precision" (from/to are precisions, e.g. fp32 -> int8,
// on processor `processor`) or "handoff" (from/to are processor names). The cost is
// fixed_ms + ms_per_mb * (boundary activation megabytes).
struct BoundaryCost {
  std::string kind;
  std::string from, to;
  std::string processor;  // precision changes only
  double fixed_ms = 0;
  double ms_per_mb = 0;
  Provenance provenance;
  bool operator==(const BoundaryCost&) const = default;
};

// Measured (or estimated) accuracy of one stitched variant: variants[s] is the zoo variant whose
// subgraph s is used. The zoo variants themselves are the diagonal (all entries equal).
struct StitchedAccuracy {
  std::vector<int> variants;
  double accuracy = 0;
  Provenance provenance;
  bool operator==(const StitchedAccuracy&) const = default;
};

struct ModelProfile {
  std::string name;
  int subgraph_count = 1;
  std::vector<ZooVariant> variants;
  std::vector<UnitMemory> memory;                  // [variant * S + subgraph]
  std::vector<std::optional<LatencyDist>> latency;  // [(variant * S + subgraph) * P + processor]
  std::vector<StitchedAccuracy> stitched_accuracy;  // optional samples beyond the zoo diagonal
  std::string notes;  // substitutions and other caveats, for humans

  // Optional layer detail. subgraph_cuts has S+1 entries: subgraph s is layers
  // [subgraph_cuts[s], subgraph_cuts[s+1]). Empty when the profile has no layer list.
  std::vector<Layer> layers;
  std::vector<int> subgraph_cuts;
  std::vector<std::optional<ModelRun>> runs;              // [variant * P + processor], or empty
  std::vector<std::optional<LatencyDist>> layer_latency;  // [(variant * L + layer) * P + processor], or empty
  std::vector<std::optional<LatencyDist>> layer_load;     // [variant * L + layer], or empty

  bool operator==(const ModelProfile& o) const;
  int find_variant(const std::string& name) const;
  int find_layer(const std::string& name) const;
  const UnitMemory& unit_memory(int variant, int subgraph) const {
    return memory[static_cast<std::size_t>(variant * subgraph_count + subgraph)];
  }
};

struct Profile {
  std::string file;  // where it was read from, for messages
  std::string description;
  bool illustrative = false;
  std::vector<std::string> processors;  // names, in the order latency tables are indexed
  std::vector<std::string> processor_kinds;  // parallel to processors: CPU, GPU, NPU, DSP or "" (unknown)
  std::string platform;  // the SoC or board measured, e.g. "Snapdragon 8 Gen 2 (SM8550)"
  std::string license;   // where the sources' license notices are, e.g. "see NOTICE next to this file"
  std::vector<ModelProfile> models;
  std::vector<BoundaryCost> boundary_costs;
  // Identifies this object for caches of derived data (the planners' candidate sets); not part
  // of the content (operator== ignores it; a copy gets its own).
  sim::InstanceId instance;

  int find_model(const std::string& name) const;
  int find_processor(const std::string& name) const;
  const LatencyDist* latency(int model, int variant, int subgraph, int processor) const {
    const auto& m = models[static_cast<std::size_t>(model)];
    const auto& e = m.latency[static_cast<std::size_t>((variant * m.subgraph_count + subgraph) *
                                                       static_cast<int>(processors.size()) + processor)];
    return e ? &*e : nullptr;
  }
  const ModelRun* run(int model, int variant, int processor) const {
    const auto& m = models[static_cast<std::size_t>(model)];
    if (m.runs.empty()) return nullptr;
    const auto& e = m.runs[static_cast<std::size_t>(variant * static_cast<int>(processors.size()) + processor)];
    return e ? &*e : nullptr;
  }
  // Equal content; `file` (where it was read from) is not compared.
  bool operator==(const Profile& o) const;
};

// Conversion cost in ms entering subgraph `s` (s >= 1) of `model` when the precision changes
// from `from` to `to` and the receiving subgraph runs on `processor`: the profile's boundary cost
// of kind "precision" for that pair (an entry without a processor applies to all), fixed_ms +
// ms_per_mb * MB crossing the boundary (the output of the last layer before it, when the profile
// has layers; else 0). Returns -1 when the profile has no such entry. The simulator and the
// explorer both use this, so their latencies agree.
double precision_change_ms(const Profile& profile, int model, int s, const std::string& from, const std::string& to,
                           const std::string& processor);

// Reads the JSON form. Every problem (missing key, negative or NaN value, unknown processor or
// variant, subgraph out of range, duplicate entry) is a ConfigError naming file and JSON path.
Profile read_profile_json(const std::string& file);
Profile read_profile_json(const sim::ConfigNode& root);
// Same, but collects problems found inside entries into `problems` and goes on (a problem that
// leaves nothing sensible to read still throws). For `stitchsim profile check`.
Profile read_profile_json(const sim::ConfigNode& root, std::vector<sim::ConfigError>& problems);

// The document tree of either form, by extension (.json or .h5), before validation.
sim::Json read_profile_document(const std::string& file);
// Reads either form, by extension: .json or .h5 (anything else is a ConfigError).
Profile read_profile(const std::string& file);
// Reads the HDF5 form (see profile_h5.h for the layout).
Profile read_profile_h5(const std::string& file);

// The JSON document of a profile (what write_profile_json writes; read_profile_json(to_json(p))
// gives back p). Keys are sorted, numbers round-trip exactly.
sim::Json to_json(const Profile& profile);
void write_profile_json(const Profile& profile, const std::string& file);
void write_profile_h5(const Profile& profile, const std::string& file);

}  // namespace hw
