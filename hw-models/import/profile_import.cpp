#include "hw-models/import/profile_import.h"
#include "hw-models/import/zoo_targets.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "sim/stats.h"

namespace hw::import {

namespace fs = std::filesystem;
using sim::median;

// --- building blocks -----------------------------------------------------------------------

double Roofline::seconds(const Layer& l) const {
  double bytes = static_cast<double>(l.weight_bytes + l.activation_bytes);
  return std::max(static_cast<double>(l.macs) / macs_per_s, bytes / bytes_per_s);
}

double Roofline::seconds(const std::vector<Layer>& layers) const {
  double s = 0;
  for (const auto& l : layers) s += seconds(l);
  return s;
}

Roofline fit_roofline(const std::vector<std::pair<const std::vector<Layer>*, double>>& measured_ms) {
  if (measured_ms.size() < 2) throw std::invalid_argument("fit_roofline needs at least two measured models");
  Roofline best;
  double best_err = 1e300;
  // 10^9 .. 10^14 MAC/s and 10^8 .. 10^12 B/s, 40 steps per decade.
  for (int i = 0; i <= 200; ++i) {
    for (int j = 0; j <= 160; ++j) {
      Roofline r{std::pow(10.0, 9.0 + i / 40.0), std::pow(10.0, 8.0 + j / 40.0)};
      double err = 0;
      for (const auto& [layers, ms] : measured_ms) {
        double e = std::log(r.seconds(*layers) * 1e3 / ms);
        err += e * e;
      }
      if (err < best_err) {
        best_err = err;
        best = r;
      }
    }
  }
  return best;
}

std::vector<double> split_exact(double total, const std::vector<double>& weights) {
  double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (weights.empty() || !(sum > 0)) throw std::invalid_argument("split_exact needs positive weights");
  std::vector<double> parts(weights.size());
  double used = 0;
  for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
    parts[i] = total * weights[i] / sum;
    used += parts[i];
  }
  parts.back() = total - used;
  return parts;
}

std::vector<int> balanced_cuts(const std::vector<double>& cost, int subgraphs) {
  int n = static_cast<int>(cost.size());
  if (subgraphs < 1 || n < subgraphs) throw std::invalid_argument("balanced_cuts: fewer layers than subgraphs");
  double total = std::accumulate(cost.begin(), cost.end(), 0.0);
  std::vector<int> cuts{0};
  double acc = 0;
  int i = 0;
  for (int s = 1; s < subgraphs; ++s) {
    double target = total * s / subgraphs;
    // Advance while adding the next layer brings the prefix closer to the target, leaving at
    // least one layer for each remaining subgraph.
    while (i < n - (subgraphs - s) && (i < cuts.back() + 1 || std::abs(acc + cost[static_cast<std::size_t>(i)] - target) <= std::abs(acc - target))) {
      acc += cost[static_cast<std::size_t>(i)];
      ++i;
    }
    cuts.push_back(i);
  }
  cuts.push_back(n);
  return cuts;
}

std::string reject_reason(const sources::BenchRow& row, bool gpu, double model_macs, double peak_macs_per_s) {
  bool int8 = row.model.size() > 5 && row.model.compare(row.model.size() - 5, 5, "_int8") == 0;
  if (gpu && int8) return "gpu int8 row (ncnn runs int8 on the CPU)";
  if (model_macs > 0 && row.avg_ms > 0 && model_macs / (row.avg_ms * 1e-3) > peak_macs_per_s) {
    return "implies more MAC/s than the processor's peak";
  }
  return "";
}

std::vector<Layer> expand_resnet50_to_101(const std::vector<Layer>& r50) {
  auto find = [&](const std::string& n) {
    for (std::size_t i = 0; i < r50.size(); ++i)
      if (r50[i].name == n) return static_cast<int>(i);
    throw std::invalid_argument("resnet50 layer list lacks '" + n + "'");
  };
  int first = find("res4b_branch2a") - 1;  // the Split feeding the block
  int last = find("res4b_relu");
  int insert_after = find("res4f_relu");
  if (r50[static_cast<std::size_t>(first)].kind != "Split") throw std::invalid_argument("unexpected resnet50 layout before res4b");
  std::vector<Layer> out(r50.begin(), r50.begin() + insert_after + 1);
  for (int k = 6; k <= 22; ++k) {
    for (int i = first; i <= last; ++i) {
      Layer l = r50[static_cast<std::size_t>(i)];
      if (l.name.rfind("res4b", 0) == 0) l.name = fmt::format("res4b{}{}", k, l.name.substr(5));
      else l.name = fmt::format("{}_r101_{}", l.name, k);
      l.provenance.kind = "derived";
      l.provenance.method = "ResNet-101 layer: copy of ResNet-50's res4b block (ResNet-101 has 23 res4 blocks)";
      out.push_back(l);
    }
  }
  out.insert(out.end(), r50.begin() + insert_after + 1, r50.end());
  return out;
}

