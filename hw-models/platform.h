// A heterogeneous SoC: processors that share one memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  // Used when a profile entry has no load time: load_ns = bytes / bandwidth.
  double load_bandwidth_bytes_per_s = 1e9;
  // handoff[from][to]: cost of passing a request's activations from one processor to another
  // (zero on the diagonal).
  std::vector<std::vector<sim::Time>> handoff;

  // Index of a processor by name, or -1.
  int find(const std::string& name) const;
  sim::Time handoff_cost(int from, int to) const {
    return (from < 0 || from == to) ? sim::Time::zero() : handoff[from][to];
  }
};

// Reads {"name", "processors": [{"name","kind","slots"}], "memory": {"capacity_bytes",
// "load_bandwidth_bytes_per_s"}, "handoff_ms": {"default": x, "cpu->gpu": y, ...}}.
Platform read_platform(const sim::ConfigNode& node);
sim::Json to_json(const Platform& platform);

}  // namespace hw
