// `stitchsim mts-live --out FILE`: a weight-shared family run live on this CPU (oneDNN), the
// stitched graph against the tasks one by one: outputs compared, time and weight memory measured,
// and the speed-up the cost model predicts for this CPU.
//
// The CPU roofline is calibrated on this machine from *separate* runs only: one task's graph at
// batches 1, 2, 4, 8, 16 (fits the compute rate, per-op cost and bandwidth, graphs/gpu_cost.h;
// a 256 MiB copy's DRAM bandwidth is reported beside it). The merged graphs are never used in the fit, so
// the predicted speed-up is a prediction.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiments/cli_options.h"
#include "experiments/command.h"
#include "experiments/live/mts_live.h"
#include "hw-models/graphs/family.h"
#include "hw-models/graphs/gpu_cost.h"
#include "hw-models/graphs/stitch.h"
#include "sim/rng.h"

namespace po = boost::program_options;

namespace live {
namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double median_ms(int reps, F&& f) {
  f();  // warm-up
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto a = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double measure_bandwidth_bytes_per_s() {
  std::size_t n = 256u << 20;
  std::vector<char> a(n, 1), b(n, 2);
  double ms = median_ms(5, [&] { std::memcpy(b.data(), a.data(), n); });
  return 2.0 * static_cast<double>(n) / (ms * 1e-3);  // read + write
}

std::vector<float> random_input(const graphs::Graph& g, sim::Rng& rng) {
  std::vector<float> x(static_cast<std::size_t>(g[0].out.elements()));
  for (auto& v : x) v = static_cast<float>(rng.uniform(0.0, 1.0));
  return x;
}

graphs::Architecture arch_of(const std::string& kind, int batch) {
  if (kind == "mlp") return graphs::mlp_architecture(4, 256, 512, batch);
  if (kind == "cnn") return graphs::cnn_architecture(4, batch);
  throw po::error("--arch must be mlp or cnn");
}

int cmd_mts_live(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("arch", po::value<std::string>()->default_value("mlp"), "mlp or cnn")(
      "rho", po::value<double>()->default_value(0.7), "sharing ratio per layer")(
      "tasks", po::value<std::vector<int>>()->multitoken(), "task counts (default 1 2 4 8)")(
      "reps", po::value<int>()->default_value(30), "timed repetitions (median)")(
      "out,o", po::value<std::string>(), "write the results as JSON to this file");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!experiments::parse_options(args, desc, pos, vm,
                                  "usage: stitchsim mts-live [--arch mlp|cnn] [--rho 0.7] [--tasks 1 2 4 8] [--out FILE]\n\n"
                                  "Runs a weight-shared family live (oneDNN, this CPU): stitched graph vs the tasks one by one.")) {
    return 0;
  }
  std::string kind = vm["arch"].as<std::string>();
  double rho = vm["rho"].as<double>();
  if (!(rho >= 0 && rho <= 1)) throw po::error("--rho must be in [0, 1]");
  int reps = vm["reps"].as<int>();
  if (reps < 1) throw po::error("--reps must be >= 1");
  std::vector<int> counts = vm.count("tasks") ? vm["tasks"].as<std::vector<int>>() : std::vector<int>{1, 2, 4, 8};
  for (int n : counts)
    if (n < 1 || n > 63) throw po::error("--tasks must be in 1..63");
  sim::Rng rng = sim::Rng::stream(11, "mts_live.inputs", 0);
  GraphWeights weights(5);

  // Calibration: one task's graph alone at several batches.
  graphs::GpuCost cpu;
  cpu.name = "this-cpu";
  cpu.bytes_per_value = 4;
  double copy_bandwidth = measure_bandwidth_bytes_per_s();
  cpu.bandwidth_bytes_per_s = 0;  // fitted: the calibration working sets sit in cache, not DRAM
  cpu.launch_ns = 0;
  std::vector<graphs::Graph> cal_graphs;
  std::vector<double> cal_ms;
  for (int b : {1, 2, 4, 8, 16}) {
    graphs::Family f = graphs::make_family(graphs::uniform_family(arch_of(kind, b), 1, rho));
    GraphRunner r(f.tasks[0], weights);
    auto x = random_input(f.tasks[0], rng);
    cal_ms.push_back(median_ms(reps, [&] { r.run({x}); }));
    cal_graphs.push_back(std::move(f.tasks[0]));
  }
  std::vector<graphs::CalibrationPoint> pts;
  for (std::size_t i = 0; i < cal_graphs.size(); ++i) pts.push_back({&cal_graphs[i], cal_ms[i]});
  cpu = graphs::fit(cpu, pts);

  nlohmann::json out = {{"arch", kind}, {"rho", rho}, {"reps", reps},
                        {"cpu_fit", {{"peak_flops_per_s", cpu.peak_flops_per_s}, {"fixed_per_op_ns", cpu.fixed_per_kernel_ns},
                                     {"bandwidth_bytes_per_s_fitted", cpu.bandwidth_bytes_per_s},
                                     {"dram_copy_bandwidth_bytes_per_s_measured", copy_bandwidth},
                                     {"fit_rms_relative_error", cpu.fit_rms_relative_error}, {"calibration_ms", cal_ms}}},
                        {"rows", nlohmann::json::array()}};
  fmt::print("CPU roofline fitted on single-task runs: {:.1f} GFLOP/s, {:.1f} us per op, {:.1f} GB/s (fit rms {:.1f}%); "
             "DRAM copy bandwidth measured {:.1f} GB/s\n",
             cpu.peak_flops_per_s * 1e-9, cpu.fixed_per_kernel_ns * 1e-3, cpu.bandwidth_bytes_per_s * 1e-9,
             100 * cpu.fit_rms_relative_error, copy_bandwidth * 1e-9);
  fmt::print("{:>5} {:>12} {:>12} {:>10} {:>10} {:>10} {:>12} {:>12} {:>12} {:>12} {:>12}\n", "tasks", "seq ms", "mts ms",
             "speedup", "predicted", "max diff", "seq weights", "(model)", "mts weights", "(model)", "netfuse (m)");
  for (int n : counts) {
    graphs::Family f = graphs::make_family(graphs::uniform_family(arch_of(kind, 1), n, rho));
    std::vector<const graphs::Graph*> gs;
    std::vector<int> ids;
    for (int t = 0; t < n; ++t) gs.push_back(&f.tasks[static_cast<std::size_t>(t)]), ids.push_back(t);
    graphs::Merged m = graphs::stitch(gs, ids);
    if (!graphs::check_equivalence(gs, m).empty()) throw std::logic_error("stitched graph is not equivalent");
    std::vector<std::unique_ptr<GraphRunner>> sep;
    std::vector<std::vector<float>> inputs;
    std::size_t sep_weights = 0;
    for (const auto* g : gs) {
      sep.push_back(std::make_unique<GraphRunner>(*g, weights));
      sep_weights += sep.back()->weights_bytes();
      inputs.push_back(random_input(*g, rng));
    }
    GraphRunner merged(m.graph, weights);
    std::vector<std::vector<float>> ref;
    for (int t = 0; t < n; ++t) ref.push_back(sep[static_cast<std::size_t>(t)]->run({inputs[static_cast<std::size_t>(t)]}).front());
    auto got = merged.run(inputs);
    double diff = 0, magnitude = 0;
    for (int t = 0; t < n; ++t)
      for (std::size_t i = 0; i < ref[static_cast<std::size_t>(t)].size(); ++i) {
        float a = got[static_cast<std::size_t>(t)][i], b = ref[static_cast<std::size_t>(t)][i];
        if (!std::isfinite(a) || !std::isfinite(b)) throw std::logic_error(fmt::format("non-finite output of task {}", t));
        diff = std::max(diff, static_cast<double>(std::abs(a - b)));
        magnitude = std::max(magnitude, static_cast<double>(std::abs(b)));
      }
    double seq_ms = median_ms(reps, [&] {
      for (int t = 0; t < n; ++t) sep[static_cast<std::size_t>(t)]->run({inputs[static_cast<std::size_t>(t)]});
    });
    double mts_ms = median_ms(reps, [&] { merged.run(inputs); });
    double pred_seq = graphs::sequential_time(gs, cpu).to_ms(), pred_mts = graphs::graph_time(m.graph, cpu).to_ms();
    std::int64_t netfuse_weights = graphs::memory_of(graphs::netfuse(gs, ids).graph).weights;
    std::int64_t mts_weights_model = graphs::memory_of(m.graph).weights;
    std::int64_t seq_weights_model = graphs::separate_memory(gs, false).weights;
    fmt::print("{:>5} {:>12.3f} {:>12.3f} {:>10.2f} {:>10.2f} {:>10.2e} {:>12} {:>12} {:>12} {:>12} {:>12}\n", n, seq_ms, mts_ms,
               seq_ms / mts_ms, pred_seq / pred_mts, diff, sep_weights, seq_weights_model, merged.weights_bytes(),
               mts_weights_model, netfuse_weights);
    out["rows"].push_back({{"tasks", n}, {"sequential_ms_measured", seq_ms}, {"mts_ms_measured", mts_ms},
                           {"speedup_measured", seq_ms / mts_ms}, {"sequential_ms_predicted", pred_seq},
                           {"mts_ms_predicted", pred_mts}, {"speedup_predicted", pred_seq / pred_mts},
                           {"max_abs_output_diff", diff}, {"max_abs_output", magnitude}, {"sequential_weights_bytes_measured", sep_weights},
                           {"mts_weights_bytes_measured", merged.weights_bytes()},
                           {"sequential_weights_bytes_modelled", seq_weights_model},
                           {"mts_weights_bytes_modelled", mts_weights_model},
                           {"netfuse_weights_bytes_modelled", netfuse_weights}});
  }
  if (vm.count("out")) std::ofstream(vm["out"].as<std::string>()) << out.dump(2) << "\n";
  return 0;
}

const experiments::CommandRegistration kRegistration{
    {"mts-live", "mts-live [--arch mlp|cnn] [--out FILE]",
     "a weight-shared family live on this CPU: stitched graph vs tasks one by one, measured and predicted", cmd_mts_live}};

}  // namespace
}  // namespace live