std::vector<Layer> build_encoder(const EncoderSpec& sp, const Provenance& provenance) {
  std::vector<Layer> out;
  auto add = [&](std::string name, std::string kind, double macs, double weights, double acts) {
    Layer l;
    l.name = std::move(name);
    l.kind = std::move(kind);
    l.macs = static_cast<std::int64_t>(macs);
    l.weight_bytes = static_cast<std::int64_t>(4 * weights);
    l.activation_bytes = static_cast<std::int64_t>(4 * acts);
    l.provenance = provenance;
    out.push_back(l);
  };
  const double E = sp.width, M = sp.mlp;
  double T = sp.tokens;
  if (sp.stem == "patch") {
    double patches = std::pow(sp.image / sp.patch, 2);
    add("patch_embed", "Convolution", patches * E * 3 * sp.patch * sp.patch, 3.0 * sp.patch * sp.patch * E + E, patches * E);
    add("pos_embed", "BinaryOp", 0, T * E + E, T * E);
  } else if (sp.stem == "text") {
    add("embeddings", "Embed", 0, (sp.vocab + T + 2) * E + 2 * E, T * E);
  } else if (sp.stem == "audio") {
    const int kernel[7] = {10, 3, 3, 3, 3, 2, 2};
    const int stride[7] = {5, 2, 2, 2, 2, 2, 2};
    double len = 16000.0 * sp.audio_s;
    double in_ch = 1;
    for (int i = 0; i < 7; ++i) {
      len = std::floor((len - kernel[i]) / stride[i]) + 1;
      add(fmt::format("feature_conv{}", i), "Convolution", len * 512 * in_ch * kernel[i], 512 * in_ch * kernel[i], len * 512);
      in_ch = 512;
    }
    T = len;
    add("feature_projection", "Gemm", T * 512 * E, 512 * E + E, T * E);
    add("pos_conv", "Convolution", T * E * (E / 16) * 128, E * (E / 16) * 128 + E, T * E);
  } else {
    throw std::invalid_argument("unknown encoder stem '" + sp.stem + "'");
  }
  for (int b = 0; b < sp.depth; ++b) {
    add(fmt::format("block{}_ln1", b), "LayerNorm", 0, 2 * E, T * E);
    add(fmt::format("block{}_attention", b), "MultiHeadAttention", 4 * T * E * E + 2 * T * T * E, 4 * E * E + 4 * E, T * E);
    add(fmt::format("block{}_add1", b), "BinaryOp", 0, 0, T * E);
    add(fmt::format("block{}_ln2", b), "LayerNorm", 0, 2 * E, T * E);
    add(fmt::format("block{}_fc1", b), "Gemm", T * E * M, E * M + M, T * M);
    add(fmt::format("block{}_gelu", b), "GELU", 0, 0, T * M);
    add(fmt::format("block{}_fc2", b), "Gemm", T * M * E, M * E + E, T * E);
    add(fmt::format("block{}_add2", b), "BinaryOp", 0, 0, T * E);
  }
  if (sp.classes > 0) {
    add("final_ln", "LayerNorm", 0, 2 * E, T * E);
    add("head", "Gemm", E * sp.classes, E * sp.classes + sp.classes, sp.classes);
  }
  return out;
}

namespace detail {

// --- shared pieces of the converters ---------------------------------------------------------

const char* kNcnnCommit = "a4d2ea1d";
const char* kAihubCommit = "e39baf3b";
const char* kAihubNewCommit = "52c080d2";
const char* kRknnCommit = "bad6c733";

Provenance prov(std::string kind, std::string source, std::string commit, std::string path, std::string method) {
  return Provenance{std::move(kind), std::move(source), std::move(method), std::move(commit), std::move(path)};
}

std::string num(double v) { return fmt::format("{:.4g}", v); }

struct VariantDef {
  const char* name;
  const char* precision;
  const char* pruning;
  double sparsity;
};

// The sparse model zoo of every task: 10 variants.
const VariantDef kZoo[] = {
    {"dense_fp32", "fp32", "none", 0.0},          {"dense_fp16", "fp16", "none", 0.0},
    {"dense_int8", "int8", "none", 0.0},          {"struct25_fp16", "fp16", "structured", 0.25},
    {"struct50_fp16", "fp16", "structured", 0.5}, {"struct50_int8", "int8", "structured", 0.5},
    {"struct75_int8", "int8", "structured", 0.75}, {"unstruct50_fp32", "fp32", "unstructured", 0.5},
    {"unstruct80_fp16", "fp16", "unstructured", 0.8}, {"unstruct90_int8", "int8", "unstructured", 0.9},
};

double precision_bytes_factor(const std::string& p) { return p == "fp32" ? 1.0 : p == "fp16" ? 0.5 : 0.25; }

bool prunes_compute(const VariantDef& v, bool sparse_kernels) {
  return std::string(v.pruning) == "structured" || (std::string(v.pruning) == "unstructured" && sparse_kernels);
}

std::vector<Layer> pruned_layers(const std::vector<Layer>& layers, const VariantDef& v, bool sparse_kernels) {
  if (!prunes_compute(v, sparse_kernels)) return layers;
  std::vector<Layer> out = layers;
  for (auto& l : out) {
    l.macs = static_cast<std::int64_t>(static_cast<double>(l.macs) * (1 - v.sparsity));
    l.weight_bytes = static_cast<std::int64_t>(static_cast<double>(l.weight_bytes) * (1 - v.sparsity));
  }
  return out;
}

double interpolate(const std::vector<std::pair<double, double>>& pts, double x) {
  double px = 0, py = 0;
  for (const auto& [sx, sy] : pts) {
    if (x <= sx) return py + (sy - py) * (x - px) / (sx - px);
    px = sx;
    py = sy;
  }
  return py;
}

std::pair<double, Provenance> variant_accuracy(const AccuracyModel& a, const VariantDef& v) {
  if (std::string(v.name) == "dense_fp32") return {a.dense, a.dense_provenance};
  double acc = a.dense;
  std::vector<std::string> method{fmt::format("dense fp32 {} ({} {})", num(a.dense), a.dense_provenance.source, a.dense_provenance.path)};
  bool assumed = false;
  if (std::string(v.precision) == "int8") {
    acc += a.int8_delta;
    method.push_back(fmt::format("int8 delta {:+.4f}: {}", a.int8_delta, a.int8_method));
  } else if (std::string(v.precision) == "fp16") {
    method.push_back("fp16 assumed equal to fp32 (no source gives an fp16 delta)");
    assumed = true;
  }
  if (std::string(v.pruning) != "none") {
    // Published gains from pruning (e.g. oBERT 80 % on SQuAD) are clamped to 0: a zoo variant is
    // never assumed more accurate than its dense model.
    double d = std::min(0.0, interpolate(a.unstructured, v.sparsity));
    if (std::string(v.pruning) == "structured") {
      d *= 2;
      assumed = true;
      method.push_back(fmt::format("structured {:.0f} %: twice the unstructured delta ({:+.4f}), an assumption (no channel-pruning "
                                   "row in the sources); unstructured curve: {}",
                                   100 * v.sparsity, d, a.unstructured_method));
    } else {
      method.push_back(fmt::format("unstructured {:.0f} % delta {:+.4f} interpolated from {}", 100 * v.sparsity, d,
                                   a.unstructured_method));
    }
    acc += d;
  }
  acc = std::clamp(acc, 0.0, 1.0);
  Provenance p = prov(assumed || a.dense_provenance.kind == "estimated" ? "estimated" : "derived", "accuracy model",
                      "", "", fmt::format("{}", fmt::join(method, "; ")));
  return {acc, p};
}

// Accuracy deltas from accuracy-published.csv (percentage points -> fractions).
struct CsvAccuracy {
  std::vector<sources::AccuracyRow> rows;
  std::string file;

