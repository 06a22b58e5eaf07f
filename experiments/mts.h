// The MTS experiments on the GPU cost model: weight-shared families stitched into one graph
// against sequential, concurrent-streams and NETFUSE execution; grouping strategies; the
// group-size sweep. Everything here is *modelled* (hw-models/graphs/gpu_cost.h, parameters fitted
// to published measurements per GPU); nothing is measured on a GPU.
//
// Config (JSON; unknown keys are errors naming the path):
//   {"architecture": {"ncnn_param": "vgg16.param", "batch": 1, "head_classes": 10}
//                  | {"cnn_layers": 8, "batch": 1} | {"mlp_layers": 4, "in": 64, "width": 256, "batch": 1},
//    "ncnn_dir": "../shared/data/public/ncnn/params",   (relative to the working directory)
//    "gpus": ["hw-models/graphs/gpus/jetson_agx_orin.json", ...],
//    "tasks": [2, 4, 8, 16, 32], "rho": [0.5, 0.7, 0.9],
//    "grouping": {"tasks": 8, "rho": 0.7, "sharing_groups": 2, "activation_budget_fraction": 0.5,
//                 "objectives": ["mean_latency", "makespan"],
//                 "groupers": ["exhaustive", "greedy_merge", "size_only", "none"]},
//    "group_size": {"tasks": 32, "rho": 0.7, "sizes": [1, 2, 4, 8, 16, 32]}}
// Outputs in the out directory: speedup.csv, grouping.csv, group_size.csv, gpus.json.
#pragma once

#include <string>
#include <vector>

#include "hw-models/graphs/family.h"
#include "hw-models/graphs/gpu_cost.h"
#include "sim/config.h"

namespace experiments::mts {

struct GroupingConfig {
  int tasks = 8;
  double rho = 0.7;
  int sharing_groups = 2;  // task t shares its banks with tasks t' where t % S == t' % S
  // Memory budget = every task's weights (each distinct block once; the same for any partition)
  // + this fraction of the peak activations of one group of all tasks.
  double activation_budget_fraction = 0.5;
  std::vector<std::string> objectives = {"mean_latency", "makespan"};
  std::vector<std::string> groupers = {"exhaustive", "greedy_merge", "size_only", "none"};
};

struct GroupSizeConfig {
  int tasks = 32;
  double rho = 0.7;
  std::vector<int> sizes = {1, 2, 4, 8, 16, 32};
};

struct Config {
  graphs::Architecture arch;
  std::vector<graphs::GpuCost> gpus;
  std::vector<int> tasks;
  std::vector<double> rho;
  GroupingConfig grouping;
  GroupSizeConfig group_size;
};

// Reads and validates; sim::ConfigError naming file and path on bad input.
Config load_config(const std::string& path);
Config parse_config(const sim::ConfigNode& root);

struct SpeedupRow {
  std::string gpu;
  double rho = 0;
  int tasks = 0;
  double sequential_ms = 0, streams_ms = 0, netfuse_ms = 0, mts_ms = 0;
  std::int64_t sequential_bytes = 0, streams_bytes = 0, netfuse_bytes = 0, mts_bytes = 0;
  std::int64_t netfuse_weight_bytes = 0, mts_weight_bytes = 0;
};
// One family of `tasks` tasks (one sharing group) priced four ways on `gpu`.
SpeedupRow speedup_row(const graphs::Architecture& arch, const graphs::GpuCost& gpu, int tasks, double rho);

// Runs every sweep and writes the CSVs into `out_dir` (created). Returns a one-line summary per gpu.
std::vector<std::string> run(const Config& config, const std::string& out_dir);

}  // namespace experiments::mts
