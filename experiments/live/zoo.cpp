#include "experiments/live/zoo.h"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "sim/rng.h"

namespace live {
namespace fs = std::filesystem;

namespace {

int read_int(const sim::ConfigNode& node, std::string_view key, int fallback, int min, int max) {
  std::int64_t v = node.get_int(key, fallback);
  if (v < min || v > max) node.at(key).fail(fmt::format("must be in [{}, {}]", min, max));
  return static_cast<int>(v);
}

std::vector<int> read_int_list(const sim::ConfigNode& node, int min, int max) {
  std::vector<int> out;
  if (node.size() == 0) node.fail("needs at least one entry");
  for (const auto& e : node.elements()) {
    std::int64_t v = e.as_int();
    if (v < min || v > max) e.fail(fmt::format("must be in [{}, {}]", min, max));
    out.push_back(static_cast<int>(v));
  }
  return out;
}

VariantSpec read_variant(const sim::ConfigNode& n) {
  n.expect_keys({"name", "precision", "pruning", "sparsity"});
  VariantSpec v;
  v.name = n.at("name").as_string();
  v.precision = n.get_string("precision", "fp32");
  if (v.precision != "fp32" && v.precision != "int8") n.at("precision").fail("the live backend runs fp32 or int8");
  v.pruning = n.get_string("pruning", "none");
  if (v.pruning != "none" && v.pruning != "structured" && v.pruning != "unstructured") {
    n.at("pruning").fail("must be one of: none, structured, unstructured");
  }
  v.sparsity = n.get_double("sparsity", 0.0, 0.0, 0.99);
  if (v.pruning != "none" && v.sparsity <= 0) n.at("sparsity").fail("a pruned variant needs sparsity > 0");
  if (v.pruning == "none" && v.sparsity != 0) n.at("sparsity").fail("sparsity needs pruning structured or unstructured");
  if (v.pruning == "unstructured" && v.precision == "int8") {
    n.at("precision").fail("unstructured sparsity runs in fp32 only (the sparse kernels are fp32)");
  }
  return v;
}

std::vector<VariantSpec> read_variants(const sim::ConfigNode& list) {
  std::vector<VariantSpec> out;
  if (list.size() == 0) list.fail("needs at least one variant");
  for (const auto& e : list.elements()) {
    VariantSpec v = read_variant(e);
    for (const auto& o : out)
      if (o.name == v.name) e.at("name").fail(fmt::format("duplicate variant '{}'", v.name));
    out.push_back(v);
  }
  if (out.front().pruning != "none" || out.front().precision != "fp32") {
    list.at(std::size_t{0}).fail("the first variant must be the dense fp32 base model (accuracy is measured against it)");
  }
  return out;
}

ResnetSize read_resnet(const sim::ConfigNode& n) {
  n.expect_keys({"input_hw", "in_channels", "stem_channels", "classes", "stage_blocks", "stage_channels"});
  ResnetSize s;
  s.input_hw = read_int(n, "input_hw", s.input_hw, 8, 1024);
  s.in_channels = read_int(n, "in_channels", s.in_channels, 1, 64);
  s.stem_channels = read_int(n, "stem_channels", s.stem_channels, 1, 4096);
  s.classes = read_int(n, "classes", s.classes, 2, 100000);
  if (n.has("stage_blocks")) s.stage_blocks = read_int_list(n.at("stage_blocks"), 1, 64);
  if (n.has("stage_channels")) s.stage_channels = read_int_list(n.at("stage_channels"), 2, 8192);
  if (s.stage_blocks.size() != s.stage_channels.size()) n.fail("stage_blocks and stage_channels need the same length");
  return s;
}

TransformerSize read_transformer(const sim::ConfigNode& n) {
  n.expect_keys({"tokens", "input_dim", "dim", "heads", "ffn_dim", "layers", "classes"});
  TransformerSize s;
  s.tokens = read_int(n, "tokens", s.tokens, 1, 8192);
  s.input_dim = read_int(n, "input_dim", s.input_dim, 1, 65536);
  s.dim = read_int(n, "dim", s.dim, 2, 65536);
  s.heads = read_int(n, "heads", s.heads, 1, 1024);
  s.ffn_dim = read_int(n, "ffn_dim", s.ffn_dim, 2, 262144);
  s.layers = read_int(n, "layers", s.layers, 1, 256);
  s.classes = read_int(n, "classes", s.classes, 2, 100000);
  if (s.dim % s.heads != 0) n.at("heads").fail("dim must be a multiple of heads");
  return s;
}

}  // namespace

ZooConfig read_zoo_config(const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  std::string base = fs::path(file).parent_path().string();
  return read_zoo_config(sim::ConfigNode(j, file), base.empty() ? "." : base);
}

ZooConfig read_zoo_config(const sim::ConfigNode& root, const std::string& base_dir) {
  root.expect_keys({"description", "seed", "processors", "measure", "accuracy", "variants", "models"});
  ZooConfig z;
  z.file = root.file();
  z.description = root.get_string("description", "");
  std::int64_t seed = root.get_int("seed", 1);
  if (seed < 0) root.at("seed").fail("must not be negative");
  z.seed = static_cast<std::uint64_t>(seed);
  int cpus = static_cast<int>(std::thread::hardware_concurrency());
  auto procs = root.at("processors");
  if (procs.size() == 0) procs.fail("needs at least one processor");
  for (const auto& p : procs.elements()) {
    p.expect_keys({"name", "cores"});
    ProcessorSpec ps{p.at("name").as_string(), read_int_list(p.at("cores"), 0, std::max(cpus, 1) - 1)};
    for (const auto& o : z.processors)
      if (o.name == ps.name) p.at("name").fail(fmt::format("duplicate processor '{}'", ps.name));
    z.processors.push_back(ps);
  }
  if (root.has("measure")) {
    auto m = root.at("measure");
    m.expect_keys({"warmup", "repeats", "batch", "max_seconds_per_unit", "realtime", "cold_repeats", "cold_gap_ms",
                   "reuse_gaps_ms", "reuse_repeats", "runtime_repeats"});
    z.realtime = m.get_bool("realtime", false);
    z.max_seconds_per_unit = m.get_double("max_seconds_per_unit", z.max_seconds_per_unit, 0.001, 3600.0);
    z.warmup = read_int(m, "warmup", z.warmup, 0, 100000);
    z.repeats = read_int(m, "repeats", z.repeats, 1, 1000000);
    z.batch = read_int(m, "batch", z.batch, 1, 4096);
    z.cold_repeats = read_int(m, "cold_repeats", z.cold_repeats, 0, 10000);
    z.cold_gap_ms = m.get_double("cold_gap_ms", z.cold_gap_ms, 0.0, 10000.0);
    z.reuse_repeats = read_int(m, "reuse_repeats", z.reuse_repeats, 1, 10000);
    z.runtime_repeats = read_int(m, "runtime_repeats", z.runtime_repeats, 0, 100000);
    if (m.has("reuse_gaps_ms")) {
      auto g = m.at("reuse_gaps_ms");
      if (g.size() == 0) g.fail("needs at least one idle time");
      z.reuse_gaps_ms.clear();
      for (const auto& e : g.elements()) {
        z.reuse_gaps_ms.push_back(e.as_double(0.001, 10000.0));
        if (z.reuse_gaps_ms.size() > 1 && z.reuse_gaps_ms.back() <= z.reuse_gaps_ms[z.reuse_gaps_ms.size() - 2]) {
          e.fail("idle times must be strictly increasing");
        }
      }
    }
    if (z.cold_repeats > 0 && z.reuse_gaps_ms.back() >= z.cold_gap_ms) {
      (m.has("reuse_gaps_ms") ? m.at("reuse_gaps_ms") : m).fail(
          fmt::format("reuse idle times must stay below cold_gap_ms ({} ms)", z.cold_gap_ms));
    }
  }
  if (root.has("accuracy")) {
    auto a = root.at("accuracy");
    a.expect_keys({"samples"});
    z.accuracy_samples = read_int(a, "samples", z.accuracy_samples, 1, 100000);
  }
  std::vector<VariantSpec> shared;
  if (root.has("variants")) shared = read_variants(root.at("variants"));
  auto models = root.at("models");
  if (models.size() == 0) models.fail("needs at least one model");
  for (const auto& mn : models.elements()) {
    mn.expect_keys({"name", "kind", "subgraphs", "size", "weights", "variants", "stitched_accuracy", "stitched_latency"});
    ZooModelSpec m;
    m.name = mn.at("name").as_string();
    for (const auto& o : z.models)
      if (o.name == m.name) mn.at("name").fail(fmt::format("duplicate model '{}'", m.name));
    m.kind = mn.at("kind").as_string();
    m.subgraphs = read_int(mn, "subgraphs", 3, 1, 64);
    if (m.kind == "resnet") {
      if (mn.has("size")) m.resnet = read_resnet(mn.at("size"));
      if (mn.has("weights")) mn.at("weights").fail("only kind mlp reads weights from a file");
    } else if (m.kind == "transformer") {
      if (mn.has("size")) m.transformer = read_transformer(mn.at("size"));
      if (mn.has("weights")) mn.at("weights").fail("only kind mlp reads weights from a file");
    } else if (m.kind == "mlp") {
      if (mn.has("size")) mn.at("size").fail("an mlp's size comes from its weights file");
      fs::path f(mn.at("weights").as_string());
      m.weights_file = (f.is_relative() ? fs::path(base_dir) / f : f).lexically_normal().string();
    } else {
      mn.at("kind").fail(fmt::format("unknown model kind '{}' (kinds: resnet, transformer, mlp)", m.kind));
    }
    if (mn.has("variants")) {
      m.variants = read_variants(mn.at("variants"));
    } else if (!shared.empty()) {
      m.variants = shared;
    } else {
      mn.fail("no variants: give the model a \"variants\" list or the config a top-level one");
    }
    std::string sa = mn.get_string("stitched_accuracy", "none");
    if (sa != "none" && sa != "all") mn.at("stitched_accuracy").fail("must be \"none\" or \"all\"");
    m.stitched_accuracy = sa == "all";
    if (mn.has("stitched_latency")) {
      auto sl = mn.at("stitched_latency");
      sl.expect_keys({"samples", "warmup", "repeats"});
      m.stitched_latency.samples = read_int(sl, "samples", 0, 0, 1000000);
      m.stitched_latency.warmup = read_int(sl, "warmup", m.stitched_latency.warmup, 0, 100000);
      m.stitched_latency.repeats = read_int(sl, "repeats", m.stitched_latency.repeats, 1, 100000);
    }
    z.models.push_back(std::move(m));
  }
  z.resolved = root.json();
  return z;
}

Zoo::Zoo(const ZooConfig& config) : config_(config) {
  for (const auto& spec : config_.models) {
    ZooModel zm;
    zm.spec = spec;
    Model base;
    Dataset calibration;
    if (spec.kind == "mlp") {
      TrainedMlp t = load_trained_mlp(spec.name, spec.weights_file);
      base = std::move(t.model);
      calibration = std::move(t.calibration);
      zm.eval = std::move(t.test);
      zm.labelled = true;
    } else {
      base = spec.kind == "resnet" ? make_resnet(spec.name, spec.resnet, config_.seed)
                                   : make_transformer(spec.name, spec.transformer, config_.seed);
    }
    try {
      cut_evenly(base, spec.subgraphs);
    } catch (const std::invalid_argument& e) {
      throw sim::ConfigError(config_.file, fmt::format("$.models[{}].subgraphs", models_.size()), e.what());
    }
    models_.push_back(std::move(zm));
    ZooModel& m = models_.back();
    if (!m.labelled) {
      calibration.samples = 8;
      calibration.features = static_cast<int>(base.input.elements());
      calibration.inputs = random_input(base, 8, config_.seed, 1);
      m.eval.samples = config_.accuracy_samples;
      m.eval.features = calibration.features;
      m.eval.inputs = random_input(base, config_.accuracy_samples, config_.seed, 2);
    }
    for (const auto& v : spec.variants) {
      Model vm = apply_variant(base, v);
      if (vm.int8) calibrate(vm, calibration.inputs, calibration.samples);
      m.variants.push_back(std::move(vm));
    }
  }
}

int Zoo::find_model(const std::string& name) const {
  for (std::size_t i = 0; i < models_.size(); ++i)
    if (models_[i].spec.name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace live
