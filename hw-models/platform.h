// A heterogeneous SoC: processors that share one memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw-models/cache_model.h"
#include "sim/config.h"
#include "sim/time.h"

namespace hw {

enum class ProcessorKind { kCpu, kGpu, kNpu, kDsp };
std::string to_string(ProcessorKind kind);

struct Processor {
  std::string name;  // unique within the platform, e.g. "npu"
  ProcessorKind kind = ProcessorKind::kCpu;
  int slots = 1;     // jobs that can execute at the same time
};

struct Platform {
  std::string name;
  std::vector<Processor> processors;
  std::int64_t memory_capacity_bytes = 0;
  // Cold start of a unit whose profile entry has no measured load time (UnitMemory::load_ms):
  // load = load_init + weights bytes / load_bandwidth_bytes_per_s, paid when a unit is loaded on
  // demand (a preloaded unit is resident before the first request). load_init is the runtime's
  // per-load compile/initialisation (0 unless the platform file gives one with its source).
  double load_bandwidth_bytes_per_s = 1e9;
  sim::Time load_init = sim::Time::zero();
  // The swap device (storage behind virtual memory), for execution models that page when their
  // memory demand exceeds a limit (execution_models/layerwise.h); 0: not given.
  double storage_read_bytes_per_s = 0;
  double storage_write_bytes_per_s = 0;
  // handoff[from][to]: cost of passing a request's activations from one processor to the next
  // subgraph's (zero on the diagonal unless given: a runtime may pay a thread hand-off even
  // when the next subgraph stays on the same processor).
  std::vector<std::vector<sim::Time>> handoff;
  // dispatch[to]: cost between a request's arrival and the start of its first subgraph on `to`
  // (the runtime waking up and handing the request over); empty means zero.
  std::vector<sim::Time> dispatch;
  // How idle units slow down (cache_model.h); never null after read_platform ("none").
  std::shared_ptr<const CacheModel> cache;
  sim::Json cache_resolved = sim::Json{{"name", "none"}};

  // Index of a processor by name, or -1.
  int find(const std::string& name) const;
  // Cost before a job on `to` may execute, after its predecessor on `from` finished (from < 0:
  // the request's first subgraph, paying the dispatch cost).
  sim::Time handoff_cost(int from, int to) const {
    if (from < 0) return dispatch.empty() ? sim::Time::zero() : dispatch[static_cast<std::size_t>(to)];
    return handoff[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)];
  }
};

// Reads {"name", "processors": [{"name","kind","slots"}], "memory": {"capacity_bytes",
// "load_bandwidth_bytes_per_s", "load_init_ms" (default 0), "storage_read_bytes_per_s", "storage_write_bytes_per_s",
// "provenance" (free text or object, for humans)}, "handoff_ms": {"default": x, "cpu->gpu": y, "cpu->cpu": z, ...},
// "dispatch_ms": {"default": x, "cpu": y}, "cache_model": {"name": "none" | ...}}. "default" of
// handoff_ms applies between different processors; the diagonal is zero unless named.
Platform read_platform(const sim::ConfigNode& node);
sim::Json to_json(const Platform& platform);

}  // namespace hw
