#include "hw-models/platform.h"

#include <fmt/format.h>

namespace hw {

std::string to_string(ProcessorKind kind) {
  switch (kind) {
    case ProcessorKind::kCpu: return "CPU";
    case ProcessorKind::kGpu: return "GPU";
    case ProcessorKind::kNpu: return "NPU";
    case ProcessorKind::kDsp: return "DSP";
  }
  return "?";
}

static ProcessorKind read_kind(const sim::ConfigNode& node) {
  std::string s = node.as_string();
  if (s == "CPU") return ProcessorKind::kCpu;
  if (s == "GPU") return ProcessorKind::kGpu;
  if (s == "NPU") return ProcessorKind::kNpu;
  if (s == "DSP") return ProcessorKind::kDsp;
  node.fail(fmt::format("unknown processor kind '{}' (valid: CPU, GPU, NPU, DSP)", s));
}

int Platform::find(const std::string& n) const {
  for (std::size_t i = 0; i < processors.size(); ++i) {
    if (processors[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

Platform read_platform(const sim::ConfigNode& node) {
  node.expect_keys({"name", "processors", "memory", "handoff_ms", "dispatch_ms", "cache_model", "notes"});
  Platform p;
  p.name = node.get_string("name", "platform");
  auto procs = node.at("processors");
  if (procs.size() == 0) procs.fail("a platform needs at least one processor");
  // Bounded so slot and memory sums cannot overflow (64 processors x 64 slots).
  if (procs.size() > 64) procs.fail("a platform has at most 64 processors");
  for (const auto& pn : procs.elements()) {
    pn.expect_keys({"name", "kind", "slots"});
    Processor proc;
    proc.name = pn.at("name").as_string();
    if (proc.name.empty() || proc.name.find_first_of(">, ") != std::string::npos) {
      pn.at("name").fail("processor names must be non-empty without '>', ',' or spaces");
    }
    if (p.find(proc.name) >= 0) pn.at("name").fail(fmt::format("duplicate processor '{}'", proc.name));
    proc.kind = read_kind(pn.at("kind"));
    proc.slots = static_cast<int>(pn.get_int("slots", 1));
    if (proc.slots < 1 || proc.slots > 64) pn.at("slots").fail("must be in [1, 64]");
    p.processors.push_back(proc);
  }
  auto mem = node.at("memory");
  mem.expect_keys({"capacity_bytes", "load_bandwidth_bytes_per_s", "load_init_ms", "storage_read_bytes_per_s",
                   "storage_write_bytes_per_s", "provenance"});
  p.memory_capacity_bytes = mem.at("capacity_bytes").as_int();
  if (p.memory_capacity_bytes <= 0) mem.at("capacity_bytes").fail("must be positive");
  if (p.memory_capacity_bytes > sim::kMaxInputBytes) {
    mem.at("capacity_bytes").fail(fmt::format("is too large (at most {} bytes)", sim::kMaxInputBytes));
  }
  p.load_bandwidth_bytes_per_s = mem.get_double("load_bandwidth_bytes_per_s", 1e9, 1.0);
  double init_ms = mem.get_double("load_init_ms", 0.0, 0.0);
  if (init_ms > sim::kMaxInputMs) mem.at("load_init_ms").fail(fmt::format("is too large (at most {} ms)", sim::kMaxInputMs));
  p.load_init = sim::from_ms(init_ms);
  p.storage_read_bytes_per_s = mem.get_double("storage_read_bytes_per_s", 0.0, 0.0);
  p.storage_write_bytes_per_s = mem.get_double("storage_write_bytes_per_s", 0.0, 0.0);

  std::size_t n = p.processors.size();
  p.handoff.assign(n, std::vector<sim::Time>(n, sim::Time::zero()));
  if (node.has("handoff_ms")) {
    auto h = node.at("handoff_ms");
    h.expect_object();
    double def = h.get_double("default", 0.0, 0.0, sim::kMaxInputMs);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (i != j) p.handoff[i][j] = sim::from_ms(def);
    for (const auto& key : h.keys()) {
      if (key == "default") continue;
      auto arrow = key.find("->");
      int from = arrow == std::string::npos ? -1 : p.find(key.substr(0, arrow));
      int to = arrow == std::string::npos ? -1 : p.find(key.substr(arrow + 2));
      if (from < 0 || to < 0) h.at(key).fail("expected \"FROM->TO\" naming processors of this platform");
      p.handoff[from][to] = sim::from_ms(h.at(key).as_double(0.0, sim::kMaxInputMs));
    }
  }
  if (node.has("dispatch_ms")) {
    auto d = node.at("dispatch_ms");
    d.expect_object();
    p.dispatch.assign(n, sim::from_ms(d.get_double("default", 0.0, 0.0, sim::kMaxInputMs)));
    for (const auto& key : d.keys()) {
      if (key == "default") continue;
      int to = p.find(key);
      if (to < 0) d.at(key).fail("not a processor of this platform");
      p.dispatch[static_cast<std::size_t>(to)] = sim::from_ms(d.at(key).as_double(0.0, sim::kMaxInputMs));
    }
  }
  sim::ConfigNode cache = node.has("cache_model") ? node.at("cache_model")
                                                  : sim::ConfigNode(sim::Json{{"name", "none"}}, node.file(), node.path() + ".cache_model");
  p.cache = make_cache_model(cache, &p.cache_resolved);
  return p;
}

sim::Json to_json(const Platform& p) {
  sim::Json procs = sim::Json::array();
  for (const auto& proc : p.processors) {
    procs.push_back({{"name", proc.name}, {"kind", to_string(proc.kind)}, {"slots", proc.slots}});
  }
  sim::Json handoff = sim::Json::object();
  for (std::size_t i = 0; i < p.processors.size(); ++i)
    for (std::size_t j = 0; j < p.processors.size(); ++j)
      if (i != j || p.handoff[i][j] != sim::Time::zero())
        handoff[p.processors[i].name + "->" + p.processors[j].name] = p.handoff[i][j].to_ms();
  sim::Json out = {{"name", p.name},
                   {"processors", procs},
                   {"memory", {{"capacity_bytes", p.memory_capacity_bytes},
                               {"load_bandwidth_bytes_per_s", p.load_bandwidth_bytes_per_s}}},
                   {"handoff_ms", handoff}};
  if (p.load_init > sim::Time::zero()) out["memory"]["load_init_ms"] = p.load_init.to_ms();
  if (p.storage_read_bytes_per_s > 0) out["memory"]["storage_read_bytes_per_s"] = p.storage_read_bytes_per_s;
  if (p.storage_write_bytes_per_s > 0) out["memory"]["storage_write_bytes_per_s"] = p.storage_write_bytes_per_s;
  if (!p.dispatch.empty()) {
    sim::Json dispatch = sim::Json::object();
    for (std::size_t i = 0; i < p.processors.size(); ++i) dispatch[p.processors[i].name] = p.dispatch[i].to_ms();
    out["dispatch_ms"] = dispatch;
  }
  if (p.cache_resolved != sim::Json{{"name", "none"}}) out["cache_model"] = p.cache_resolved;
  return out;
}

}  // namespace hw
