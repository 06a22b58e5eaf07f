#include "hw-models/graphs/gpu_cost.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "hw-models/graphs/ncnn_import.h"
#include "sim/config.h"

namespace graphs {

namespace {

double traffic_elements(const Op& op) {
  double in = op.bytes_per_activation > 0 ? static_cast<double>(op.input_bytes / op.bytes_per_activation) : 0.0;
  return static_cast<double>(op.weight_params) * op.instances + in + static_cast<double>(op.out.elements());
}

double op_ns(const Op& op, const GpuCost& gpu) {
  if (!is_kernel(op.kind)) return 0;
  double bytes = traffic_elements(op) * static_cast<double>(gpu.bytes_per_value);
  double compute = static_cast<double>(op.flops()) / gpu.peak_flops_per_s * 1e9;
  double memory = bytes / gpu.bandwidth_bytes_per_s * 1e9;
  return gpu.fixed_per_kernel_ns + std::max(compute, memory);
}

sim::Time to_time(double ns) { return sim::Time{static_cast<std::int64_t>(std::llround(ns))}; }

// Sum over kernels of max(compute, memory) (without the fixed part) and the kernel count.
std::pair<double, double> work_and_kernels(const Graph& g, const GpuCost& gpu) {
  double work = 0, kernels = 0;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) {
    if (!is_kernel(g[*v].kind)) continue;
    work += op_ns(g[*v], gpu) - gpu.fixed_per_kernel_ns;
    kernels += 1;
  }
  return {work, kernels};
}

}  // namespace

sim::Time op_time(const Op& op, const GpuCost& gpu) { return to_time(op_ns(op, gpu)); }

sim::Time graph_time(const Graph& g, const GpuCost& gpu) {
  double ns = 0;
  for (auto [v, end] = boost::vertices(g); v != end; ++v) ns += op_ns(g[*v], gpu);
  return to_time(ns);
}

sim::Time sequential_time(const std::vector<const Graph*>& graphs, const GpuCost& gpu) {
  double ns = 0;
  for (const Graph* g : graphs)
    for (auto [v, end] = boost::vertices(*g); v != end; ++v) ns += op_ns((*g)[*v], gpu);
  return to_time(ns);
}

sim::Time streams_time(const std::vector<const Graph*>& graphs, const GpuCost& gpu) {
  if (graphs.empty()) return sim::Time::zero();
  std::size_t n = boost::num_vertices(*graphs.front());
  for (const Graph* g : graphs)
    if (boost::num_vertices(*g) != n) throw std::invalid_argument("streams_time: the graphs differ in op count");
  double ns = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (!is_kernel((*graphs.front())[v].kind)) continue;
    double flops = 0, bytes = 0;
    for (const Graph* g : graphs) {
      flops += static_cast<double>((*g)[v].flops());
      bytes += traffic_elements((*g)[v]) * static_cast<double>(gpu.bytes_per_value);
    }
    double work = std::max(flops / gpu.peak_flops_per_s, bytes / gpu.bandwidth_bytes_per_s) * 1e9;
    double launches = gpu.launch_ns * static_cast<double>(graphs.size());
    ns += std::max(launches, gpu.fixed_per_kernel_ns + work);
  }
  return to_time(ns);
}