  double baseline(const sources::AccuracyRow& r) const {
    if (r.stated_baseline > 0) return r.stated_baseline;
    for (const auto& d : rows)
      if (d.model == r.model && d.task == r.task && d.metric == r.metric && d.sparsity == 0 && d.precision == "fp32" &&
          d.sparsity_kind == "none")
        return d.value;
    return -1;
  }
  const sources::AccuracyRow* find(const std::string& model, const std::string& task, const std::string& variant) const {
    for (const auto& r : rows)
      if (r.model == model && r.task == task && r.variant == variant) return &r;
    throw sim::ConfigError(file, "", fmt::format("no row {}/{}/{}", model, task, variant));
  }
  // Unstructured-sparsity deltas of the given models (1x training only), averaged per sparsity.
  std::pair<std::vector<std::pair<double, double>>, std::string> unstructured(const std::set<std::string>& models) const {
    std::map<double, std::vector<double>> by_s;
    std::vector<std::string> used;
    for (const auto& r : rows) {
      if (!models.count(r.model) || r.sparsity_kind != "unstructured" || r.precision != "fp32") continue;
      if (r.variant.find("-5x") != std::string::npos) continue;  // longer training, not comparable
      double b = baseline(r);
      if (b <= 0) continue;
      by_s[r.sparsity].push_back((r.value - b) / 100.0);
      used.push_back(fmt::format("{} {} (line {})", r.model, r.variant, r.line));
    }
    std::vector<std::pair<double, double>> pts;
    for (const auto& [s, v] : by_s) pts.push_back({s, std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size())});
    return {pts, fmt::format("accuracy-published.csv rows {}", fmt::join(used, ", "))};
  }
  // Median int8 delta of the given models.
  std::pair<double, std::string> int8_delta(const std::set<std::string>& models) const {
    std::vector<double> d;
    std::vector<std::string> used;
    for (const auto& r : rows) {
      if (!models.count(r.model) || r.precision != "int8") continue;
      double b = baseline(r);
      if (b <= 0) continue;
      d.push_back((r.value - b) / 100.0);
      used.push_back(fmt::format("{} {} (line {})", r.model, r.variant, r.line));
    }
    if (d.empty()) throw sim::ConfigError(file, "", "no int8 rows for the requested models");
    return {median(d), fmt::format("median over accuracy-published.csv rows {}", fmt::join(used, ", "))};
  }
};

// The target's whole-model latency from a reference measured on the same processor:
// measured as is when it is the same model, else scaled by the roofline cost ratio.
Base from_reference(const Reference& ref, const std::vector<Layer>& target, const Roofline& roof, bool same_model,
                    const std::string& processor) {
  Base b = ref.row;
  if (same_model) return b;
  double ratio = roof.seconds(target) / roof.seconds(*ref.layers);
  b.mean_ms *= ratio;
  b.min_ms *= ratio;
  b.max_ms *= ratio;
  b.provenance.kind = "derived";
  b.provenance.method = fmt::format(
      "{} measured {} ms on {} ({} {}), times the roofline cost ratio {} of the two layer lists on {} "
      "(max(MACs/{} MAC/s, bytes/{} B/s))",
      ref.model, num(ref.row.mean_ms), processor, ref.row.provenance.source, ref.row.provenance.path, num(ratio), processor,
      num(roof.macs_per_s), num(roof.bytes_per_s));
  b.peak_memory_bytes = -1;
  return b;
}

