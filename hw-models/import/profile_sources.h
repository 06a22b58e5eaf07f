// Readers for the public measurement sources the profile converters use (../shared/data):
// ncnn .param layer lists and benchmark README, ai-hub-models YAML, the rknn_model_zoo README
// table, the published-accuracy CSV and EdgeCaffe layer profiles. Each reader keeps where a value
// came from (file and line) so converters can write a provenance per value. Malformed input is a
// sim::ConfigError naming the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw-models/profile.h"
#include "sim/config.h"

namespace hw::sources {

// One ncnn layer with costs computed from its parameters and shape hints (-23330): MACs of
// (depthwise) convolutions = weight count x output pixels, of InnerProduct = weight count;
// weight bytes = 4 x (weights + bias); activation bytes = 4 x output elements (Split: 0, it
// aliases its input). Layers without shape hints get activation bytes 0 and conv MACs 0.
struct NcnnLayer {
  Layer layer;
  std::int64_t weight_count = 0;  // weight_data_size (6= conv, 2= InnerProduct, 4 x 2= attention, N x K Gemm)
  int line = 0;
};
std::vector<NcnnLayer> read_ncnn_param(const std::string& file);

// One benchmark result row: a model's min/max/avg latency in one benchncnn run.
struct BenchRow {
  std::string section;  // the "### ..." device heading
  std::string model;
  int threads = 0, powersave = 0, gpu_device = -1, loop_count = 0;
  double min_ms = 0, max_ms = 0, avg_ms = 0;
  int line = 0;
};
// Every row of the sections whose heading contains `section_key`.
std::vector<BenchRow> read_ncnn_benchmark(const std::string& file, const std::string& section_key);

// A YAML file (yaml-cpp) as JSON with every scalar a string; a syntax error is a ConfigError
// naming the file and line.
sim::Json read_yaml(const std::string& file);
// Parses a YAML scalar that must be a number; ConfigError naming file and key path otherwise.
double yaml_number(const sim::Json& value, const std::string& file, const std::string& path);

// One row of accuracy-published.csv.
struct AccuracyRow {
  std::string model, task, metric, variant, precision, sparsity_kind, source;
  double sparsity = 0, value = 0;
  int line = 0;
  // The dense baseline the row compares against when its source names one, e.g. "(dense 76.15)",
  // "(dense baseline 76.8)" or "(TF dense 76.45)"; < 0 when it names none.
  double stated_baseline = -1;
};
std::vector<AccuracyRow> read_accuracy_csv(const std::string& file);

// One row of the rknn_model_zoo README benchmark table for one platform column.
struct RknnRow {
  std::string model, dtype;
  double fps = -1;  // frames per second, or
  double rtf = -1;  // real-time factor (speech models)
  int line = 0;
};
std::vector<RknnRow> read_rknn_readme(const std::string& file, const std::string& platform_column);

// EdgeCaffe: per-layer load and execution samples (ns) from layer-profiles/*.csv.
struct EdgeCaffeSample {
  std::string network, layer;
  int layer_id = 0;
  double load_ns = 0, exec_ns = 0;
};
std::vector<EdgeCaffeSample> read_edgecaffe_csv(const std::string& file);

// One row of Intel's OpenVINO benchmark table (OV-benchmark-data-*.csv): a whole model on one
// platform in one release. Empty cells are < 0. Units come from the block's `begin_rec` row
// (FPS and msec. for the CNN blocks, tokens/sec and msec/token for the LLM blocks).
struct OpenVinoRow {
  std::string model, release, ie_type, platform;
  double fps_int8 = -1, fps_fp16 = -1, fps_fp32 = -1;
  double latency_int8 = -1;              // one request at a time
  std::string throughput_unit, latency_unit;
  int line = 0;
};
// Every data row of the table. A row with the wrong number of columns, a non-numeric value in a
// numeric column, or a data row outside a begin_rec/end_rec block is a ConfigError naming the
// file and line.
std::vector<OpenVinoRow> read_openvino_csv(const std::string& file);

}  // namespace hw::sources
