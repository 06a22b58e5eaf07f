#include "experiments/mts.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>

#include "hw-models/graphs/grouping.h"
#include "hw-models/graphs/ncnn_import.h"
#include "hw-models/graphs/stitch.h"

namespace experiments::mts {

namespace {

std::vector<const graphs::Graph*> ptrs(const graphs::Family& f) {
  std::vector<const graphs::Graph*> out;
  for (const auto& g : f.tasks) out.push_back(&g);
  return out;
}

std::vector<int> iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

graphs::Family family(const graphs::Architecture& arch, int tasks, double rho, int sharing_groups = 1) {
  graphs::FamilySpec spec;
  spec.arch = arch;
  spec.tasks = tasks;
  spec.rho = {rho};
  if (sharing_groups > 1) {
    spec.sharing_groups.resize(static_cast<std::size_t>(sharing_groups));
    for (int t = 0; t < tasks; ++t) spec.sharing_groups[static_cast<std::size_t>(t % sharing_groups)].push_back(t);
  }
  return graphs::make_family(spec);
}

std::string partition_string(const graphs::Partition& p) {
  std::string s;
  for (const auto& g : p) {
    s += "{";
    for (std::size_t i = 0; i < g.size(); ++i) s += (i ? " " : "") + std::to_string(g[i]);
    s += "}";
  }
  return s;
}

std::vector<int> int_list(const sim::ConfigNode& n, int lo, int hi) {
  std::vector<int> out;
  for (const auto& e : n.elements()) {
    auto v = e.as_int();
    if (v < lo || v > hi) e.fail(fmt::format("must be in {}..{}", lo, hi));
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) n.fail("must not be empty");
  return out;
}

std::vector<std::string> string_list(const sim::ConfigNode& n) {
  std::vector<std::string> out;
  for (const auto& e : n.elements()) out.push_back(e.as_string());
  if (out.empty()) n.fail("must not be empty");
  return out;
}

}  // namespace

Config parse_config(const sim::ConfigNode& root) {
  root.expect_keys({"architecture", "ncnn_dir", "gpus", "tasks", "rho", "grouping", "group_size"});
  Config c;
  std::string ncnn_dir = root.get_string("ncnn_dir", "../shared/data/public/ncnn/params");
  auto a = root.at("architecture");
  a.expect_keys({"ncnn_param", "cnn_layers", "mlp_layers", "in", "width", "batch", "head_classes"});
  int batch = static_cast<int>(a.get_int("batch", 1));
  if (batch < 1 || batch > 1024) a.at("batch").fail("must be in 1..1024");
  int head = static_cast<int>(a.get_int("head_classes", 10));
  if (a.has("ncnn_param")) {
    std::string file = ncnn_dir + "/" + a.at("ncnn_param").as_string();
    try {
      c.arch = graphs::architecture_from_graph(graphs::import_ncnn(file, batch), a.at("ncnn_param").as_string(), head);
    } catch (const std::invalid_argument& e) {
      a.at("ncnn_param").fail(e.what());
    }
  } else if (a.has("cnn_layers")) {
    c.arch = graphs::cnn_architecture(static_cast<int>(a.at("cnn_layers").as_int()), batch);
    c.arch.head_classes = head;
  } else if (a.has("mlp_layers")) {
    c.arch = graphs::mlp_architecture(static_cast<int>(a.at("mlp_layers").as_int()), static_cast<int>(a.get_int("in", 64)),
                                      static_cast<int>(a.get_int("width", 256)), batch);
    c.arch.head_classes = head;
  } else {
    a.fail("needs one of ncnn_param, cnn_layers, mlp_layers");
  }
  for (const auto& g : root.at("gpus").elements()) c.gpus.push_back(graphs::load_gpu(g.as_string(), ncnn_dir));
  if (c.gpus.empty()) root.at("gpus").fail("must not be empty");
  c.tasks = int_list(root.at("tasks"), 1, 63);
  for (const auto& e : root.at("rho").elements()) c.rho.push_back(e.as_double(0, 1));
  if (root.has("grouping")) {
    auto g = root.at("grouping");
    g.expect_keys({"tasks", "rho", "sharing_groups", "activation_budget_fraction", "objectives", "groupers"});
    c.grouping.tasks = static_cast<int>(g.get_int("tasks", 8));
    if (c.grouping.tasks < 1 || c.grouping.tasks > 12) g.at("tasks").fail("must be in 1..12 (exhaustive search)");
    c.grouping.rho = g.get_double("rho", 0.7, 0, 1);
    c.grouping.sharing_groups = static_cast<int>(g.get_int("sharing_groups", 2));
    if (c.grouping.sharing_groups < 1 || c.grouping.sharing_groups > c.grouping.tasks) g.at("sharing_groups").fail("must be in 1..tasks");
    c.grouping.activation_budget_fraction = g.get_double("activation_budget_fraction", 0.5, 0, 10);
    if (g.has("objectives")) {
      c.grouping.objectives = string_list(g.at("objectives"));
      for (std::size_t i = 0; i < c.grouping.objectives.size(); ++i)
        if (c.grouping.objectives[i] != "mean_latency" && c.grouping.objectives[i] != "makespan")
          g.at("objectives").at(i).fail("must be mean_latency or makespan");
    }
    if (g.has("groupers")) {
      c.grouping.groupers = string_list(g.at("groupers"));
      for (std::size_t i = 0; i < c.grouping.groupers.size(); ++i) graphs::make_grouper(g.at("groupers").at(i));
    }
  }
  if (root.has("group_size")) {
    auto g = root.at("group_size");
    g.expect_keys({"tasks", "rho", "sizes"});
    c.group_size.tasks = static_cast<int>(g.get_int("tasks", 32));
    if (c.group_size.tasks < 1 || c.group_size.tasks > 63) g.at("tasks").fail("must be in 1..63");
    c.group_size.rho = g.get_double("rho", 0.7, 0, 1);
    if (g.has("sizes")) c.group_size.sizes = int_list(g.at("sizes"), 1, c.group_size.tasks);
  }
  return c;
}

Config load_config(const std::string& path) { return parse_config(sim::ConfigNode(sim::read_json_file(path), path)); }

SpeedupRow speedup_row(const graphs::Architecture& arch, const graphs::GpuCost& gpu, int tasks, double rho) {
  graphs::Family f = family(arch, tasks, rho);
  auto gs = ptrs(f);
  auto ids = iota(tasks);
  graphs::Merged m = graphs::stitch(gs, ids);
  graphs::Merged n = graphs::netfuse(gs, ids);
  SpeedupRow r;
  r.gpu = gpu.name;
  r.rho = rho;
  r.tasks = tasks;
  r.sequential_ms = graphs::sequential_time(gs, gpu).to_ms();
  r.streams_ms = graphs::streams_time(gs, gpu).to_ms();
  r.netfuse_ms = graphs::graph_time(n.graph, gpu).to_ms();
  r.mts_ms = graphs::graph_time(m.graph, gpu).to_ms();
  // Memory at the GPU's value size: bytes were computed at 4 bytes per value.
  auto scale = [&](std::int64_t b) { return b / 4 * gpu.bytes_per_value; };
  r.sequential_bytes = scale(graphs::separate_memory(gs, false).total());
  r.streams_bytes = scale(graphs::separate_memory(gs, true).total());
  auto nm = graphs::memory_of(n.graph), mm = graphs::memory_of(m.graph);
  r.netfuse_bytes = scale(nm.total());
  r.mts_bytes = scale(mm.total());
  r.netfuse_weight_bytes = scale(nm.weights);
  r.mts_weight_bytes = scale(mm.weights);
  return r;
}

std::vector<std::string> run(const Config& c, const std::string& out_dir) {
  std::filesystem::create_directories(out_dir);
  std::vector<std::string> summary;
  std::ofstream sp(out_dir + "/speedup.csv");
  sp << "gpu,rho,tasks,sequential_ms,streams_ms,netfuse_ms,mts_ms,speedup_vs_sequential,speedup_vs_streams,"
        "netfuse_over_mts_latency,sequential_bytes,streams_bytes,netfuse_bytes,mts_bytes,netfuse_over_mts_memory,"
        "netfuse_weight_bytes,mts_weight_bytes\n";
  for (const auto& gpu : c.gpus) {
    double best_seq = 0, best_lat = 0, best_mem = 0;
    for (double rho : c.rho) {
      for (int n : c.tasks) {
        SpeedupRow r = speedup_row(c.arch, gpu, n, rho);
        double s_seq = r.sequential_ms / r.mts_ms, s_lat = r.netfuse_ms / r.mts_ms,
               s_mem = static_cast<double>(r.netfuse_bytes) / static_cast<double>(r.mts_bytes);
        best_seq = std::max(best_seq, s_seq);
        best_lat = std::max(best_lat, s_lat);
        best_mem = std::max(best_mem, s_mem);
        sp << fmt::format("{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.4f},{:.4f},{:.4f},{},{},{},{},{:.4f},{},{}\n", r.gpu, rho, n,
                          r.sequential_ms, r.streams_ms, r.netfuse_ms, r.mts_ms, s_seq, r.streams_ms / r.mts_ms, s_lat,
                          r.sequential_bytes, r.streams_bytes, r.netfuse_bytes, r.mts_bytes, s_mem,
                          r.netfuse_weight_bytes, r.mts_weight_bytes);
      }
    }
    summary.push_back(fmt::format("{}: up to {:.2f}x faster than sequential, {:.2f}x lower latency and {:.2f}x less memory than NETFUSE",
                                  gpu.name, best_seq, best_lat, best_mem));
  }

  std::ofstream gr(out_dir + "/grouping.csv");
  gr << "gpu,objective,grouper,groups,partition,objective_ms,makespan_ms,mean_latency_ms,memory_bytes,budget_bytes,feasible\n";
  for (const auto& gpu : c.gpus) {
    graphs::Family f = family(c.arch, c.grouping.tasks, c.grouping.rho, c.grouping.sharing_groups);
    auto gs = ptrs(f);
    graphs::GroupingEvaluator probe(gs, gpu, graphs::Objective::kMakespan, 0);
    const auto& one = probe.group(iota(c.grouping.tasks));
    std::int64_t weights = 0;
    for (const auto& [b, bytes] : one.blocks) weights += bytes;
    auto budget = weights + static_cast<std::int64_t>(c.grouping.activation_budget_fraction * static_cast<double>(one.activation_bytes));
    for (const auto& obj : c.grouping.objectives) {
      graphs::GroupingEvaluator eval(gs, gpu, obj == "makespan" ? graphs::Objective::kMakespan : graphs::Objective::kMeanLatency, budget);
      for (const auto& name : c.grouping.groupers) {
        auto grouper = graphs::make_grouper(sim::ConfigNode(sim::Json(name), "<mts>", "$.grouping.groupers"));
        graphs::Partition p = grouper->group(eval);
        auto cost = eval.cost(p);
        gr << fmt::format("{},{},{},{},{},{:.6f},{:.6f},{:.6f},{},{},{}\n", gpu.name, obj, name, p.size(), partition_string(p),
                          cost.objective_ns * 1e-6, cost.makespan.to_ms(), cost.mean_latency_ns * 1e-6, cost.memory_bytes / 4 * gpu.bytes_per_value,
                          budget / 4 * gpu.bytes_per_value, cost.feasible ? 1 : 0);
      }
    }
  }

  std::ofstream gz(out_dir + "/group_size.csv");
  gz << "gpu,tasks,group_size,groups,makespan_ms,mean_latency_ms,memory_bytes,throughput_per_s\n";
  for (const auto& gpu : c.gpus) {
    graphs::Family f = family(c.arch, c.group_size.tasks, c.group_size.rho);
    auto gs = ptrs(f);
    graphs::GroupingEvaluator eval(gs, gpu, graphs::Objective::kMakespan, 0);
    for (int k : c.group_size.sizes) {
      graphs::Partition p;
      for (int t = 0; t < c.group_size.tasks; t += k) {
        std::vector<int> g;
        for (int u = t; u < std::min(c.group_size.tasks, t + k); ++u) g.push_back(u);
        p.push_back(g);
      }
      auto cost = eval.cost(p);
      gz << fmt::format("{},{},{},{},{:.6f},{:.6f},{},{:.2f}\n", gpu.name, c.group_size.tasks, k, p.size(), cost.makespan.to_ms(),
                        cost.mean_latency_ns * 1e-6, cost.memory_bytes / 4 * gpu.bytes_per_value,
                        c.group_size.tasks / cost.makespan.to_s());
    }
  }

  nlohmann::json gj = nlohmann::json::array();
  for (const auto& gpu : c.gpus) {
    gj.push_back({{"name", gpu.name}, {"peak_flops_per_s", gpu.peak_flops_per_s}, {"bandwidth_bytes_per_s", gpu.bandwidth_bytes_per_s},
                  {"fixed_per_kernel_ns", gpu.fixed_per_kernel_ns}, {"launch_ns", gpu.launch_ns}, {"bytes_per_value", gpu.bytes_per_value},
                  {"fit_rms_relative_error", gpu.fit_rms_relative_error}, {"provenance", gpu.provenance}});
  }
  std::ofstream(out_dir + "/gpus.json") << gj.dump(2) << "\n";
  return summary;
}

}  // namespace experiments::mts