ModelProfile build_model(const Target& t, const std::vector<ProcSpec>& procs, const std::vector<Roofline>& roofs,
                         int cpu_index) {
  ModelProfile m;
  m.name = t.name;
  m.notes = t.notes;
  m.subgraph_count = 3;
  m.layers = t.layers;
  std::vector<double> cpu_cost;
  for (const auto& l : t.layers) cpu_cost.push_back(roofs[static_cast<std::size_t>(cpu_index)].seconds(l));
  m.subgraph_cuts = balanced_cuts(cpu_cost, 3);
  const std::size_t P = procs.size();
  m.runs.assign(std::size(kZoo) * P, std::nullopt);
  for (const auto& vd : kZoo) {
    ZooVariant v;
    v.name = vd.name;
    v.precision = vd.precision;
    v.pruning = vd.pruning;
    v.sparsity = vd.sparsity;
    std::tie(v.accuracy, v.accuracy_provenance) = variant_accuracy(t.accuracy, vd);
    m.variants.push_back(v);
    // Memory: stored weights (sparse storage of unstructured variants: values plus 50 % index
    // overhead, never above dense) and the largest activation inside the subgraph.
    double wf = precision_bytes_factor(vd.precision);
    if (std::string(vd.pruning) == "structured") wf *= 1 - vd.sparsity;
    if (std::string(vd.pruning) == "unstructured") wf *= std::min(1.0, (1 - vd.sparsity) * 1.5);
    for (int s = 0; s < 3; ++s) {
      UnitMemory u;
      double w = 0, a = 0;
      for (int l = m.subgraph_cuts[static_cast<std::size_t>(s)]; l < m.subgraph_cuts[static_cast<std::size_t>(s) + 1]; ++l) {
        w += static_cast<double>(t.layers[static_cast<std::size_t>(l)].weight_bytes);
        a = std::max(a, static_cast<double>(t.layers[static_cast<std::size_t>(l)].activation_bytes));
      }
      u.weights_bytes = static_cast<std::int64_t>(w * wf);
      u.activation_bytes = static_cast<std::int64_t>(a * precision_bytes_factor(vd.precision));
      u.provenance = prov("estimated", "layer list", "", "",
                          fmt::format("weights: sum of layer weight bytes x {} ({}, {}); activations: largest layer output "
                                      "in the subgraph at {} bytes per value",
                                      num(wf), vd.precision, vd.pruning, num(4 * precision_bytes_factor(vd.precision))));
      m.memory.push_back(u);
    }
  }
  m.latency.assign(std::size(kZoo) * 3 * P, std::nullopt);
  for (std::size_t vi = 0; vi < std::size(kZoo); ++vi) {
    const VariantDef& vd = kZoo[vi];
    for (std::size_t q = 0; q < P; ++q) {
      auto it = t.base.find({procs[q].name, vd.precision});
      if (it == t.base.end()) continue;
      const Base& b = it->second;
      const Roofline& roof = roofs[q];
      std::vector<Layer> pl = pruned_layers(t.layers, vd, procs[q].sparse_kernels);
      double scale = roof.seconds(pl) / roof.seconds(t.layers);
      ModelRun run;
      run.latency.mean_ms = b.mean_ms * scale;
      run.latency.min_ms = b.min_ms * scale;
      run.latency.max_ms = b.max_ms * scale;
      run.latency.stddev_ms = (b.max_ms - b.min_ms) * scale / 4;
      run.latency.count = b.count;
      run.latency.provenance = b.provenance;
      if (std::string(vd.pruning) != "none") {
        run.latency.provenance = prov(
            "derived", b.provenance.source, b.provenance.commit, b.provenance.path,
            fmt::format("{} of the dense {} time {} ms ({}): {}; per layer through the roofline of {}", num(scale), vd.precision,
                        num(b.mean_ms), b.provenance.kind,
                        prunes_compute(vd, procs[q].sparse_kernels)
                            ? fmt::format("MACs and weights x {} ({} pruning)", num(1 - vd.sparsity), vd.pruning)
                            : "unchanged (no sparse kernels on this processor)",
                        procs[q].name));
      } else {
        run.peak_memory_bytes = b.peak_memory_bytes;
        run.memory_provenance = b.memory_provenance;
      }
      std::vector<double> sub_cost(3, 0.0);
      for (int s = 0; s < 3; ++s)
        for (int l = m.subgraph_cuts[static_cast<std::size_t>(s)]; l < m.subgraph_cuts[static_cast<std::size_t>(s) + 1]; ++l)
          sub_cost[static_cast<std::size_t>(s)] += roof.seconds(pl[static_cast<std::size_t>(l)]);
      auto parts = split_exact(run.latency.mean_ms, sub_cost);
      for (int s = 0; s < 3; ++s) {
        LatencyDist d;
        double share = parts[static_cast<std::size_t>(s)] / run.latency.mean_ms;
        d.mean_ms = parts[static_cast<std::size_t>(s)];
        d.stddev_ms = run.latency.stddev_ms * share;
        d.min_ms = run.latency.min_ms * share;
        d.max_ms = run.latency.max_ms * share;
        d.count = run.latency.count;
        d.provenance = prov("derived", b.provenance.source, b.provenance.commit, b.provenance.path,
                            fmt::format("share {} of the whole-model time (run entry, {}) by the roofline weight "
                                        "max(MACs/{} MAC/s, bytes/{} B/s) of its layers on {}",
                                        num(share), run.latency.provenance.kind, num(roof.macs_per_s),
                                        num(roof.bytes_per_s), procs[q].name));
        m.latency[(vi * 3 + static_cast<std::size_t>(s)) * P + q] = d;
      }
      m.runs[vi * P + q] = run;
    }
  }
  return m;
}

// --- the Snapdragon 8 Gen 2 / RK3588 triads ------------------------------------------------

NcnnModels read_ncnn_params(const std::string& data_dir) {
  NcnnModels out;
  fs::path dir = fs::path(data_dir) / "public/ncnn/params";
  if (!fs::is_directory(dir)) throw sim::ConfigError(dir.string(), "", "missing directory (is --data the shared data root?)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".param") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto ls = sources::read_ncnn_param(f.string());
    bool hinted = false;
    std::vector<Layer> layers;
    double macs = 0;
    for (auto& nl : ls) {
      hinted = hinted || nl.layer.activation_bytes > 0;
      nl.layer.provenance = prov("derived", "ncnn", kNcnnCommit, fmt::format("benchmark/{}:{}", f.filename().string(), nl.line),
                                 "computed from the layer's parameters and shape hints");
      macs += static_cast<double>(nl.layer.macs);
      layers.push_back(nl.layer);
    }
    if (!hinted) continue;  // no shapes: costs unknown
    std::string name = f.stem().string();
    out.layers[name] = layers;
    out.macs[name] = macs;
  }
  return out;
}

