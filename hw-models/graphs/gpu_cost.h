// GPU cost model for (merged) op graphs: a roofline per kernel plus a fixed per-kernel cost.
//
//   time(kernel) = fixed_per_kernel + max(flops / peak_flops_per_s, traffic / bandwidth)
//
// with traffic = (every instance's weights + inputs + output) elements x bytes_per_value.
// Utilisation flops / peak / time grows with the work of one kernel and saturates at 1, so a
// batched op (shared bank on N tasks' inputs) or a grouped op (N task banks in one kernel) uses
// the GPU better than N small kernels: this is the batch- and group-dependent saturation.
// Views (batch split, reshape) cost nothing; a batch concat is a copy kernel.
//
// Parameters per GPU come from a JSON file (hw-models/graphs/gpus/*.json): bandwidth and bytes
// per value are published facts; peak_flops_per_s and fixed_per_kernel are fitted at load time to
// published whole-model latencies of models whose ncnn .param layer lists are shipped (least
// squares on relative error; the compute rate bounded by the published peak when the file gives
// one), so every number traces to a source; the fit's residuals are kept.
// launch is the host-side part of the fixed cost (serial even across streams; estimated).
//
// Baselines: sequential = the tasks' graphs one after another on one stream; concurrent streams =
// one stream per task, kernels at the same position overlap: their work adds up in one roofline
// while their host launches stay serial (the graphs must have one topology).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw-models/graphs/op_graph.h"
#include "sim/time.h"

namespace graphs {

struct GpuCost {
  std::string name;
  double peak_flops_per_s = 1e12;
  double bandwidth_bytes_per_s = 1e11;
  double fixed_per_kernel_ns = 5000;
  double launch_ns = 2000;
  std::int64_t bytes_per_value = 4;
  nlohmann::json provenance = nlohmann::json::object();
  double fit_rms_relative_error = 0;  // of the calibration points, 0 when not fitted
};

sim::Time op_time(const Op& op, const GpuCost& gpu);
sim::Time graph_time(const Graph& g, const GpuCost& gpu);
sim::Time sequential_time(const std::vector<const Graph*>& graphs, const GpuCost& gpu);
sim::Time streams_time(const std::vector<const Graph*>& graphs, const GpuCost& gpu);

struct CalibrationPoint {
  const Graph* graph = nullptr;  // at the batch of the measurement
  double latency_ms = 0;
};
// Least squares (relative error) for peak_flops_per_s (at most `peak_flops_max`, a published peak
// when known) and fixed_per_kernel_ns, keeping the other fields of `gpu`. Throws
// std::invalid_argument with fewer than two points.
GpuCost fit(GpuCost gpu, const std::vector<CalibrationPoint>& points, double peak_flops_max = 1e15);

// Reads a GPU file; calibration models are read from `ncnn_dir` (the shipped .param files).
// Errors are sim::ConfigError naming the file and JSON path.
GpuCost load_gpu(const std::string& path, const std::string& ncnn_dir);

}  // namespace graphs
