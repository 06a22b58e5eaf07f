// What summary.json reports about requests, accumulated one request at a time as requests end,
// so a run need not keep its records. Latency percentiles are exact: each group keeps its
// finished requests' latencies (8 bytes a request), the one per-request cost of a run that
// streams its tables.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/config.h"
#include "sim/stats.h"
#include "sim/time.h"

namespace experiments {

struct RequestRecord;

// One group of requests (a task, or all of them).
struct GroupStats {
  std::uint64_t requests = 0, finished = 0, dropped = 0, met_latency = 0, met_accuracy = 0, violations = 0;
  sim::SampleStats latency_ms;
  double accuracy_sum = 0;

  void add(const RequestRecord& r, double accuracy);
  // The group's summary.json object; throughput is finished requests over `span_s`.
  sim::Json json(double span_s) const;
};

struct RunStats {
  GroupStats all;
  std::vector<GroupStats> tasks;
  std::uint64_t stitched_requests = 0;

  explicit RunStats(std::size_t task_count = 0) : tasks(task_count) {}
  // Adds one ended request (finished or dropped) whose plan has `accuracy` and is `stitched`.
  void add(const RequestRecord& r, double accuracy, bool stitched);
};

}  // namespace experiments