std::vector<Target> default_targets(const std::string& data_dir, const NcnnModels& ncnn,
                                    std::map<std::string, std::vector<Layer>>& lists, Report& report) {
  Provenance enc_prov = prov("derived", "architecture hyperparameters", kNcnnCommit, "benchmark/vision_transformer.param",
                             "layer costs from the architecture's hyperparameters in the block structure of ncnn's "
                             "vision_transformer.param");
  auto enc = [&](EncoderSpec s) { return build_encoder(s, enc_prov); };
  if (!ncnn.layers.count("resnet50")) throw sim::ConfigError((fs::path(data_dir) / "public/ncnn/params/resnet50.param").string(), "", "ncnn resnet50.param with shape hints is needed");
  lists["resnet101"] = expand_resnet50_to_101(ncnn.layers.at("resnet50"));
  lists["resnet50"] = ncnn.layers.at("resnet50");
  lists["vit_small"] = enc({"patch", 197, 384, 1536, 12, 1000, 16, 224, 0, 0});
  lists["bert_base"] = enc({"text", 128, 768, 3072, 12, 2, 0, 0, 30522, 0});
  lists["wav2vec2"] = enc({"audio", 0, 768, 3072, 12, 32, 0, 0, 0, 20.0});
  lists["vision_transformer"] = enc({"patch", 145, 768, 3072, 12, 1000, 32, 384, 0, 0});
  lists["vit"] = enc({"patch", 197, 768, 3072, 12, 1000, 16, 224, 0, 0});
  lists["nomic_embed_text"] = enc({"text", 128, 768, 3072, 12, 0, 0, 0, 30528, 0});
  lists["huggingface_wavlm_base_plus"] = lists["wav2vec2"];
  lists["clip_images"] = enc({"patch", 50, 768, 3072, 12, 512, 32, 224, 0, 0});
  lists["clip_text"] = enc({"text", 20, 512, 2048, 12, 512, 0, 0, 49408, 0});
  lists["wav2vec2_base_960h_20s"] = lists["wav2vec2"];
  lists["resnet50-v2-7"] = lists["resnet50"];

  // Accuracy.
  CsvAccuracy csv{sources::read_accuracy_csv((fs::path(data_dir) / "accuracy-published.csv").string()),
                  (fs::path(data_dir) / "accuracy-published.csv").string()};
  const std::set<std::string> cnn = {"resnet50", "mobilenet_v2", "mobilenet_v1", "inception_v3", "efficientnet_b0"};
  auto [cnn_curve, cnn_curve_m] = csv.unstructured(cnn);
  auto [bert_curve, bert_curve_m] = csv.unstructured({"bert_base"});
  auto [cnn_int8, cnn_int8_m] = csv.int8_delta({"resnet50", "resnet101", "mobilenet_v2", "mobilenet_v1", "inception_v3",
                                                 "efficientnet_b0", "efficientnet_lite0", "googlenet"});
  auto [bert_int8, bert_int8_m] = csv.int8_delta({"bert_base"});
  auto csv_prov = [&](const sources::AccuracyRow* r) {
    return prov("measured", fmt::format("accuracy-published.csv: {}", r->source), "", fmt::format("accuracy-published.csv:{}", r->line));
  };
  // ViT: ai-hub-models numerics (ViT-B/16 on device), float top-1 and the w8a8 delta.
  std::string vit_num = (fs::path(data_dir) / "public/ai-hub-models/v0.46.1/vit/numerics.yaml").string();
  sim::Json vn = sources::read_yaml(vit_num);
  const sim::Json& m0 = vn["metrics"][0];
  double vit_float = sources::yaml_number(m0["partial_torch_metric"], vit_num, "$.metrics[0].partial_torch_metric");
  std::vector<double> vit_deltas;
  std::vector<std::string> vit_devices;
  for (auto& [device, d] : m0["device_metric"].items()) {
    if (!d.contains("float") || !d.contains("w8a8") || !d["float"].contains("tflite") || !d["w8a8"].contains("tflite")) continue;
    std::string p = fmt::format("$.metrics[0].device_metric.{}", device);
    vit_deltas.push_back((sources::yaml_number(d["w8a8"]["tflite"]["partial_metric"], vit_num, p) -
                          sources::yaml_number(d["float"]["tflite"]["partial_metric"], vit_num, p)) / 100.0);
    vit_devices.push_back(device);
  }
  if (vit_deltas.empty()) throw sim::ConfigError(vit_num, "$.metrics[0].device_metric", "no device with float and w8a8 tflite rows");

  std::vector<Target> targets(4);
  targets[0].name = "resnet101";
  targets[0].accuracy = {csv.find("resnet101", "imagenet", "dense")->value / 100, csv_prov(csv.find("resnet101", "imagenet", "dense")),
                         cnn_int8, cnn_int8_m, cnn_curve, cnn_curve_m};
  targets[1].name = "bert_base";
  targets[1].accuracy = {csv.find("bert_base", "mnli_m", "dense")->value / 100, csv_prov(csv.find("bert_base", "mnli_m", "dense")),
                         bert_int8, bert_int8_m, bert_curve, bert_curve_m};
  targets[2].name = "vit_small";
  targets[2].accuracy = {vit_float / 100,
                         prov("measured", "ai-hub-models vit numerics (ViT-B/16, partial ImageNet, torch)", kAihubNewCommit,
                              "v0.46.1/vit/numerics.yaml:$.metrics[0].partial_torch_metric"),
                         median(vit_deltas),
                         fmt::format("median w8a8 - float (tflite) of ai-hub-models vit numerics on {}", fmt::join(vit_devices, ", ")),
                         bert_curve, "the BERT-base curve (no ViT pruning row): " + bert_curve_m};
  targets[3].name = "wav2vec2";
  targets[3].accuracy = {0.94, prov("estimated", "assumption", "", "",
                                    "no source in the data gives wav2vec2 accuracy (ai-hub WavLM numerics report WER 100); "
                                    "0.94 = 1 - WER 6 % assumed"),
                         bert_int8, "the BERT-base int8 delta: " + bert_int8_m, bert_curve, "the BERT-base curve: " + bert_curve_m};
  report.substitutions.push_back("bert_base accuracy: MNLI-m accuracy stands in for the sentiment task (the CSV has no SST-2 row)");
  report.substitutions.push_back("vit_small accuracy: ai-hub-models ViT-B/16 top-1 stands in for ViT-S/16; pruning deltas from BERT-base (oBERT)");
  report.substitutions.push_back("wav2vec2 accuracy: estimated 0.94 (no source); int8 and pruning deltas from BERT-base");
  return targets;
}

void add_models_and_boundaries(Profile& p, std::vector<Target>& targets, const std::vector<ProcSpec>& procs,
                               const std::vector<Roofline>& roofs, const std::string& handoff_method) {
  for (const auto& pr : procs) {
    p.processors.push_back(pr.name);
    p.processor_kinds.push_back(pr.kind);
  }
  std::sort(targets.begin(), targets.end(), [](const Target& a, const Target& b) { return a.name < b.name; });
  for (const auto& t : targets) p.models.push_back(build_model(t, procs, roofs, 0));
  // Boundary costs: no source measures them; estimates with the reason stated.
  Provenance reorder = prov("estimated", "docs/ARCHITECTURE.md", "", "",
                            "a oneDNN reorder at a stitching boundary costs 0.1-0.2 ms on an AVX2 CPU; taken as 0.15 ms");
  for (const auto& pr : procs)
    for (const char* a : {"fp32", "fp16", "int8"})
      for (const char* b : {"fp32", "fp16", "int8"})
        if (std::string(a) != b) p.boundary_costs.push_back({"precision", a, b, pr.name, 0.15, 0.0, reorder});
  Provenance handoff = prov("estimated", "assumption", "", "", handoff_method);
  for (const auto& a : procs)
    for (const auto& b : procs)
      if (a.name != b.name)
        p.boundary_costs.push_back({"handoff", a.name, b.name, "", (a.name == "npu" || b.name == "npu") ? 0.3 : 0.2, 0.05, handoff});
}

}  // namespace detail

