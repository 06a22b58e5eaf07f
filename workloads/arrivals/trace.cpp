// `trace`: replays a recorded trace (trace_source.h for the file layouts, trace_replay.h for the
// scaling, splitting and looping). Bad parameters name their JSON path; bad files name the file
// and row.
#include <stdexcept>

#include <fmt/format.h>

#include "sim/config.h"
#include "sim/registry.h"
#include "workloads/arrival.h"
#include "workloads/trace_replay.h"
#include "workloads/trace_source.h"

namespace workloads {
namespace {

// A parameter that only one format reads must keep its default under the others.
void only_for(const sim::Params& p, const std::string& format, const std::string& name,
              const std::string& owner, bool is_default) {
  if (format != owner && !is_default) {
    const auto node = p.node(name);
    throw sim::ConfigError(node.file(), node.path(),
                           fmt::format("only format '{}' reads '{}' (format is '{}')", owner, name, format));
  }
}

std::unique_ptr<ArrivalProcess> make_trace(const sim::Params& p) {
  const std::string& file = p.get_string("file");
  const std::string& format = p.get_string("format");
  only_for(p, format, "task", "arrival_ms", p.get_string("task").empty());
  only_for(p, format, "column", "timestamp", p.get_string("column") == "TIMESTAMP");
  only_for(p, format, "row", "minute_counts", p.get_int("row") == 0);
  ReplayOptions o;
  o.time_scale = p.get_double("time_scale");
  o.rate_scale = p.get_double("rate_scale");
  o.split_into = p.get_int("split_into");
  o.split_index = p.get_int("split_index");
  o.repeat = p.get_bool("repeat");
  try {
    if (format == "minute_counts") {
      return std::make_unique<MinuteCountReplay>(read_minute_count_trace(file, p.get_int("row")), o);
    }
    TraceTimes times = format == "timestamp" ? read_timestamp_trace(file, p.get_string("column"))
                                             : read_arrival_ms_trace(file, p.get_string("task"));
    return std::make_unique<TimestampReplay>(std::move(times), o);
  } catch (const std::invalid_argument& e) {
    // Option checks that span parameters (split_index < split_into, repeat on a one-row trace).
    const auto node = p.node("split_index");
    throw sim::ConfigError(node.file(), node.path().substr(0, node.path().rfind('.')),
                           fmt::format("{} (trace {})", e.what(), file));
  }
}

const sim::Registration<ArrivalProcess> kRegistration{
    "trace",
    "replay a recorded trace: arrival_ms CSV, date-time column (Azure LLM 2023) or per-minute "
    "counts (Azure Functions 2019), with time and rate scaling, a split over tasks, and looping",
    {sim::param_string("file", std::nullopt, "CSV file, relative to the config file"),
     sim::param_string("format", "arrival_ms",
                       "arrival_ms: column arrival_ms (and task); timestamp: a date-time column; "
                       "minute_counts: columns 1..N of per-minute counts, one row per function",
                       {"arrival_ms", "timestamp", "minute_counts"}),
     sim::param_string("task", "", "arrival_ms: keep only rows whose task column equals this (empty: all)"),
     sim::param_string("column", "TIMESTAMP", "timestamp: the date-time column"),
     sim::param_int("row", 0, "", "minute_counts: the function row (0 = first data row)", 0, 1e12),
     sim::param_double("time_scale", 1.0, "", "trace offsets are multiplied by this (2 = half as fast)",
                       1e-9, 1e9),
     sim::param_double("rate_scale", 1.0, "",
                       "requests per trace request (minute_counts: per counted invocation)", 0.0, 1e6),
     sim::param_int("split_into", 1, "", "cut the trace into this many disjoint parts (one per task)", 1, 1e6),
     sim::param_int("split_index", 0, "", "the part this task replays, 0 .. split_into-1", 0, 1e6),
     sim::param_bool("repeat", false, "start the trace again after its last request")},
    make_trace};

}  // namespace
}  // namespace workloads
