// EdgeCaffe converter: a Raspberry-Pi-class board running Caffe networks layer by layer (Masa).
// Per-layer load and execution times are the measured samples of layer-profiles/*.csv; per-layer
// weight sizes are the partial weight files' sizes of networks/*.yaml; networks without layer
// profiles get the yaml's estimated per-layer times (microseconds), marked estimated.
#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hw-models/import/profile_import.h"
#include "sim/stats.h"

namespace hw::import {

namespace fs = std::filesystem;

namespace {

const char* kCommit = "a450b967";

Provenance eprov(std::string kind, std::string path, std::string method = "") {
  return Provenance{std::move(kind), "EdgeCaffe", std::move(method), kCommit, std::move(path)};
}

// Networks with neither a layer profile nor per-layer estimates in their description (EmotionNet,
// MemNet, ObjectNet, SceneNet, TinyYolo at a450b967) get per-layer times derived from what is
// measured elsewhere, marked so:
// - load: a fixed per-layer cost (median load time of the measured layers whose weight file is
//   under 1 kB: opening a partial file) plus the weight bytes over the storage bandwidth implied
//   by the measured layers over 1 MB (median bytes / load time).
// - execution: the description's mean-execution-time (ms, measured whole network) split equally
//   over the layers that carry parameters (no per-layer MACs exist in the source; equal shares
//   are the least presumptive split), 0 for parameterless layers.
void fill_unprofiled(ModelProfile& m, const sim::Json& y, const std::string& file, const std::string& rel,
                     const std::map<std::string, std::map<int, std::vector<sources::EdgeCaffeSample>>>& samples,
                     double& exec_total) {
  std::vector<double> small_ms, bandwidth;
  // Layer weight sizes of the measured networks, by csv name and layer id, are not in the samples;
  // the ratio needs them, so they come from the networks' descriptions next to `file`.
  const std::map<std::string, std::string> yaml_of = {{"AgeNet", "AgeNet"}, {"GenderNet", "GenderNet"}, {"FaceNet", "FaceNet"},
                                                      {"Salient Object Subitizing", "SoS"},
                                                      {"Salient Object Subitizing_google", "SoS_GoogleNet"}};
  fs::path dir = fs::path(file).parent_path();
  for (const auto& [csv, layers] : samples) {
    auto it = yaml_of.find(csv);
    if (it == yaml_of.end()) continue;
    std::string other_file = (dir / (it->second + ".yaml")).string();
    sim::Json other = sources::read_yaml(other_file);
    std::map<int, double> bytes;
    for (const char* key : {"conv-layers", "fc-layers"})
      if (other.contains(key) && other[key].is_array())
        for (const auto& l : other[key])
          bytes[static_cast<int>(sources::yaml_number(l.at("id"), other_file, "$.layers.id"))] =
              sources::yaml_number(l.at("partialFileSize"), other_file, "$.layers.partialFileSize");
    for (const auto& [id, runs] : layers) {
      if (!bytes.count(id) || runs.empty()) continue;
      std::vector<double> ms;
      for (const auto& r : runs) ms.push_back(r.load_ns / 1e6);
      double med = sim::median(ms);
      if (bytes[id] < 1e3) small_ms.push_back(med);
      if (bytes[id] > 1e6 && med > 0) bandwidth.push_back(bytes[id] / (med / 1e3));
    }
  }
  if (small_ms.empty() || bandwidth.empty()) throw sim::ConfigError(file, "$", "no measured layers to derive load times from");
  double fixed_ms = sim::median(small_ms), bytes_per_s = sim::median(bandwidth);
  double mean_exec_ms = sources::yaml_number(y.at("mean-execution-time"), file, "$.mean-execution-time");
  int with_params = 0;
  for (const auto& l : m.layers) with_params += l.weight_bytes >= 1000;
  exec_total = 0;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& layer = m.layers[i];
    LatencyDist exec, load;
    load.mean_ms = fixed_ms + static_cast<double>(layer.weight_bytes) / bytes_per_s * 1e3;
    load.provenance = eprov("derived", fmt::format("{}:{}", rel, layer.name),
                            fmt::format("{:.3f} ms per layer (median load of measured layers under 1 kB) + weight bytes / "
                                        "{:.1f} MB/s (median implied by measured layers over 1 MB)",
                                        fixed_ms, bytes_per_s / 1e6));
    exec.mean_ms = layer.weight_bytes >= 1000 && with_params > 0 ? mean_exec_ms / with_params : 0.0;
    exec.provenance = eprov("derived", rel + ":mean-execution-time",
                            fmt::format("mean-execution-time {} ms split equally over the {} layers with parameters",
                                        mean_exec_ms, with_params));
    exec_total += exec.mean_ms;
    m.layer_latency[i] = exec;
    m.layer_load[i] = load;
  }
  m.notes = "per-layer times: derived (no layer profile or per-layer estimate in the source); see the provenance";
}

}  // namespace