namespace {

using namespace detail;

Base base_from_bench(const sources::BenchRow& r, const std::string& what) {
  Base b;
  b.mean_ms = r.avg_ms;
  b.min_ms = r.min_ms;
  b.max_ms = r.max_ms;
  b.count = r.loop_count;
  b.provenance = prov("measured", fmt::format("ncnn benchmark, {} ({})", r.section, what), kNcnnCommit,
                      fmt::format("benchmark/README.md:{}", r.line));
  return b;
}

struct NpuRow {
  std::string model, precision;  // fp16 or int8
  Base row;
};

struct TriadSpec {
  std::string platform;
  std::string bench_section;
  ProcSpec cpu, gpu, npu;
  Roofline npu_roof;  // not fittable from the few NPU rows: estimated from the chip's specification
  std::string npu_roof_note;
  // Target -> (NPU source model, its layer list spec or "" when the layers are the target's own).
  std::map<std::string, std::string> npu_source;
  std::function<std::vector<NpuRow>(const std::string&, Report&)> npu_rows;
  // Median NPU int8/fp16 ratio and the models it came from (empty: none measured).
  std::function<std::pair<double, std::string>(const std::string&, Report&)> npu_int8_ratio;
};

// ai-hub-models: the fastest passed runtime of a device's rows per precision of one model.
std::map<std::string, Base> aihub_device_rows(const std::string& file, const std::string& device, Report& report,
                                              std::set<std::string>& job_ids) {
  sim::Json y = sources::read_yaml(file);
  std::map<std::string, Base> best;
  if (!y.contains("precisions")) return best;
  for (auto& [precision, pnode] : y["precisions"].items()) {
    if (!pnode.contains("components")) continue;
    if (pnode["components"].size() != 1) continue;  // multi-part models are not whole models
    for (auto& [component, cnode] : pnode["components"].items()) {
      if (!cnode.contains("performance_metrics") || !cnode["performance_metrics"].contains(device)) continue;
      for (auto& [runtime, r] : cnode["performance_metrics"][device].items()) {
        std::string path = fmt::format("$.precisions.{}.components.{}.performance_metrics.{}.{}", precision, component, device, runtime);
        if (!r.is_object() || r.value("job_status", "") != "Passed" || !r.contains("inference_time_milliseconds")) {
          ++report.rejected["ai-hub row not passed or without a time"];
          continue;
        }
        std::string job = r.value("job_id", "");
        if (!job.empty() && !job_ids.insert(job).second) {
          ++report.rejected["ai-hub duplicate job_id"];
          continue;
        }
        Base b;
        b.mean_ms = sources::yaml_number(r["inference_time_milliseconds"], file, path + ".inference_time_milliseconds");
        b.count = 0;
        b.provenance = prov("measured", fmt::format("ai-hub-models {} {} {} (job {})", device, precision, runtime, job),
                            kAihubCommit, fmt::format("{}:{}", fs::path(file).parent_path().filename().string() + "/perf.yaml", path));
        if (r.contains("estimated_peak_memory_range_mb") && r["estimated_peak_memory_range_mb"].contains("max")) {
          double mb = sources::yaml_number(r["estimated_peak_memory_range_mb"]["max"], file, path + ".estimated_peak_memory_range_mb.max");
          b.peak_memory_bytes = static_cast<std::int64_t>(mb * 1024 * 1024);
          b.memory_provenance = b.provenance;
          b.memory_provenance.method = "upper end of estimated_peak_memory_range_mb";
        }
        auto it = best.find(precision);
        if (it == best.end() || b.mean_ms < it->second.mean_ms) best[precision] = b;
      }
    }
  }
  return best;
}

Profile import_triad(const std::string& data_dir, const TriadSpec& spec, Report& report) {
  std::string bench_file = (fs::path(data_dir) / "public/ncnn/benchmark-README.md").string();
  NcnnModels ncnn = read_ncnn_params(data_dir);
  auto rows = sources::read_ncnn_benchmark(bench_file, spec.bench_section);
  if (rows.empty()) throw sim::ConfigError(bench_file, "", fmt::format("no section '{}'", spec.bench_section));
  // The CPU run: 4 threads on the big cores; the GPU run: the one with the most loops.
  int gpu_loops = 0;
  for (const auto& r : rows)
    if (r.gpu_device >= 0) gpu_loops = std::max(gpu_loops, r.loop_count);
  std::map<std::string, sources::BenchRow> cpu_rows, gpu_rows;
  for (const auto& r : rows) {
    bool cpu = r.gpu_device < 0 && r.threads == 4 && r.powersave == 2;
    bool gpu = r.gpu_device >= 0 && r.loop_count == gpu_loops;
    if (!cpu && !gpu) continue;
    auto m = ncnn.macs.find(r.model);
    double peak = cpu ? spec.cpu.peak_macs_per_s * (r.model.find("_int8") != std::string::npos ? 2 : 1)
                      : spec.gpu.peak_macs_per_s;
    std::string why = reject_reason(r, gpu, m == ncnn.macs.end() ? 0 : m->second, peak);
    if (!why.empty()) {
      ++report.rejected[why];
      continue;
    }
    ++report.accepted;
    (cpu ? cpu_rows : gpu_rows)[r.model] = r;
  }
  // Fit the CPU and GPU rooflines to the fp32 rows of models with layer lists.
  auto fit = [&](const std::map<std::string, sources::BenchRow>& rs) {
    std::vector<std::pair<const std::vector<Layer>*, double>> pts;
    for (const auto& [name, r] : rs)
      if (name.find("_int8") == std::string::npos && ncnn.layers.count(name)) pts.push_back({&ncnn.layers.at(name), r.avg_ms});
    return fit_roofline(pts);
  };
  std::vector<ProcSpec> procs{spec.cpu, spec.gpu, spec.npu};
  std::vector<Roofline> roofs{fit(cpu_rows), fit(gpu_rows), spec.npu_roof};
  report.notes.push_back(fmt::format("{}: fitted roofline cpu {} MAC/s, {} B/s; gpu {} MAC/s, {} B/s; npu (estimated) {} MAC/s, {} B/s",
                                     spec.platform, num(roofs[0].macs_per_s), num(roofs[0].bytes_per_s), num(roofs[1].macs_per_s),
                                     num(roofs[1].bytes_per_s), num(roofs[2].macs_per_s), num(roofs[2].bytes_per_s)));
  // Median CPU int8/fp32 ratio over models measured both ways.
  std::vector<double> cpu_int8;
  std::vector<std::string> cpu_int8_models;
  for (const auto& [name, r] : cpu_rows) {
    if (name.find("_int8") != std::string::npos) continue;
    auto i8 = cpu_rows.find(name + "_int8");
    if (i8 == cpu_rows.end()) continue;
    cpu_int8.push_back(i8->second.avg_ms / r.avg_ms);
    cpu_int8_models.push_back(name);
  }
  double cpu_int8_ratio = cpu_int8.empty() ? -1 : median(cpu_int8);

  // Layer lists: targets and the references they are measured through.
  std::map<std::string, std::vector<Layer>> lists;
  std::vector<Target> targets = default_targets(data_dir, ncnn, lists, report);

  // NPU rows.
  auto npu_rows = spec.npu_rows(data_dir, report);
  auto [npu_ratio, npu_ratio_models] = spec.npu_int8_ratio(data_dir, report);

  for (auto& t : targets) {
    t.layers = lists.at(t.name);
    bool cnn_model = t.name == "resnet101";
    std::string cpu_src = cnn_model ? "resnet50" : "vision_transformer";
    std::vector<std::string> notes;
    // A device whose benchmark lacks the transformer row: fall back to ResNet-50 through the
    // same roofline ratio (a cross-architecture extrapolation, stated in the notes).
    if (!cpu_rows.count(cpu_src) && cpu_rows.count("resnet50")) {
      notes.push_back(fmt::format("no ncnn '{}' row on this device: cpu/gpu extrapolated from resnet50 by the roofline ratio", cpu_src));
      cpu_src = "resnet50";
    }
    // CPU.
    if (cpu_rows.count(cpu_src)) {
      Reference ref{&lists.at(cpu_src), base_from_bench(cpu_rows.at(cpu_src), "CPU 4 threads, big cores"), cpu_src};
      Base fp32 = from_reference(ref, t.layers, roofs[0], false, "cpu");
      t.base[{"cpu", "fp32"}] = fp32;
      Base fp16 = fp32;
      fp16.provenance.kind = "estimated";
      fp16.provenance.method = "fp16 on the CPU taken equal to the fp32 row: ncnn's benchmark already uses fp16 arithmetic "
                               "on cores that have it; " + fp32.provenance.method;
      t.base[{"cpu", "fp16"}] = fp16;
      if (cnn_model && cpu_rows.count("resnet50_int8")) {
        Reference r8{&lists.at("resnet50"), base_from_bench(cpu_rows.at("resnet50_int8"), "CPU 4 threads, big cores"), "resnet50_int8"};
        t.base[{"cpu", "int8"}] = from_reference(r8, t.layers, roofs[0], false, "cpu");
      } else if (cpu_int8_ratio > 0) {
        Base i8 = fp32;
        i8.mean_ms *= cpu_int8_ratio;
        i8.min_ms *= cpu_int8_ratio;
        i8.max_ms *= cpu_int8_ratio;
        i8.provenance.kind = "derived";
        i8.provenance.method = fmt::format("fp32 time x {} = median measured int8/fp32 ratio on this CPU over {}; fp32: {}",
                                           num(cpu_int8_ratio), fmt::join(cpu_int8_models, ", "), fp32.provenance.method);
        t.base[{"cpu", "int8"}] = i8;
      }
      notes.push_back(fmt::format("cpu/gpu: measured through ncnn '{}'", cpu_src));
    }
    // GPU (fp16 is what ncnn's Vulkan benchmark runs; int8 is not run on the GPU).
    if (gpu_rows.count(cpu_src)) {
      Reference ref{&lists.at(cpu_src), base_from_bench(gpu_rows.at(cpu_src), "Vulkan GPU"), cpu_src};
      Base fp32 = from_reference(ref, t.layers, roofs[1], false, "gpu");
      t.base[{"gpu", "fp32"}] = fp32;
      Base fp16 = fp32;
      fp16.provenance.kind = "derived";
      fp16.provenance.method = "the GPU row itself: ncnn's Vulkan benchmark runs fp16 storage and arithmetic (the device "
                               "reports fp16-p/s/a=1); " + fp32.provenance.method;
      t.base[{"gpu", "fp16"}] = fp16;
    } else {
      notes.push_back(fmt::format("gpu: no ncnn GPU row for '{}' on this device, so no GPU entries", cpu_src));
    }
    // NPU.
    const std::string& src = spec.npu_source.at(t.name);
    bool same = lists.at(src) == t.layers;
    for (const auto& r : npu_rows) {
      if (r.model != src) continue;
      Reference ref{&lists.at(src), r.row, src};
      t.base[{"npu", r.precision}] = from_reference(ref, t.layers, roofs[2], same, "npu");
    }
    if (!t.base.count({"npu", "int8"}) && t.base.count({"npu", "fp16"}) && npu_ratio > 0) {
      Base i8 = t.base.at({"npu", "fp16"});
      i8.mean_ms *= npu_ratio;
      i8.min_ms *= npu_ratio;
      i8.max_ms *= npu_ratio;
      i8.peak_memory_bytes = -1;
      i8.provenance = prov("derived", i8.provenance.source, i8.provenance.commit, i8.provenance.path,
                           fmt::format("fp16 time x {} = median measured int8/fp16 ratio on this NPU over {}; fp16: {}",
                                       num(npu_ratio), npu_ratio_models, i8.provenance.method.empty() ? "measured" : i8.provenance.method));
      t.base[{"npu", "int8"}] = i8;
    }
    if (!same) notes.push_back(fmt::format("npu: measured through '{}'", src));
    if (cnn_model) notes.push_back("layers: ResNet-50's ncnn layer list with the res4 stage repeated to 23 blocks");
    else notes.push_back("layers: built from the architecture's hyperparameters (no ncnn .param of this model)");
    t.notes = fmt::format("{}", fmt::join(notes, "; "));
    report.substitutions.push_back(fmt::format("{} {}: {}", spec.platform, t.name, t.notes));
  }

  Profile p;
  p.description = fmt::format("{}: CPU and GPU from the ncnn benchmark, NPU as noted per model; per-subgraph numbers "
                              "derived (see each value's provenance). Written by `stitchsim profile import`.",
                              spec.platform);
  p.platform = spec.platform;
  p.license = "derived from BSD-3-Clause and Apache-2.0 sources; notices in hw-models/profiles/NOTICE";
  add_models_and_boundaries(p, targets, procs, roofs,
                            "shared memory: a hand-off is a cache flush plus a driver call; 0.2 ms CPU<->GPU, 0.3 ms to or from "
                            "the NPU, plus 0.05 ms per MB of activations");
  return p;
}

}  // namespace

