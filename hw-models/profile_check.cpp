#include "hw-models/profile_check.h"

#include <cmath>

#include <fmt/format.h>

namespace hw {

namespace {

std::string model_path(const ModelProfile& m) { return fmt::format("$.models.{}", m.name); }

}  // namespace

std::vector<ProfileProblem> check_profile(const Profile& p) {
  std::vector<ProfileProblem> out;
  const std::size_t P = p.processors.size();
  for (std::size_t i = 0; i < P; ++i) {
    if (i >= p.processor_kinds.size() || p.processor_kinds[i].empty()) {
      out.push_back({fmt::format("$.processors[{}]", i),
                     fmt::format("processor '{}' has no kind (write {{\"name\": ..., \"kind\": \"CPU|GPU|NPU|DSP\"}})", p.processors[i])});
    }
  }
  for (std::size_t mi = 0; mi < p.models.size(); ++mi) {
    const ModelProfile& m = p.models[mi];
    const int S = m.subgraph_count;
    for (std::size_t v = 0; v < m.variants.size(); ++v) {
      const ZooVariant& zv = m.variants[v];
      if (!zv.subgraph_cuts.empty() && zv.subgraph_cuts != m.subgraph_cuts) {
        out.push_back({fmt::format("{}.variants[{}].subgraph_cuts", model_path(m), v),
                       fmt::format("variant '{}' is cut at layers [{}], the model at [{}]: subgraphs do not align "
                                   "across variants, so they cannot be stitched",
                                   zv.name, fmt::join(zv.subgraph_cuts, ", "), fmt::join(m.subgraph_cuts, ", "))});
      }
      for (int s = 0; s < S; ++s) {
        bool any = false;
        for (std::size_t q = 0; q < P; ++q) any = any || p.latency(static_cast<int>(mi), static_cast<int>(v), s, static_cast<int>(q));
        if (!any) {
          out.push_back({fmt::format("{}.latency", model_path(m)),
                         fmt::format("no processor has a latency for variant '{}' subgraph {}", zv.name, s)});
        }
      }
      for (std::size_t q = 0; q < P; ++q) {
        const ModelRun* run = p.run(static_cast<int>(mi), static_cast<int>(v), static_cast<int>(q));
        if (!run) continue;
        double sum = 0;
        bool complete = true;
        for (int s = 0; s < S; ++s) {
          const LatencyDist* d = p.latency(static_cast<int>(mi), static_cast<int>(v), s, static_cast<int>(q));
          complete = complete && d;
          if (d) sum += d->mean_ms;
        }
        if (!complete) {
          out.push_back({fmt::format("{}.runs", model_path(m)),
                         fmt::format("variant '{}' has a whole-model run on '{}' but not every subgraph has a latency there",
                                     zv.name, p.processors[q])});
        } else if (std::abs(sum - run->latency.mean_ms) > 1e-6 * std::max(1.0, run->latency.mean_ms)) {
          out.push_back({fmt::format("{}.runs", model_path(m)),
                         fmt::format("subgraph latencies of variant '{}' on '{}' sum to {:.6g} ms, the whole-model run is {:.6g} ms",
                                     zv.name, p.processors[q], sum, run->latency.mean_ms)});
        }
      }
    }
  }
  return out;
}

std::vector<ProfileProblem> check_profile_needs(const Profile& p, const Platform& platform,
                                                const std::vector<ProfileNeed>& needs) {
  std::vector<ProfileProblem> out;
  bool any_shared = false;
  for (std::size_t i = 0; i < platform.processors.size(); ++i) {
    const Processor& proc = platform.processors[i];
    int q = p.find_processor(proc.name);
    if (q < 0) {
      out.push_back({fmt::format("$.platform.processors[{}]", i),
                     fmt::format("unknown processor '{}': the profile has no numbers for it (profile processors: {})",
                                 proc.name, fmt::join(p.processors, ", "))});
      continue;
    }
    any_shared = true;
    const std::string& kind = p.processor_kinds[static_cast<std::size_t>(q)];
    if (!kind.empty() && kind != to_string(proc.kind)) {
      out.push_back({fmt::format("$.platform.processors[{}].kind", i),
                     fmt::format("processor '{}' is a {} on the platform but a {} in the profile", proc.name,
                                 to_string(proc.kind), kind)});
    }
  }
  if (!any_shared) out.push_back({"$.profile", "the profile covers none of the platform's processors"});
  for (const auto& need : needs) {
    int mi = p.find_model(need.model);
    if (mi < 0) {
      out.push_back({need.where + ".model", fmt::format("model '{}' has no entry in the profile", need.model)});
      continue;
    }
    const ModelProfile& m = p.models[static_cast<std::size_t>(mi)];
    std::string vname = need.variant.empty() ? m.variants.front().name : need.variant;
    int v = m.find_variant(vname);
    if (v < 0) {
      out.push_back({need.where + ".variant", fmt::format("model '{}' has no variant '{}'", need.model, vname)});
      continue;
    }
    for (int s = 0; s < m.subgraph_count; ++s) {
      bool any = false;
      for (const auto& proc : platform.processors) {
        int q = p.find_processor(proc.name);
        any = any || (q >= 0 && p.latency(mi, v, s, q));
      }
      if (!any) {
        out.push_back({need.where, fmt::format("missing entry: no platform processor has a latency for subgraph {} of {}/{}",
                                               s, need.model, vname)});
      }
      const UnitMemory& u = m.unit_memory(v, s);
      if (u.weights_bytes + u.activation_bytes > platform.memory_capacity_bytes) {
        out.push_back({need.where, fmt::format("subgraph {} of {}/{} needs {} bytes, more than the platform's memory", s,
                                               need.model, vname, u.weights_bytes + u.activation_bytes)});
      }
    }
  }
  return out;
}

std::map<std::string, std::int64_t> count_provenance(const Profile& p) {
  std::map<std::string, std::int64_t> n{{"measured", 0}, {"derived", 0}, {"estimated", 0}};
  auto add = [&](const Provenance& pr) { ++n[pr.kind]; };
  for (const auto& m : p.models) {
    for (const auto& v : m.variants) add(v.accuracy_provenance);
    for (const auto& u : m.memory) add(u.provenance);
    for (const auto& l : m.layers) add(l.provenance);
    for (const auto& d : m.latency)
      if (d) add(d->provenance);
    for (const auto& r : m.runs)
      if (r) {
        add(r->latency.provenance);
        if (r->peak_memory_bytes >= 0) add(r->memory_provenance);
      }
    for (const auto& d : m.layer_latency)
      if (d) add(d->provenance);
    for (const auto& d : m.layer_load)
      if (d) add(d->provenance);
    for (const auto& sa : m.stitched_accuracy) add(sa.provenance);
    for (const auto& sl : m.stitched_latency) add(sl.provenance);
  }
  for (const auto& b : p.boundary_costs) add(b.provenance);
  return n;
}

}  // namespace hw
