#include "hw-models/profile.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "hw-models/profile_h5.h"

namespace hw {

int ModelProfile::find_variant(const std::string& n) const {
  for (std::size_t i = 0; i < variants.size(); ++i)
    if (variants[i].name == n) return static_cast<int>(i);
  return -1;
}

int ModelProfile::find_layer(const std::string& n) const {
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == n) return static_cast<int>(i);
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

bool ModelProfile::operator==(const ModelProfile&) const = default;

bool Profile::operator==(const Profile& o) const {
  return description == o.description && illustrative == o.illustrative && processors == o.processors &&
         processor_kinds == o.processor_kinds && platform == o.platform && license == o.license &&
         models == o.models && boundary_costs == o.boundary_costs;
}

namespace {

// Runs one entry's reader. In collecting mode a ConfigError is recorded and reading goes on
// with the next entry; otherwise it propagates (the first problem ends the read).
class Problems {
 public:
  explicit Problems(std::vector<sim::ConfigError>* out) : out_(out) {}
  template <class F>
  void guard(F&& f) {
    if (!out_) {
      f();
      return;
    }
    try {
      f();
    } catch (const sim::ConfigError& e) {
      out_->push_back(e);
    }
  }
  void report(const sim::ConfigNode& node, const std::string& message) {
    guard([&] { node.fail(message); });
  }

