#include "hw-models/stitching/space.h"

#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace stitching {

PlacementRule placement_rule_from_string(const std::string& name) {
  if (name == "any") return PlacementRule::kAny;
  if (name == "contiguous") return PlacementRule::kContiguous;
  if (name == "one_per_processor") return PlacementRule::kOnePerProcessor;
  throw std::invalid_argument(fmt::format("unknown placement rule '{}' (valid: {})", name,
                                          fmt::join(placement_rule_names(), ", ")));
}

std::string to_string(PlacementRule rule) {
  switch (rule) {
    case PlacementRule::kAny: return "any";
    case PlacementRule::kContiguous: return "contiguous";
    case PlacementRule::kOnePerProcessor: return "one_per_processor";
  }
  return "?";
}

PlacementAutomaton::PlacementAutomaton(PlacementRule rule, int processors) : processors_(processors) {
  // States are (used-processor mask, last processor), discovered breadth-first from the start so
  // numbering is deterministic. Rule "any" forgets the mask: only the last processor matters.
  std::map<std::pair<int, int>, int> id;
  std::vector<std::pair<int, int>> states = {{0, -1}};
  id[{0, -1}] = 0;
  for (std::size_t i = 0; i < states.size(); ++i) {
    auto [mask, last] = states[i];
    for (int p = 0; p < processors; ++p) {
      bool used = (mask >> p) & 1;
      bool ok = rule == PlacementRule::kAny || !used || (rule == PlacementRule::kContiguous && p == last);
      int target = -1;
      if (ok) {
        std::pair<int, int> key = {rule == PlacementRule::kAny ? 0 : (mask | (1 << p)), p};
        auto it = id.find(key);
        if (it == id.end()) {
          it = id.emplace(key, static_cast<int>(states.size())).first;
          states.push_back(key);
        }
        target = it->second;
      }
      next_.push_back(target);
    }
  }
  for (const auto& s : states) last_.push_back(s.second);
}

std::uint64_t PlacementAutomaton::count_sequences(int length) const {
  std::vector<std::uint64_t> ways(last_.size(), 0);
  ways[kStart] = 1;
  for (int step_index = 0; step_index < length; ++step_index) {
    std::vector<std::uint64_t> next(last_.size(), 0);
    for (int s = 0; s < states(); ++s)
      for (int p = 0; p < processors_; ++p)
        if (int t = step(s, p); t >= 0) next[static_cast<std::size_t>(t)] += ways[static_cast<std::size_t>(s)];
    ways.swap(next);
  }
  std::uint64_t total = 0;
  for (auto w : ways) total += w;
  return total;
}

int precision_code(const std::string& precision) {
  if (precision == "fp32") return 0;
  if (precision == "fp16") return 1;
  if (precision == "int8") return 2;
  throw std::invalid_argument("unknown precision '" + precision + "'");
}

double StitchSpace::tuple_count() const { return std::pow(static_cast<double>(variants), subgraphs); }