Profile import_sm8550(const std::string& data_dir, Report& report) {
  TriadSpec s;
  s.platform = "Snapdragon 8 Gen 2 (SM8550)";
  s.bench_section = "SM8550";
  // Peaks (MAC/s) for the sanity filter, from the chip's published configuration: CPU 1x X3 @
  // 3.2 GHz + 3x A715/A710 @ 2.8 GHz with fp16 NEON arithmetic (int8 rows: x2 again);
  // Adreno 740 about 3.5 TFLOPS fp16.
  s.cpu = {"cpu", "CPU", 236e9, true};
  s.gpu = {"gpu", "GPU", 3.5e12, false};
  s.npu = {"npu", "NPU", 17e12, false};
  s.npu_roof = {8e12, 50e9};
  s.npu_source = {{"resnet101", "resnet101"}, {"vit_small", "vit"}, {"bert_base", "nomic_embed_text"},
                  {"wav2vec2", "huggingface_wavlm_base_plus"}};
  auto dir = [](const std::string& d) { return fs::path(d) / "public/ai-hub-models" / kAihubCommit; };
  auto job_ids = std::make_shared<std::set<std::string>>();
  s.npu_rows = [dir, job_ids](const std::string& data, Report& rep) {
    std::vector<NpuRow> out;
    for (const char* m : {"resnet101", "vit", "nomic_embed_text", "huggingface_wavlm_base_plus"}) {
      auto rows = aihub_device_rows((dir(data) / m / "perf.yaml").string(), "Samsung Galaxy S23", rep, *job_ids);
      for (auto& [precision, b] : rows) {
        std::string prec = precision == "float" ? "fp16" : precision == "w8a8" ? "int8" : "";
        if (prec.empty()) {
          ++rep.rejected["ai-hub precision not in the zoo (w8a16, w4a16)"];
          continue;
        }
        ++rep.accepted;
        out.push_back({m, prec, b});
      }
    }
    return out;
  };
  s.npu_int8_ratio = [dir](const std::string& data, Report& rep) -> std::pair<double, std::string> {
    std::vector<double> ratios;
    std::vector<std::string> models;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(dir(data))) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    std::set<std::string> ids;  // separate from the target rows: the ratio is a second look at the data
    Report scratch;
    for (const auto& d : dirs) {
      if (!fs::exists(d / "perf.yaml")) continue;
      std::map<std::string, Base> rows;
      try {
        rows = aihub_device_rows((d / "perf.yaml").string(), "Samsung Galaxy S23", scratch, ids);
      } catch (const sim::ConfigError& e) {
        rep.notes.push_back(fmt::format("skipped unreadable {}: {}", (d / "perf.yaml").string(), e.what()));
        continue;
      }
      if (rows.count("float") && rows.count("w8a8")) {
        ratios.push_back(rows.at("w8a8").mean_ms / rows.at("float").mean_ms);
        models.push_back(d.filename().string());
      }
    }
    if (ratios.empty()) return {-1, ""};
    return {median(ratios), fmt::format("{} ai-hub-models {} S23 models ({})", models.size(), kAihubCommit, fmt::join(models, ", "))};
  };
  report.substitutions.push_back("SM8550 NPU: bert_base measured through nomic_embed_text (BERT-base-sized encoder, 128 tokens, float only); "
                                 "vit_small through ai-hub vit (ViT-B/16); wav2vec2 through WavLM-Base-Plus (same size, 20 s audio)");
  return import_triad(data_dir, s, report);
}

