// Converters from the public measurement data (../shared/data) to the project's own profiles
// (hw-models/profiles/). Every value gets a provenance: measured (a source row as published),
// derived (computed from measured values; the method names how and from which rows) or estimated
// (a stated assumption, no measurement behind it).
//
// How per-subgraph numbers are derived (see also hw-models/profiles/README.md):
// - per-layer MACs, weight and activation bytes come from ncnn .param layer lists (or, for models
//   no .param describes, from the architecture's hyperparameters in the same block structure);
// - a measured whole-model latency is split over layers by a roofline cost weight
//   max(MACs / peak, bytes / bandwidth) whose two parameters are fitted per processor to that
//   processor's measured rows, so the parts sum to the measured total;
// - a model measured only through a similar one takes that model's latency times the ratio of
//   their roofline costs on the same processor;
// - a missing precision takes the median measured ratio on the same processor over other models;
// - structured pruning scales MACs and weights by (1 - sparsity); unstructured sparsity does so
//   only on processors whose runtime has sparse kernels (a per-processor parameter).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hw-models/profile.h"
#include "hw-models/import/profile_sources.h"

namespace hw::import {

// What a converter did: rows used, rows rejected per reason, substitutions made.
struct Report {
  std::map<std::string, int> rejected;  // reason -> rows
  int accepted = 0;
  std::vector<std::string> substitutions;
  std::vector<std::string> notes;
};

// max(MACs / peak, bytes / bandwidth), in seconds, for one layer or a list.
struct Roofline {
  double macs_per_s = 1e11;
  double bytes_per_s = 1e10;
  double seconds(const Layer& l) const;
  double seconds(const std::vector<Layer>& layers) const;
};

// Fits a roofline to (layer list, measured ms) pairs by a log-spaced grid search minimising the
// squared log error. Needs at least two pairs.
Roofline fit_roofline(const std::vector<std::pair<const std::vector<Layer>*, double>>& measured_ms);

// Splits `total` in proportion to `weights` (all >= 0, not all 0); the last part takes the
// remainder, so the parts add up to `total`.
std::vector<double> split_exact(double total, const std::vector<double>& weights);

// S+1 cut points (layer indices) giving S contiguous parts of about equal cost, each non-empty.
std::vector<int> balanced_cuts(const std::vector<double>& layer_cost, int subgraphs);

// The sanity filter for one benchmark row: "" to keep it, or the reason to reject it.
// Rejects GPU rows of int8 models (ncnn runs them on the CPU) and rows implying more MACs per
// second than `peak_macs_per_s` (pass model_macs <= 0 when unknown).
std::string reject_reason(const sources::BenchRow& row, bool gpu, double model_macs, double peak_macs_per_s);

// ResNet-101 from ResNet-50's layer list: the res4 stage's identity block repeated to 22
// (torchvision/Caffe ResNet-101 has 3, 4, 23, 3 blocks).
std::vector<Layer> expand_resnet50_to_101(const std::vector<Layer>& resnet50);

// A transformer encoder's layers from its hyperparameters, in the block structure of ncnn's
// vision_transformer.param (LayerNorm, MultiHeadAttention, add, LayerNorm, Gemm, GELU, Gemm, add).
struct EncoderSpec {
  std::string stem;       // "patch", "text" or "audio"
  int tokens = 0;         // sequence length
  int width = 0;          // embedding width E
  int mlp = 0;            // hidden width of the MLP
  int depth = 0;          // blocks
  int classes = 0;        // head outputs (0: no head)
  int patch = 0;          // patch stem: patch size; image = input side
  int image = 0;
  int vocab = 0;          // text stem: vocabulary
  double audio_s = 0;     // audio stem: seconds of 16 kHz audio
};
std::vector<Layer> build_encoder(const EncoderSpec& spec, const Provenance& provenance);

// The converters. `data_dir` is the root of the shared data (holding public/ and
// accuracy-published.csv). Throw sim::ConfigError naming the file for unreadable input.
Profile import_sm8550(const std::string& data_dir, Report& report);
Profile import_rk3588(const std::string& data_dir, Report& report);
Profile import_edgecaffe(const std::string& data_dir, Report& report);
// Intel Core Ultra 7 165H CPU, iGPU and NPU from the OpenVINO 2024.3 benchmark table
// (profile_import_openvino.cpp).
Profile import_core_ultra(const std::string& data_dir, Report& report);

}  // namespace hw::import