StitchSpace build_space(const hw::Profile& profile, int model, const hw::Platform& platform,
                        const SpaceSettings& settings) {
  const hw::ModelProfile& m = profile.models.at(static_cast<std::size_t>(model));
  const std::string model_path = "$.models." + m.name;
  auto fail = [&](const std::string& path, const std::string& message) {
    throw sim::ConfigError(profile.file, path, message);
  };
  StitchSpace sp;
  sp.model = m.name;
  sp.subgraphs = m.subgraph_count;
  sp.variants = static_cast<int>(m.variants.size());
  if (sp.variants < 1 || sp.variants > kMaxVariants)
    fail(model_path + ".variants", fmt::format("exploration supports 1..{} variants, the model has {}", kMaxVariants, sp.variants));
  if (sp.subgraphs < 1 || sp.subgraphs > kMaxSubgraphs)
    fail(model_path + ".subgraph_count", fmt::format("exploration supports 1..{} subgraphs", kMaxSubgraphs));
  for (std::size_t i = 0; i < platform.processors.size(); ++i) {
    int pp = profile.find_processor(platform.processors[i].name);
    if (pp < 0) continue;
    sp.processor_names.push_back(platform.processors[i].name);
    sp.platform_processor.push_back(static_cast<int>(i));
  }
  sp.processors = static_cast<int>(sp.processor_names.size());
  if (sp.processors == 0)
    fail("$.processors", fmt::format("the profile covers none of platform '{}''s processors", platform.name));
  if (sp.processors > kMaxProcessors)
    fail("$.processors", fmt::format("exploration supports at most {} processors", kMaxProcessors));
  if (settings.placement == PlacementRule::kOnePerProcessor && sp.subgraphs > sp.processors) {
    fail(model_path + ".subgraph_count",
         fmt::format("placement one_per_processor needs a processor per subgraph: {} subgraphs, {} processors "
                     "({}); use placement 'contiguous' or 'any'",
                     sp.subgraphs, sp.processors, fmt::join(sp.processor_names, ", ")));
  }
  const int S = sp.subgraphs, K = sp.variants, P = sp.processors;
  for (const auto& v : m.variants) {
    sp.variant_names.push_back(v.name);
    sp.precision.push_back(precision_code(v.precision));
  }
  sp.unit_latency_ns.assign(static_cast<std::size_t>(S * K * P), -1);
  sp.weights_bytes.assign(static_cast<std::size_t>(S * K), 0);
  sp.activation_bytes.assign(static_cast<std::size_t>(S * K), 0);
  for (int s = 0; s < S; ++s) {
    bool runnable = false;
    for (int v = 0; v < K; ++v) {
      const auto& u = m.unit_memory(v, s);
      sp.weights_bytes[static_cast<std::size_t>(s * K + v)] = u.weights_bytes;
      sp.activation_bytes[static_cast<std::size_t>(s * K + v)] = u.activation_bytes;
      for (int p = 0; p < P; ++p) {
        const hw::LatencyDist* d = profile.latency(model, v, s, profile.find_processor(sp.processor_names[static_cast<std::size_t>(p)]));
        if (!d) continue;
        sp.unit_latency_ns[static_cast<std::size_t>((s * K + v) * P + p)] = settings.latency ? settings.latency->expected(*d).ns : std::llround(d->mean_ms * 1e6);
        runnable = true;
      }
    }
    if (!runnable) {
      fail(model_path + ".latency",
           fmt::format("no variant of subgraph {} has a latency entry on any of the platform's processors ({})", s,
                       fmt::join(sp.processor_names, ", ")));
    }
  }
  // Precision changes: the profile's boundary cost for (from, to) on the receiving processor
  // (an entry without a processor applies to all), fixed_ms + ms_per_mb * MB crossing the
  // boundary (the output of the last layer before it, when the profile has layers; else 0);
  // the settings' precision_change_ms where the profile has no entry.
  const std::int64_t default_ns = std::llround(settings.precision_change_ms * 1e6);
  sp.precision_change_ns.assign(static_cast<std::size_t>(S * kPrecisions * kPrecisions * P), 0);
  const char* names[kPrecisions] = {"fp32", "fp16", "int8"};
  for (int s = 1; s < S; ++s) {
    for (int a = 0; a < kPrecisions; ++a)
      for (int b = 0; b < kPrecisions; ++b) {
        if (a == b) continue;
        for (int p = 0; p < P; ++p) {
          double ms = hw::precision_change_ms(profile, model, s, names[a], names[b],
                                              sp.processor_names[static_cast<std::size_t>(p)]);
          std::int64_t ns = default_ns;
          if (ms >= 0) {
            ns = std::llround(ms * 1e6);
            ++sp.precision_changes_from_profile;
          }
          sp.precision_change_ns[static_cast<std::size_t>(((s * kPrecisions + a) * kPrecisions + b) * P + p)] = ns;
        }
      }
  }
  sp.handoff_ns.assign(static_cast<std::size_t>(P * P), 0);
  for (int a = 0; a < P; ++a)
    for (int b = 0; b < P; ++b)
      sp.handoff_ns[static_cast<std::size_t>(a * P + b)] =
          platform.handoff_cost(sp.platform_processor[static_cast<std::size_t>(a)], sp.platform_processor[static_cast<std::size_t>(b)]).ns;
  sp.memory_budget_bytes = settings.memory_budget_bytes > 0 ? settings.memory_budget_bytes : platform.memory_capacity_bytes;
  sp.placement = settings.placement;
  return sp;
}

Cost evaluate_cost(const StitchSpace& sp, const int* x, const int* p) {
  Cost c;
  std::int64_t lat = 0;
  for (int s = 0; s < sp.subgraphs; ++s) {
    std::int64_t u = sp.unit_latency(s, x[s], p[s]);
    if (u < 0) return Cost{};
    lat += u;
    if (s > 0) lat += sp.boundary_ns(s, x[s - 1], p[s - 1], x[s], p[s]);
    c.weights_bytes += sp.weights(s, x[s]);
    c.activation_bytes = std::max(c.activation_bytes, sp.activation(s, x[s]));
  }
  c.latency_ns = lat;
  return c;
}

std::string tuple_label(const StitchSpace& sp, const int* x) {
  std::string out;
  for (int s = 0; s < sp.subgraphs; ++s) out += (s ? "|" : "") + sp.variant_names[static_cast<std::size_t>(x[s])];
  return out;
}

std::string placement_label(const StitchSpace& sp, const int* p) {
  std::string out;
  for (int s = 0; s < sp.subgraphs; ++s) out += (s ? ">" : "") + sp.processor_names[static_cast<std::size_t>(p[s])];
  return out;
}

}  // namespace stitching