 private:
  std::vector<sim::ConfigError>* out_;
};

const std::vector<std::string> kPrecisions = {"fp32", "fp16", "int8"};
const std::vector<std::string> kProcessorKinds = {"CPU", "GPU", "NPU", "DSP"};

std::string read_choice(const sim::ConfigNode& node, const std::vector<std::string>& valid) {
  std::string s = node.as_string();
  if (std::find(valid.begin(), valid.end(), s) == valid.end()) {
    node.fail(fmt::format("'{}' is not one of: {}", s, fmt::join(valid, ", ")));
  }
  return s;
}

Provenance read_provenance(const sim::ConfigNode& node) {
  node.expect_keys({"kind", "source", "method", "commit", "path"});
  Provenance p;
  p.kind = node.has("kind") ? read_choice(node.at("kind"), {"measured", "derived", "estimated", "not applicable"}) : "estimated";
  p.source = node.get_string("source", "");
  p.method = node.get_string("method", "");
  p.commit = node.get_string("commit", "");
  p.path = node.get_string("path", "");
  if (p.kind == "derived" && p.method.empty()) node.fail("a derived value needs a \"method\"");
  return p;
}

Provenance read_optional_provenance(const sim::ConfigNode& e, std::string_view key) {
  return e.has(key) ? read_provenance(e.at(key)) : Provenance{};
}

std::vector<int> read_cuts(const sim::ConfigNode& node, int subgraphs, std::size_t layers) {
  if (node.size() != static_cast<std::size_t>(subgraphs) + 1) {
    node.fail(fmt::format("needs {} entries (subgraph_count + 1), got {}", subgraphs + 1, node.size()));
  }
  std::vector<int> cuts;
  for (const auto& c : node.elements()) {
    std::int64_t v = c.as_int();
    if (v < 0 || v > static_cast<std::int64_t>(layers)) c.fail(fmt::format("layer index {} out of range [0, {}]", v, layers));
    if (!cuts.empty() && v <= cuts.back()) c.fail("cuts must increase strictly (every subgraph needs a layer)");
    cuts.push_back(static_cast<int>(v));
  }
  if (cuts.front() != 0) node.at(0).fail("the first cut must be 0");
  if (cuts.back() != static_cast<int>(layers)) node.at(cuts.size() - 1).fail(fmt::format("the last cut must be the layer count {}", layers));
  return cuts;
}

ZooVariant read_variant(const sim::ConfigNode& node) {
  node.expect_keys({"name", "precision", "pruning", "sparsity", "accuracy", "accuracy_provenance", "subgraph_cuts"});
  ZooVariant v;
  v.name = node.at("name").as_string();
  if (v.name.empty()) node.at("name").fail("must not be empty");
  v.precision = node.has("precision") ? read_choice(node.at("precision"), kPrecisions) : "fp32";
  v.pruning = node.has("pruning") ? read_choice(node.at("pruning"), {"none", "structured", "unstructured"}) : "none";
  v.sparsity = node.get_double("sparsity", 0.0, 0.0, 0.999);
  v.accuracy = node.at("accuracy").as_double(0.0, 1.0);
  v.accuracy_provenance = read_optional_provenance(node, "accuracy_provenance");
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

int read_variant_key(const sim::ConfigNode& e, const ModelProfile& m) {
  std::string vname = e.at("variant").as_string();
  int v = m.find_variant(vname);
  if (v < 0) e.at("variant").fail(fmt::format("unknown variant '{}' of model '{}'", vname, m.name));
  return v;
}

int read_processor_key(const sim::ConfigNode& node, const Profile& profile) {
  std::string pname = node.as_string();
  int p = profile.find_processor(pname);
  if (p < 0) {
    node.fail(fmt::format("unknown processor '{}' (profile processors: {})", pname, fmt::join(profile.processors, ", ")));
  }
  return p;
}

int read_layer_key(const sim::ConfigNode& node, const ModelProfile& m) {
  std::string lname = node.as_string();
  int l = m.find_layer(lname);
  if (l < 0) node.fail(fmt::format("unknown layer '{}' of model '{}'", lname, m.name));
  return l;
}

const std::vector<std::string> kLatencyKeys = {"mean_ms", "stddev_ms", "min_ms", "max_ms", "count", "samples_ms", "cold_mean_ms", "provenance"};

std::vector<std::string> with_latency_keys(std::vector<std::string> keys) {
  keys.insert(keys.end(), kLatencyKeys.begin(), kLatencyKeys.end());
  return keys;
}

LatencyDist read_latency(const sim::ConfigNode& e) {
  LatencyDist d;
  if (e.has("samples_ms")) {
    auto arr = e.at("samples_ms");
    if (arr.size() == 0) arr.fail("needs at least one sample");
    double sum = 0, sq = 0;
    d.min_ms = 1e300;
    for (const auto& x : arr.elements()) {
      double v = x.as_double(0.0, sim::kMaxInputMs);
      d.samples_ms.push_back(v);
      sum += v;
      sq += v * v;
      d.min_ms = std::min(d.min_ms, v);
      d.max_ms = std::max(d.max_ms, v);
    }
    double n = static_cast<double>(d.samples_ms.size());
    d.mean_ms = sum / n;
    d.stddev_ms = std::sqrt(std::max(0.0, sq / n - d.mean_ms * d.mean_ms));
    d.count = static_cast<std::int64_t>(d.samples_ms.size());
  } else {
    d.mean_ms = e.at("mean_ms").as_double(0.0, sim::kMaxInputMs);
    d.stddev_ms = e.get_double("stddev_ms", 0.0, 0.0, sim::kMaxInputMs);
    d.min_ms = e.get_double("min_ms", 0.0, 0.0, sim::kMaxInputMs);
    d.max_ms = e.get_double("max_ms", 0.0, 0.0, sim::kMaxInputMs);
    if (d.max_ms > 0 && d.max_ms < d.min_ms) e.at("max_ms").fail("max_ms is below min_ms");
    d.count = e.get_int("count", 0);
    if (d.count < 0) e.at("count").fail("must not be negative");
  }
  d.cold_mean_ms = e.get_double("cold_mean_ms", 0.0, 0.0, sim::kMaxInputMs);
  d.provenance = read_optional_provenance(e, "provenance");
  return d;
}

std::int64_t read_bytes(const sim::ConfigNode& e, std::string_view key, std::int64_t fallback) {
  if (!e.has(key)) return fallback;
  std::int64_t v = e.at(key).as_int();
  if (v < 0) e.at(key).fail("must not be negative");
  if (v > sim::kMaxInputBytes) e.at(key).fail(fmt::format("is too large (at most {} bytes)", sim::kMaxInputBytes));
  return v;
}

void read_layers(const sim::ConfigNode& node, ModelProfile& m, Problems& problems) {
  for (const auto& e : node.at("layers").elements()) {
    e.expect_keys({"name", "kind", "macs", "weight_bytes", "activation_bytes", "provenance"});
    Layer l;
    l.name = e.at("name").as_string();
    if (m.find_layer(l.name) >= 0) e.at("name").fail(fmt::format("duplicate layer '{}'", l.name));
    problems.guard([&] {
      l.kind = e.get_string("kind", "");
      l.macs = read_bytes(e, "macs", 0);
      l.weight_bytes = read_bytes(e, "weight_bytes", 0);
      l.activation_bytes = read_bytes(e, "activation_bytes", 0);
      l.provenance = read_optional_provenance(e, "provenance");
    });
    m.layers.push_back(l);
  }
  if (!node.has("subgraph_cuts")) node.fail("a model with \"layers\" needs \"subgraph_cuts\"");
  m.subgraph_cuts = read_cuts(node.at("subgraph_cuts"), m.subgraph_count, m.layers.size());
}

ModelProfile read_model(const sim::ConfigNode& node, const std::string& name, const Profile& profile,
                        Problems& problems) {
  node.expect_keys({"subgraph_count", "variants", "memory", "latency", "notes", "layers", "subgraph_cuts", "runs",
                    "layer_latency", "layer_load", "stitched_accuracy", "stitched_latency"});
  ModelProfile m;
  m.name = name;
  m.notes = node.get_string("notes", "");
  m.subgraph_count = static_cast<int>(node.at("subgraph_count").as_int());
  if (m.subgraph_count < 1 || m.subgraph_count > 64) node.at("subgraph_count").fail("must be in [1, 64]");
  if (node.has("layers")) read_layers(node, m, problems);
  else if (node.has("subgraph_cuts")) node.at("subgraph_cuts").fail("subgraph cuts need a \"layers\" list");
  auto vars = node.at("variants");
  if (vars.size() == 0) vars.fail("a model needs at least one variant");
  for (const auto& vn : vars.elements()) {
    ZooVariant v = read_variant(vn);
    if (m.find_variant(v.name) >= 0) vn.at("name").fail(fmt::format("duplicate variant '{}'", v.name));
    if (vn.has("subgraph_cuts")) {
      problems.guard([&] {
        if (m.layers.empty()) vn.at("subgraph_cuts").fail("subgraph cuts need the model's \"layers\" list");
        v.subgraph_cuts = read_cuts(vn.at("subgraph_cuts"), m.subgraph_count, m.layers.size());
      });
    }
    m.variants.push_back(v);
  }
  const std::size_t S = static_cast<std::size_t>(m.subgraph_count);
  const std::size_t V = m.variants.size();
  const std::size_t P = profile.processors.size();
  const std::size_t L = m.layers.size();
  std::size_t units = V * S;
  m.memory.assign(units, UnitMemory{});
  std::vector<bool> have_memory(units, false);
  for (const auto& e : node.at("memory").elements()) {
    problems.guard([&] {
      e.expect_keys({"variant", "subgraph", "weights_bytes", "activation_bytes", "load_ms", "compile_ms", "provenance"});
      auto [v, s] = read_unit_key(e, m);
      std::size_t k = static_cast<std::size_t>(v) * S + static_cast<std::size_t>(s);
      if (have_memory[k]) e.fail("duplicate memory entry for this variant and subgraph");
      have_memory[k] = true;
      auto& u = m.memory[k];
      if (!e.has("weights_bytes")) e.at("weights_bytes");  // required: throws naming the path
      u.weights_bytes = read_bytes(e, "weights_bytes", 0);
      u.activation_bytes = read_bytes(e, "activation_bytes", 0);
      u.load_ms = e.has("load_ms") ? e.at("load_ms").as_double(0.0, sim::kMaxInputMs) : -1.0;
      u.compile_ms = e.has("compile_ms") ? e.at("compile_ms").as_double(0.0, sim::kMaxInputMs) : -1.0;
      u.provenance = read_optional_provenance(e, "provenance");
    });
  }
  for (std::size_t k = 0; k < units; ++k) {
    if (!have_memory[k]) {
      problems.report(node.at("memory"), fmt::format("no entry for variant '{}' subgraph {}", m.variants[k / S].name, k % S));
    }
  }
  m.latency.assign(units * P, std::nullopt);
  for (const auto& e : node.at("latency").elements()) {
    problems.guard([&] {
      e.expect_keys(with_latency_keys({"variant", "subgraph", "processor"}));
      auto [v, s] = read_unit_key(e, m);
      int p = read_processor_key(e.at("processor"), profile);
      std::size_t k = (static_cast<std::size_t>(v) * S + static_cast<std::size_t>(s)) * P + static_cast<std::size_t>(p);
      if (m.latency[k]) e.fail("duplicate latency entry for this variant, subgraph and processor");
      m.latency[k] = read_latency(e);
    });
  }
  if (node.has("runs")) {
    m.runs.assign(V * P, std::nullopt);
    for (const auto& e : node.at("runs").elements()) {
      problems.guard([&] {
        e.expect_keys(with_latency_keys({"variant", "processor", "peak_memory_bytes", "memory_provenance"}));
        int v = read_variant_key(e, m);
        int p = read_processor_key(e.at("processor"), profile);
        auto& slot = m.runs[static_cast<std::size_t>(v) * P + static_cast<std::size_t>(p)];
        if (slot) e.fail("duplicate run entry for this variant and processor");
        ModelRun r;
        r.latency = read_latency(e);
        r.peak_memory_bytes = read_bytes(e, "peak_memory_bytes", -1);
        r.memory_provenance = read_optional_provenance(e, "memory_provenance");
        slot = r;
      });
    }
  }
  if (node.has("layer_latency") || node.has("layer_load")) {
    if (L == 0) node.fail("per-layer times need a \"layers\" list");
  }
  if (node.has("layer_latency")) {
    m.layer_latency.assign(V * L * P, std::nullopt);
    for (const auto& e : node.at("layer_latency").elements()) {
      problems.guard([&] {
        e.expect_keys(with_latency_keys({"variant", "layer", "processor"}));
        int v = read_variant_key(e, m);
        int l = read_layer_key(e.at("layer"), m);
        int p = read_processor_key(e.at("processor"), profile);
        auto& slot = m.layer_latency[(static_cast<std::size_t>(v) * L + static_cast<std::size_t>(l)) * P + static_cast<std::size_t>(p)];
        if (slot) e.fail("duplicate layer latency entry for this variant, layer and processor");
        slot = read_latency(e);
      });
    }
  }
  if (node.has("layer_load")) {
    m.layer_load.assign(V * L, std::nullopt);
    for (const auto& e : node.at("layer_load").elements()) {
      problems.guard([&] {
        e.expect_keys(with_latency_keys({"variant", "layer"}));
        int v = read_variant_key(e, m);
        int l = read_layer_key(e.at("layer"), m);
        auto& slot = m.layer_load[static_cast<std::size_t>(v) * L + static_cast<std::size_t>(l)];
        if (slot) e.fail("duplicate layer load entry for this variant and layer");
        slot = read_latency(e);
      });
    }
  }
  if (node.has("stitched_accuracy")) {
    for (const auto& e : node.at("stitched_accuracy").elements()) {
      problems.guard([&] {
        e.expect_keys({"variants", "accuracy", "measure_s", "provenance"});
        StitchedAccuracy sa;
        auto names = e.at("variants");
        if (names.size() != S) names.fail(fmt::format("needs one variant per subgraph ({}), got {}", S, names.size()));
        for (const auto& n : names.elements()) {
          int v = m.find_variant(n.as_string());
          if (v < 0) n.fail(fmt::format("unknown variant '{}' of model '{}'", n.as_string(), m.name));
          sa.variants.push_back(v);
        }
        sa.accuracy = e.at("accuracy").as_double(0.0, 1.0);
        sa.measure_s = e.has("measure_s") ? e.at("measure_s").as_double(0.0, 1e9) : 0.0;
        sa.provenance = read_optional_provenance(e, "provenance");
        for (const auto& other : m.stitched_accuracy)
          if (other.variants == sa.variants) e.fail("duplicate stitched variant");
        m.stitched_accuracy.push_back(sa);
      });
    }
  }
  if (node.has("stitched_latency")) {
    for (const auto& e : node.at("stitched_latency").elements()) {
      problems.guard([&] {
        e.expect_keys({"variants", "processors", "median_ms", "samples_ms", "measure_s", "provenance"});
        StitchedLatency sl;
        auto names = e.at("variants");
        if (names.size() != S) names.fail(fmt::format("needs one variant per subgraph ({}), got {}", S, names.size()));
        for (const auto& n : names.elements()) {
          int v = m.find_variant(n.as_string());
          if (v < 0) n.fail(fmt::format("unknown variant '{}' of model '{}'", n.as_string(), m.name));
          sl.variants.push_back(v);
        }
        auto procs = e.at("processors");
        if (procs.size() != S) procs.fail(fmt::format("needs one processor per subgraph ({}), got {}", S, procs.size()));
        for (const auto& n : procs.elements()) {
          int q = profile.find_processor(n.as_string());
          if (q < 0) n.fail(fmt::format("unknown processor '{}'", n.as_string()));
          sl.processors.push_back(q);
        }
        sl.median_ms = e.at("median_ms").as_double(0.0, 1e9);
        if (e.has("samples_ms"))
          for (const auto& x : e.at("samples_ms").elements()) sl.samples_ms.push_back(x.as_double(0.0, 1e9));
        sl.measure_s = e.has("measure_s") ? e.at("measure_s").as_double(0.0, 1e9) : 0.0;
        sl.provenance = read_optional_provenance(e, "provenance");
        for (const auto& other : m.stitched_latency)
          if (other.variants == sl.variants && other.processors == sl.processors) e.fail("duplicate stitched variant and placement");
        m.stitched_latency.push_back(sl);
      });
    }
  }
  return m;
}

BoundaryCost read_boundary(const sim::ConfigNode& e, const Profile& p) {
  e.expect_keys({"kind", "from", "to", "processor", "fixed_ms", "ms_per_mb", "provenance"});
  BoundaryCost b;
  b.kind = read_choice(e.at("kind"), {"precision", "handoff"});
  if (b.kind == "precision") {
    b.from = read_choice(e.at("from"), kPrecisions);
    b.to = read_choice(e.at("to"), kPrecisions);
    b.processor = p.processors[static_cast<std::size_t>(read_processor_key(e.at("processor"), p))];
  } else {
    b.from = p.processors[static_cast<std::size_t>(read_processor_key(e.at("from"), p))];
    b.to = p.processors[static_cast<std::size_t>(read_processor_key(e.at("to"), p))];
    if (e.has("processor")) e.at("processor").fail("a hand-off is between \"from\" and \"to\"; it has no \"processor\"");
  }
  if (b.from == b.to) e.at("to").fail("\"from\" and \"to\" are the same");
  b.fixed_ms = e.get_double("fixed_ms", 0.0, 0.0, sim::kMaxInputMs);
  b.ms_per_mb = e.get_double("ms_per_mb", 0.0, 0.0, sim::kMaxInputMs);
  b.provenance = read_optional_provenance(e, "provenance");
  return b;
}

Profile read_document(const sim::ConfigNode& root, std::vector<sim::ConfigError>* out) {
  Problems problems(out);
  root.expect_keys({"format", "version", "description", "illustrative", "license", "platform", "processors", "models",
                    "boundary_costs"});
  if (root.at("format").as_string() != "stitchsim-profile") root.at("format").fail("expected \"stitchsim-profile\"");
  if (root.at("version").as_int() != 1) root.at("version").fail("unsupported profile version (this build reads 1)");
  Profile p;
  p.file = root.file();
  p.description = root.get_string("description", "");
  p.illustrative = root.get_bool("illustrative", false);
  p.license = root.get_string("license", "");
  p.platform = root.get_string("platform", "");
  for (const auto& pn : root.at("processors").elements()) {
    std::string n, kind;
    if (pn.is_string()) {
      n = pn.as_string();
    } else {
      pn.expect_keys({"name", "kind"});
      n = pn.at("name").as_string();
      kind = read_choice(pn.at("kind"), kProcessorKinds);
    }
    if (n.empty()) pn.fail("processor names must not be empty");
    if (p.find_processor(n) >= 0) pn.fail(fmt::format("duplicate processor '{}'", n));
    p.processors.push_back(n);
    p.processor_kinds.push_back(kind);
  }
  auto models = root.at("models");
  for (const auto& name : models.keys()) p.models.push_back(read_model(models.at(name), name, p, problems));
  if (root.has("boundary_costs")) {
    for (const auto& e : root.at("boundary_costs").elements()) problems.guard([&] { p.boundary_costs.push_back(read_boundary(e, p)); });
  }
  return p;
}

// --- writer ------------------------------------------------------------------------------

sim::Json provenance_json(const Provenance& p) {
  sim::Json j = {{"kind", p.kind}};
  if (!p.source.empty()) j["source"] = p.source;
  if (!p.method.empty()) j["method"] = p.method;
  if (!p.commit.empty()) j["commit"] = p.commit;
  if (!p.path.empty()) j["path"] = p.path;
  return j;
}

bool is_default(const Provenance& p) { return p == Provenance{}; }

void put_latency(sim::Json& j, const LatencyDist& d) {
  if (!d.samples_ms.empty()) {
    j["samples_ms"] = d.samples_ms;
  } else {
    j["mean_ms"] = d.mean_ms;
    if (d.stddev_ms != 0) j["stddev_ms"] = d.stddev_ms;
    if (d.min_ms != 0) j["min_ms"] = d.min_ms;
    if (d.max_ms != 0) j["max_ms"] = d.max_ms;
    if (d.count != 0) j["count"] = d.count;
  }
  if (d.cold_mean_ms != 0) j["cold_mean_ms"] = d.cold_mean_ms;
  if (!is_default(d.provenance)) j["provenance"] = provenance_json(d.provenance);
}

sim::Json model_json(const ModelProfile& m, const Profile& profile) {
  const std::size_t S = static_cast<std::size_t>(m.subgraph_count);
  const std::size_t P = profile.processors.size();
  const std::size_t L = m.layers.size();
  sim::Json j;
  j["subgraph_count"] = m.subgraph_count;
  if (!m.notes.empty()) j["notes"] = m.notes;
  j["variants"] = sim::Json::array();
  for (const auto& v : m.variants) {
    sim::Json vj = {{"name", v.name}, {"precision", v.precision}, {"pruning", v.pruning}, {"sparsity", v.sparsity},
                    {"accuracy", v.accuracy}};
    if (!is_default(v.accuracy_provenance)) vj["accuracy_provenance"] = provenance_json(v.accuracy_provenance);
    if (!v.subgraph_cuts.empty()) vj["subgraph_cuts"] = v.subgraph_cuts;
    j["variants"].push_back(vj);
  }
  if (!m.layers.empty()) {
    j["layers"] = sim::Json::array();
    for (const auto& l : m.layers) {
      sim::Json lj = {{"name", l.name}, {"macs", l.macs}, {"weight_bytes", l.weight_bytes},
                      {"activation_bytes", l.activation_bytes}};
      if (!l.kind.empty()) lj["kind"] = l.kind;
      if (!is_default(l.provenance)) lj["provenance"] = provenance_json(l.provenance);
      j["layers"].push_back(lj);
    }
    j["subgraph_cuts"] = m.subgraph_cuts;
  }
  j["memory"] = sim::Json::array();
  for (std::size_t k = 0; k < m.memory.size(); ++k) {
    const auto& u = m.memory[k];
    sim::Json e = {{"variant", m.variants[k / S].name}, {"subgraph", k % S}, {"weights_bytes", u.weights_bytes},
                   {"activation_bytes", u.activation_bytes}};
    if (u.load_ms >= 0) e["load_ms"] = u.load_ms;
    if (u.compile_ms >= 0) e["compile_ms"] = u.compile_ms;
    if (!is_default(u.provenance)) e["provenance"] = provenance_json(u.provenance);
    j["memory"].push_back(e);
  }
  j["latency"] = sim::Json::array();
  for (std::size_t k = 0; k < m.latency.size(); ++k) {
    if (!m.latency[k]) continue;
    std::size_t unit = k / P;
    sim::Json e = {{"variant", m.variants[unit / S].name}, {"subgraph", unit % S}, {"processor", profile.processors[k % P]}};
    put_latency(e, *m.latency[k]);
    j["latency"].push_back(e);
  }
  if (!m.runs.empty()) {
    j["runs"] = sim::Json::array();
    for (std::size_t k = 0; k < m.runs.size(); ++k) {
      if (!m.runs[k]) continue;
      const auto& r = *m.runs[k];
      sim::Json e = {{"variant", m.variants[k / P].name}, {"processor", profile.processors[k % P]}};
      put_latency(e, r.latency);
      if (r.peak_memory_bytes >= 0) e["peak_memory_bytes"] = r.peak_memory_bytes;
      if (!is_default(r.memory_provenance)) e["memory_provenance"] = provenance_json(r.memory_provenance);
      j["runs"].push_back(e);
    }
  }
  if (!m.layer_latency.empty()) {
    j["layer_latency"] = sim::Json::array();
    for (std::size_t k = 0; k < m.layer_latency.size(); ++k) {
      if (!m.layer_latency[k]) continue;
      std::size_t vl = k / P;
      sim::Json e = {{"variant", m.variants[vl / L].name}, {"layer", m.layers[vl % L].name}, {"processor", profile.processors[k % P]}};
      put_latency(e, *m.layer_latency[k]);
      j["layer_latency"].push_back(e);
    }
  }
  if (!m.layer_load.empty()) {
    j["layer_load"] = sim::Json::array();
    for (std::size_t k = 0; k < m.layer_load.size(); ++k) {
      if (!m.layer_load[k]) continue;
      sim::Json e = {{"variant", m.variants[k / L].name}, {"layer", m.layers[k % L].name}};
      put_latency(e, *m.layer_load[k]);
      j["layer_load"].push_back(e);
    }
  }
  if (!m.stitched_accuracy.empty()) {
    j["stitched_accuracy"] = sim::Json::array();
    for (const auto& sa : m.stitched_accuracy) {
      sim::Json names = sim::Json::array();
      for (int v : sa.variants) names.push_back(m.variants[static_cast<std::size_t>(v)].name);
      sim::Json e = {{"variants", names}, {"accuracy", sa.accuracy}};
      if (sa.measure_s > 0) e["measure_s"] = sa.measure_s;
      if (!is_default(sa.provenance)) e["provenance"] = provenance_json(sa.provenance);
      j["stitched_accuracy"].push_back(e);
    }
  }
  if (!m.stitched_latency.empty()) {
    j["stitched_latency"] = sim::Json::array();
    for (const auto& sl : m.stitched_latency) {
      sim::Json names = sim::Json::array(), procs = sim::Json::array(), samples = sim::Json::array();
      for (int v : sl.variants) names.push_back(m.variants[static_cast<std::size_t>(v)].name);
      for (int q : sl.processors) procs.push_back(profile.processors[static_cast<std::size_t>(q)]);
      for (double x : sl.samples_ms) samples.push_back(x);
      sim::Json e = {{"variants", names}, {"processors", procs}, {"median_ms", sl.median_ms}, {"samples_ms", samples},
                     {"measure_s", sl.measure_s}};
      if (!is_default(sl.provenance)) e["provenance"] = provenance_json(sl.provenance);
      j["stitched_latency"].push_back(e);
    }
  }
  return j;
}

}  // namespace

Profile read_profile_json(const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  return read_profile_json(sim::ConfigNode(j, file));
}

Profile read_profile_json(const sim::ConfigNode& root) { return read_document(root, nullptr); }

Profile read_profile_json(const sim::ConfigNode& root, std::vector<sim::ConfigError>& problems) {
  return read_document(root, &problems);
}

sim::Json read_profile_document(const std::string& file) {
  std::string ext = std::filesystem::path(file).extension().string();
  if (ext == ".json") return sim::read_json_file(file);
  if (ext == ".h5") return read_json_h5(file);
  throw sim::ConfigError(file, "", "unknown profile format (expected a .json or .h5 file)");
}

Profile read_profile(const std::string& file) {
  sim::Json j = read_profile_document(file);
  return read_profile_json(sim::ConfigNode(j, file));
}

Profile read_profile_h5(const std::string& file) {
  sim::Json j = read_json_h5(file);
  return read_profile_json(sim::ConfigNode(j, file));
}

sim::Json to_json(const Profile& p) {
  sim::Json j;
  j["format"] = "stitchsim-profile";
  j["version"] = 1;
  if (!p.description.empty()) j["description"] = p.description;
  if (p.illustrative) j["illustrative"] = true;
  if (!p.license.empty()) j["license"] = p.license;
  if (!p.platform.empty()) j["platform"] = p.platform;
  j["processors"] = sim::Json::array();
  for (std::size_t i = 0; i < p.processors.size(); ++i) {
    const std::string& kind = i < p.processor_kinds.size() ? p.processor_kinds[i] : std::string();
    if (kind.empty()) j["processors"].push_back(p.processors[i]);
    else j["processors"].push_back({{"name", p.processors[i]}, {"kind", kind}});
  }
  j["models"] = sim::Json::object();
  for (const auto& m : p.models) j["models"][m.name] = model_json(m, p);
  if (!p.boundary_costs.empty()) {
    j["boundary_costs"] = sim::Json::array();
    for (const auto& b : p.boundary_costs) {
      sim::Json e = {{"kind", b.kind}, {"from", b.from}, {"to", b.to}, {"fixed_ms", b.fixed_ms}, {"ms_per_mb", b.ms_per_mb}};
      if (!b.processor.empty()) e["processor"] = b.processor;
      if (!is_default(b.provenance)) e["provenance"] = provenance_json(b.provenance);
      j["boundary_costs"].push_back(e);
    }
  }
  return j;
}

void write_profile_json(const Profile& profile, const std::string& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw sim::ConfigError(file, "", "cannot write file");
  out << to_json(profile).dump(1) << "\n";
  if (!out) throw sim::ConfigError(file, "", "write failed");
}

void write_profile_h5(const Profile& profile, const std::string& file) { write_json_h5(to_json(profile), file); }

double precision_change_ms(const Profile& profile, int model, int s, const std::string& from, const std::string& to,
                           const std::string& processor) {
  const ModelProfile& m = profile.models[static_cast<std::size_t>(model)];
  double boundary_mb = 0;
  if (!m.layers.empty() && m.subgraph_cuts.size() == static_cast<std::size_t>(m.subgraph_count + 1)) {
    int last = m.subgraph_cuts[static_cast<std::size_t>(s)] - 1;
    if (last >= 0) boundary_mb = static_cast<double>(m.layers[static_cast<std::size_t>(last)].activation_bytes) / 1e6;
  }
  for (const auto& bc : profile.boundary_costs) {
    if (bc.kind != "precision" || bc.from != from || bc.to != to) continue;
    if (!bc.processor.empty() && bc.processor != processor) continue;
    return bc.fixed_ms + bc.ms_per_mb * boundary_mb;
  }
  return -1;
}

}  // namespace hw