GpuCost fit(GpuCost gpu, const std::vector<CalibrationPoint>& points, double peak_flops_max) {
  if (points.size() < 2) throw std::invalid_argument("GPU fit needs at least two calibration points");
  // For a given peak (and the bandwidth in `g`), the best per-kernel cost is a 1-D least squares.
  auto fixed_for = [&](GpuCost g, double peak, double& err) {
    g.peak_flops_per_s = peak;
    g.fixed_per_kernel_ns = 0;
    double num = 0, den = 0;
    std::vector<std::pair<double, double>> ab;
    for (const auto& p : points) {
      auto [work, kernels] = work_and_kernels(*p.graph, g);
      double t = p.latency_ms * 1e6;
      num += kernels * (t - work) / (t * t);
      den += kernels * kernels / (t * t);
      ab.emplace_back(kernels, work);
    }
    double c = std::max(0.0, num / den);
    err = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
      double t = points[i].latency_ms * 1e6;
      double r = (ab[i].first * c + ab[i].second - t) / t;
      err += r * r;
    }
    return c;
  };
  // Best peak for a given bandwidth: a log grid, then a ternary refinement around the best.
  auto best_for = [&](GpuCost g, double& peak, double& err) {
    double top = std::log10(peak_flops_max);
    err = 1e300;
    for (double lg = 9; lg <= top + 1e-9; lg += 0.01) {
      double e;
      double p = std::min(peak_flops_max, std::pow(10.0, lg));
      fixed_for(g, p, e);
      if (e < err) err = e, peak = p;
    }
    for (double lo = peak / 1.03, hi = std::min(peak_flops_max, peak * 1.03), it = 0; it < 40; ++it) {
      double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3, e1, e2;
      fixed_for(g, m1, e1);
      fixed_for(g, m2, e2);
      if (e1 < e2) hi = m2; else lo = m1;
      peak = (lo + hi) / 2;
    }
    return fixed_for(g, peak, err);
  };
  double peak = 0, err = 0;
  if (gpu.bandwidth_bytes_per_s <= 0) {
    // Bandwidth unknown: fitted too, on a log grid from 1 GB/s to 10 TB/s.
    double best_err = 1e300, best_bw = 0;
    for (double lg = 9; lg <= 13.0001; lg += 0.05) {
      GpuCost g = gpu;
      g.bandwidth_bytes_per_s = std::pow(10.0, lg);
      double p = 0, e = 0;
      best_for(g, p, e);
      if (e < best_err) best_err = e, best_bw = g.bandwidth_bytes_per_s;
    }
    gpu.bandwidth_bytes_per_s = best_bw;
  }
  double c = best_for(gpu, peak, err);
  gpu.peak_flops_per_s = peak;
  gpu.fixed_per_kernel_ns = c;
  gpu.fit_rms_relative_error = std::sqrt(err / static_cast<double>(points.size()));
  return gpu;
}

GpuCost load_gpu(const std::string& path, const std::string& ncnn_dir) {
  sim::ConfigNode root(sim::read_json_file(path), path);
  root.expect_keys({"name", "notes", "bandwidth_bytes_per_s", "bytes_per_value", "launch_us", "peak_flops_per_s_max", "calibration"});
  GpuCost gpu;
  gpu.name = root.at("name").as_string();
  gpu.provenance["notes"] = root.get_string("notes", "");
  auto fact = [&](std::string_view key, double lo, double hi) {
    auto n = root.at(key);
    n.expect_keys({"value", "source", "kind"});
    gpu.provenance[std::string(key)] = {{"source", n.at("source").as_string()}, {"kind", n.at("kind").as_string()}};
    return n.at("value").as_double(lo, hi);
  };
  gpu.bandwidth_bytes_per_s = fact("bandwidth_bytes_per_s", 1e6, 1e14);
  gpu.bytes_per_value = static_cast<std::int64_t>(fact("bytes_per_value", 1, 8));
  gpu.launch_ns = fact("launch_us", 0, 1e6) * 1e3;
  std::vector<Graph> graphs;
  std::vector<double> ms;
  auto cal = root.at("calibration");
  for (const auto& p : cal.elements()) {
    p.expect_keys({"ncnn_param", "batch", "latency_ms", "source"});
    std::string file = ncnn_dir + "/" + p.at("ncnn_param").as_string();
    auto batch = p.at("batch").as_int();
    if (batch < 1 || batch > 4096) p.at("batch").fail("batch must be in 1..4096");
    Graph g = import_ncnn(file, static_cast<int>(batch));
    graphs.push_back(std::move(g));
    ms.push_back(p.at("latency_ms").as_double(1e-6, 1e7));
  }
  if (graphs.size() < 2) cal.fail("at least two calibration points are needed to fit the compute rate and the per-kernel cost");
  std::vector<CalibrationPoint> points;
  for (std::size_t i = 0; i < graphs.size(); ++i) points.push_back({&graphs[i], ms[i]});
  double peak_max = root.has("peak_flops_per_s_max") ? fact("peak_flops_per_s_max", 1e9, 1e16) : 1e15;
  gpu = fit(gpu, points, peak_max);
  gpu.provenance["peak_flops_per_s"] = {
      {"kind", "derived"},
      {"source", fmt::format("fitted to the calibration points{}", root.has("peak_flops_per_s_max") ? ", bounded by peak_flops_per_s_max" : "")}};
  gpu.provenance["fixed_per_kernel_ns"] = {{"kind", "derived"}, {"source", "fitted to the calibration points"}};
  if (gpu.launch_ns > gpu.fixed_per_kernel_ns) gpu.launch_ns = gpu.fixed_per_kernel_ns;
  return gpu;
}

}  // namespace graphs
