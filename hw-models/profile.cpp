#include "hw-models/profile.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hw {

int ModelProfile::find_variant(const std::string& n) const {
  for (std::size_t i = 0; i < variants.size(); ++i)
    if (variants[i].name == n) return static_cast<int>(i);
  return -1;
}

int Profile::find_model(const std::string& n) const {
  for (std::size_t i = 0; i < models.size(); ++i)
    if (models[i].name == n) return static_cast<int>(i);
  return -1;
}

int Profile::find_processor(const std::string& n) const {
  for (std::size_t i = 0; i < processors.size(); ++i)
    if (processors[i] == n) return static_cast<int>(i);
  return -1;
}

namespace {

Provenance read_provenance(const sim::ConfigNode& node) {
  node.expect_keys({"kind", "source", "method"});
  Provenance p;
  p.kind = node.get_string("kind", "estimated");
  if (p.kind != "measured" && p.kind != "derived" && p.kind != "estimated") {
    node.at("kind").fail("must be one of: measured, derived, estimated");
  }
  p.source = node.get_string("source", "");
  p.method = node.get_string("method", "");
  return p;
}

ZooVariant read_variant(const sim::ConfigNode& node) {
  node.expect_keys({"name", "precision", "pruning", "sparsity", "accuracy"});
  ZooVariant v;
  v.name = node.at("name").as_string();
  v.precision = node.get_string("precision", "fp32");
  if (v.precision != "fp32" && v.precision != "fp16" && v.precision != "int8") {
    node.at("precision").fail("must be one of: fp32, fp16, int8");
  }
  v.pruning = node.get_string("pruning", "none");
  if (v.pruning != "none" && v.pruning != "structured" && v.pruning != "unstructured") {
    node.at("pruning").fail("must be one of: none, structured, unstructured");
  }
  v.sparsity = node.get_double("sparsity", 0.0, 0.0, 0.999);
  v.accuracy = node.at("accuracy").as_double(0.0, 1.0);
  return v;
}

// Resolves an entry's "variant" and "subgraph" to indices, with path-naming errors.
std::pair<int, int> read_unit_key(const sim::ConfigNode& e, const ModelProfile& m) {
  std::string vname = e.at("variant").as_string();
  int v = m.find_variant(vname);
  if (v < 0) e.at("variant").fail(fmt::format("unknown variant '{}' of model '{}'", vname, m.name));
  std::int64_t s = e.at("subgraph").as_int();
  if (s < 0 || s >= m.subgraph_count) {
    e.at("subgraph").fail(fmt::format("subgraph {} out of range (model '{}' has {})", s, m.name, m.subgraph_count));
  }
  return {v, static_cast<int>(s)};
}

LatencyDist read_latency(const sim::ConfigNode& e) {
  LatencyDist d;
  if (e.has("samples_ms")) {
    auto arr = e.at("samples_ms");
    if (arr.size() == 0) arr.fail("needs at least one sample");
    double sum = 0, sq = 0;
    d.min_ms = 1e300;
    for (const auto& x : arr.elements()) {
      double v = x.as_double(0.0);
      d.samples_ms.push_back(v);
      sum += v;
      sq += v * v;
      d.min_ms = std::min(d.min_ms, v);
      d.max_ms = std::max(d.max_ms, v);
    }
    double n = static_cast<double>(d.samples_ms.size());
    d.mean_ms = sum / n;
    d.stddev_ms = std::sqrt(std::max(0.0, sq / n - d.mean_ms * d.mean_ms));
  } else {
    d.mean_ms = e.at("mean_ms").as_double(0.0);
    d.stddev_ms = e.get_double("stddev_ms", 0.0, 0.0);
    d.min_ms = e.get_double("min_ms", 0.0, 0.0);
    d.max_ms = e.get_double("max_ms", 0.0, 0.0);
    if (d.max_ms > 0 && d.max_ms < d.min_ms) e.at("max_ms").fail("max_ms is below min_ms");
  }
  if (e.has("provenance")) d.provenance = read_provenance(e.at("provenance"));
  return d;
}

ModelProfile read_model(const sim::ConfigNode& node, const std::string& name, const Profile& profile) {
  node.expect_keys({"subgraph_count", "variants", "memory", "latency", "notes"});
  ModelProfile m;
  m.name = name;
  m.subgraph_count = static_cast<int>(node.at("subgraph_count").as_int());
  if (m.subgraph_count < 1 || m.subgraph_count > 64) node.at("subgraph_count").fail("must be in [1, 64]");
  auto vars = node.at("variants");
  if (vars.size() == 0) vars.fail("a model needs at least one variant");
  for (const auto& vn : vars.elements()) {
    ZooVariant v = read_variant(vn);
    if (m.find_variant(v.name) >= 0) vn.at("name").fail(fmt::format("duplicate variant '{}'", v.name));
    m.variants.push_back(v);
  }
  std::size_t units = m.variants.size() * static_cast<std::size_t>(m.subgraph_count);
  std::size_t procs = profile.processors.size();
  m.memory.assign(units, UnitMemory{});
  std::vector<bool> have_memory(units, false);
  for (const auto& e : node.at("memory").elements()) {
    e.expect_keys({"variant", "subgraph", "weights_bytes", "activation_bytes", "load_ms", "provenance"});
    auto [v, s] = read_unit_key(e, m);
    std::size_t k = static_cast<std::size_t>(v * m.subgraph_count + s);
    if (have_memory[k]) e.fail("duplicate memory entry for this variant and subgraph");
    have_memory[k] = true;
    auto& u = m.memory[k];
    u.weights_bytes = e.at("weights_bytes").as_int();
    if (u.weights_bytes < 0) e.at("weights_bytes").fail("must not be negative");
    u.activation_bytes = e.get_int("activation_bytes", 0);
    if (u.activation_bytes < 0) e.at("activation_bytes").fail("must not be negative");
    u.load_ms = e.has("load_ms") ? e.at("load_ms").as_double(0.0) : -1.0;
    if (e.has("provenance")) read_provenance(e.at("provenance"));
  }
  for (std::size_t k = 0; k < units; ++k) {
    if (!have_memory[k]) {
      node.at("memory").fail(fmt::format("no entry for variant '{}' subgraph {}",
                                         m.variants[k / static_cast<std::size_t>(m.subgraph_count)].name,
                                         k % static_cast<std::size_t>(m.subgraph_count)));
    }
  }
  m.latency.assign(units * procs, std::nullopt);
  for (const auto& e : node.at("latency").elements()) {
    e.expect_keys({"variant", "subgraph", "processor", "mean_ms", "stddev_ms", "min_ms", "max_ms", "samples_ms",
                   "provenance"});
    auto [v, s] = read_unit_key(e, m);
    std::string pname = e.at("processor").as_string();
    int p = profile.find_processor(pname);
    if (p < 0) {
      e.at("processor").fail(fmt::format("unknown processor '{}' (profile processors: {})", pname,
                                         fmt::join(profile.processors, ", ")));
    }
    std::size_t k = static_cast<std::size_t>(v * m.subgraph_count + s) * procs + static_cast<std::size_t>(p);
    if (m.latency[k]) e.fail("duplicate latency entry for this variant, subgraph and processor");
    m.latency[k] = read_latency(e);
  }
  return m;
}

}  // namespace

Profile read_profile_json(const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  Profile p = read_profile_json(sim::ConfigNode(j, file));
  return p;
}

Profile read_profile_json(const sim::ConfigNode& root) {
  root.expect_keys({"format", "version", "description", "illustrative", "license", "processors", "models"});
  if (root.at("format").as_string() != "stitchsim-profile") root.at("format").fail("expected \"stitchsim-profile\"");
  if (root.at("version").as_int() != 1) root.at("version").fail("unsupported profile version (this build reads 1)");
  Profile p;
  p.file = root.file();
  p.description = root.get_string("description", "");
  p.illustrative = root.get_bool("illustrative", false);
  for (const auto& pn : root.at("processors").elements()) {
    std::string n = pn.as_string();
    if (p.find_processor(n) >= 0) pn.fail(fmt::format("duplicate processor '{}'", n));
    p.processors.push_back(n);
  }
  auto models = root.at("models");
  for (const auto& name : models.keys()) p.models.push_back(read_model(models.at(name), name, p));
  return p;
}

}  // namespace hw