Profile import_rk3588(const std::string& data_dir, Report& report) {
  TriadSpec s;
  s.platform = "Rockchip RK3588";
  s.bench_section = "Rockchip RK3588 (Cortex-A76";
  // 4x A76 @ 2.4 GHz with fp16 NEON; Mali-G610 MP4 about 0.9 TFLOPS fp16; NPU 2 TOPS per core (the
  // rknn table is single-core).
  s.cpu = {"cpu", "CPU", 154e9, true};
  s.gpu = {"gpu", "GPU", 0.9e12, false};
  s.npu = {"npu", "NPU", 1e12, false};
  s.npu_roof = {1e12, 30e9};
  s.npu_source = {{"resnet101", "resnet50-v2-7"}, {"vit_small", "clip_images"}, {"bert_base", "clip_text"},
                  {"wav2vec2", "wav2vec2_base_960h_20s"}};
  s.npu_rows = [](const std::string& data, Report& rep) {
    std::string file = (fs::path(data) / "public/rknn_model_zoo/README.md").string();
    std::vector<NpuRow> out;
    for (const auto& r : sources::read_rknn_readme(file, "RK3588")) {
      bool wanted = r.model == "resnet50-v2-7" || r.model == "clip_images" || r.model == "clip_text" || r.model == "wav2vec2_base_960h_20s";
      if (!wanted) continue;
      NpuRow n;
      n.model = r.model;
      n.precision = r.dtype == "INT8" ? "int8" : "fp16";
      double ms = r.rtf > 0 ? r.rtf * 20.0 * 1000.0 : 1000.0 / r.fps;
      n.row.mean_ms = ms;
      n.row.provenance = prov("measured", fmt::format("rknn_model_zoo RK3588 single core, {} {} ({})", r.model, r.dtype,
                                                      r.rtf > 0 ? fmt::format("RTF {} on 20 s audio", num(r.rtf)) : fmt::format("{} FPS", num(r.fps))),
                              kRknnCommit, fmt::format("README.md:{}", r.line));
      ++rep.accepted;
      out.push_back(n);
    }
    return out;
  };
  s.npu_int8_ratio = [](const std::string&, Report&) -> std::pair<double, std::string> { return {-1, ""}; };
  report.substitutions.push_back("RK3588 NPU: resnet101 through resnet50-v2-7 INT8, vit_small through clip_images FP16 (ViT-B/32), "
                                 "bert_base through clip_text FP16; no fp16 CNN or int8 transformer row, so those are absent");
  return import_triad(data_dir, s, report);
}

}  // namespace hw::import