Profile import_edgecaffe(const std::string& data_dir, Report& report) {
  fs::path root = fs::path(data_dir) / "public/edgecaffe";
  if (!fs::is_directory(root / "networks")) throw sim::ConfigError((root / "networks").string(), "", "missing directory");
  // Samples per (csv network name, layer id).
  std::map<std::string, std::map<int, std::vector<sources::EdgeCaffeSample>>> samples;
  std::vector<fs::path> csvs;
  for (const auto& e : fs::directory_iterator(root / "layer-profiles"))
    if (e.path().extension() == ".csv") csvs.push_back(e.path());
  std::sort(csvs.begin(), csvs.end());
  for (const auto& f : csvs) {
    for (const auto& s : sources::read_edgecaffe_csv(f.string())) {
      if (s.exec_ns < 0 || s.load_ns < 0) {
        ++report.rejected["negative time"];
        continue;
      }
      ++report.accepted;
      samples[s.network][s.layer_id].push_back(s);
    }
  }
  const std::map<std::string, std::string> csv_name = {{"AgeNet", "AgeNet"}, {"FaceNet", "FaceNet"}, {"GenderNet", "GenderNet"},
                                                      {"SoS", "Salient Object Subitizing"},
                                                      {"SoS_GoogleNet", "Salient Object Subitizing_google"}};
  Profile p;
  p.description = "EdgeCaffe layer-wise execution on a small ARM board (Raspberry-Pi class), for Masa-style layer-by-layer "
                  "loading. Written by `stitchsim profile import edgecaffe`.";
  p.platform = "EdgeCaffe ARM board (Raspberry-Pi class)";
  p.license = "derived from BSD-2-Clause EdgeCaffe data; notice in hw-models/profiles/NOTICE";
  p.processors = {"cpu"};
  p.processor_kinds = {"CPU"};
  std::vector<fs::path> nets;
  for (const auto& e : fs::directory_iterator(root / "networks"))
    if (e.path().extension() == ".yaml") nets.push_back(e.path());
  std::sort(nets.begin(), nets.end());
  for (const auto& f : nets) {
    std::string file = f.string();
    std::string rel = "networks/" + f.filename().string();
    sim::Json y = sources::read_yaml(file);
    std::string net = f.stem().string();
    std::vector<sim::Json> layers;
    for (const char* key : {"conv-layers", "fc-layers"})
      if (y.contains(key) && y[key].is_array())
        for (const auto& l : y[key]) layers.push_back(l);
    auto id_of = [&](const sim::Json& l) { return static_cast<int>(sources::yaml_number(l.at("id"), file, "$.layers.id")); };
    std::sort(layers.begin(), layers.end(), [&](const sim::Json& a, const sim::Json& b) { return id_of(a) < id_of(b); });
    if (layers.empty()) throw sim::ConfigError(file, "$.conv-layers", "no layers");
    ModelProfile m;
    m.name = net;
    m.subgraph_count = 1;
    ZooVariant v;
    v.name = "dense_fp32";
    v.accuracy = 0;  // read only with the provenance below
    v.accuracy_provenance = eprov("not applicable", "",
                                  "the source measures time and memory only; Masa's metric is response time");
    m.variants.push_back(v);
    auto cit = csv_name.find(net);
    std::string in_csv = cit != csv_name.end() ? cit->second : net;
    const auto* measured = samples.count(in_csv) ? &samples.at(in_csv) : nullptr;
    m.notes = measured ? "per-layer times: measured samples (17 runs x 3 networks per run file)"
                       : "per-layer times: the network description's estimates (no layer profile in the source)";
    m.layer_latency.assign(layers.size(), std::nullopt);
    m.layer_load.assign(layers.size(), std::nullopt);
    double exec_total = 0, weights_total = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const sim::Json& l = layers[i];
      int id = id_of(l);
      std::string path = fmt::format("{}:id {}", rel, id);
      Layer layer;
      layer.name = l.value("name", fmt::format("layer{}", id));
      layer.kind = l.value("isConvLayer", "") == "true" ? "conv-stage" : "fc-stage";
      layer.weight_bytes = static_cast<std::int64_t>(sources::yaml_number(l.at("partialFileSize"), file, path + ".partialFileSize"));
      layer.provenance = eprov("measured", path, "weight bytes = size of the layer's partial weight file");
      weights_total += static_cast<double>(layer.weight_bytes);
      m.layers.push_back(layer);
      LatencyDist exec, load;
      if (measured && measured->count(id)) {
        for (const auto& s : measured->at(id)) {
          if (s.layer != layer.name) throw sim::ConfigError(file, path, fmt::format("layer profile names it '{}'", s.layer));
          exec.samples_ms.push_back(s.exec_ns / 1e6);
          load.samples_ms.push_back(s.load_ns / 1e6);
        }
        exec.provenance = eprov("measured", "layer-profiles/" + std::string(net.rfind("SoS", 0) == 0 ? "SoS-" : "") + "linear-*.csv",
                                "execution_ns per run");
        load.provenance = eprov("measured", exec.provenance.path, "Loading_ns per run");
        double sum = 0;
        for (double x : exec.samples_ms) sum += x;
        exec_total += sum / static_cast<double>(exec.samples_ms.size());
      } else {
        exec.mean_ms = sources::yaml_number(l.at("estimated_time_execution"), file, path + ".estimated_time_execution") * 1e-3;
        load.mean_ms = sources::yaml_number(l.at("estimated_time_loading"), file, path + ".estimated_time_loading") * 1e-3;
        exec.provenance = eprov("estimated", path, "the network description's estimated_time_execution (microseconds)");
        load.provenance = eprov("estimated", path, "the network description's estimated_time_loading (microseconds)");
        exec_total += exec.mean_ms;
      }
      m.layer_latency[i] = exec;
      m.layer_load[i] = load;
    }
    if (!measured && exec_total <= 0) fill_unprofiled(m, y, file, rel, samples, exec_total);
    m.subgraph_cuts = {0, static_cast<int>(layers.size())};
    double peak_mb = y.contains("max-memory-valgrind") ? sources::yaml_number(y["max-memory-valgrind"], file, "$.max-memory-valgrind") : 0;
    UnitMemory u;
    u.weights_bytes = static_cast<std::int64_t>(weights_total);
    u.activation_bytes = std::max<std::int64_t>(0, static_cast<std::int64_t>(peak_mb * 1e6 - weights_total));
    u.provenance = eprov("derived", rel, "weights: sum of partial weight files; activations: valgrind peak (max-memory-valgrind MB) minus weights");
    m.memory.push_back(u);
    LatencyDist whole;
    whole.mean_ms = exec_total;
    whole.provenance = eprov("derived", rel, "sum of the per-layer execution means (layer-wise execution)");
    m.latency.push_back(whole);
    ModelRun run;
    run.latency = whole;
    if (peak_mb > 0) {
      run.peak_memory_bytes = static_cast<std::int64_t>(peak_mb * 1e6);
      run.memory_provenance = eprov("measured", rel + ":max-memory-valgrind", "valgrind peak, MB");
    }
    m.runs.push_back(run);
    p.models.push_back(m);
  }
  std::sort(p.models.begin(), p.models.end(), [](const ModelProfile& a, const ModelProfile& b) { return a.name < b.name; });
  return p;
}

}  // namespace hw::import
