// Pieces shared by the SoC converters (profile_import.cpp, profile_import_openvino.cpp): the four
// default tasks' target models (layer lists and accuracy models), whole-model bases, and the
// per-subgraph derivation that turns them into a profile's models. See profile_import.h for how
// values are derived; this header only lets a second converter reuse the same derivation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hw-models/import/profile_import.h"
#include "hw-models/profile.h"

namespace hw::import::detail {

Provenance prov(std::string kind, std::string source, std::string commit, std::string path, std::string method = "");
// A number as the provenance texts print it (4 significant digits).
std::string num(double v);

// A whole-model latency for one (processor, precision).
struct Base {
  double mean_ms = 0, min_ms = 0, max_ms = 0;
  std::int64_t count = 0;
  Provenance provenance;
  std::int64_t peak_memory_bytes = -1;
  Provenance memory_provenance;
};

struct ProcSpec {
  std::string name, kind;
  double peak_macs_per_s;  // sanity filter bound (estimated from the chip's specification)
  bool sparse_kernels;     // the runtime speeds up unstructured sparsity
};

// Accuracy of a task's zoo, in [0, 1].
struct AccuracyModel {
  double dense = 0;
  Provenance dense_provenance;
  double int8_delta = 0;  // fraction, added for int8 variants
  std::string int8_method;
  std::vector<std::pair<double, double>> unstructured;  // (sparsity, delta) points, sorted
  std::string unstructured_method;
};

// One target model of the four default tasks: its layers, whole-model bases and accuracy.
struct Target {
  std::string name;
  std::vector<Layer> layers;
  std::string notes;
  std::map<std::pair<std::string, std::string>, Base> base;  // (processor, precision)
  AccuracyModel accuracy;
};

// A measured reference model: layers and the measured whole-model row.
struct Reference {
  const std::vector<Layer>* layers = nullptr;
  Base row;
  std::string model;  // as named by its source
};

struct NcnnModels {
  std::map<std::string, std::vector<Layer>> layers;  // by benchmark name
  std::map<std::string, double> macs;
};

// Every ncnn .param with shape hints under DATA/public/ncnn/params, with provenance per layer.
NcnnModels read_ncnn_params(const std::string& data_dir);

// The four default tasks' targets (resnet101, bert_base, vit_small, wav2vec2) with accuracy models
// and no bases yet; `lists` receives every layer list the converters measure through (targets and
// reference models: resnet50, vision_transformer, vit, clip_*, ...), keyed by name.
std::vector<Target> default_targets(const std::string& data_dir, const NcnnModels& ncnn,
                                    std::map<std::string, std::vector<Layer>>& lists, Report& report);

// The target's whole-model latency from a reference measured on the same processor: measured as
// is when it is the same model, else scaled by the roofline cost ratio.
Base from_reference(const Reference& ref, const std::vector<Layer>& target, const Roofline& roof, bool same_model,
                    const std::string& processor);

// The target's profile entry: the ten-variant zoo, S = 3 cuts balanced on the roofline of
// processor `cpu_index`, each base split over subgraphs by that processor's roofline.
ModelProfile build_model(const Target& t, const std::vector<ProcSpec>& procs, const std::vector<Roofline>& roofs,
                         int cpu_index);

// Fills the profile's processors and models (targets sorted by name, cut on processor 0's
// roofline) and the estimated boundary costs every SoC converter uses: a 0.15 ms precision
// reorder per processor, hand-offs of 0.2 ms (0.3 ms to or from the NPU) plus 0.05 ms/MB,
// explained by `handoff_method`.
void add_models_and_boundaries(Profile& p, std::vector<Target>& targets, const std::vector<ProcSpec>& procs,
                               const std::vector<Roofline>& roofs, const std::string& handoff_method);

}  // namespace hw::import::detail
