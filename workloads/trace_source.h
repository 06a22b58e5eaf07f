// Readers of recorded request traces, for the `trace` arrival process. Three CSV layouts:
//
//   arrival_ms     a header with an "arrival_ms" column (ms after the start of the run) and
//                  optionally a "task" column; `task` non-empty keeps only that task's rows.
//   timestamp      a date-time column (default "TIMESTAMP", "YYYY-MM-DD HH:MM:SS[.fraction]", no
//                  time zone), as in the Azure LLM inference traces 2023; times become offsets
//                  from the first row's.
//   minute_counts  the Azure Functions 2019 invocation layout: one row per function, count
//                  columns named 1..N (minute of the day); other columns (hashes, trigger) are
//                  ignored. `row` picks the function (0 = first data row).
//
// Contract: times come back non-decreasing (a decrease is an error); counts are non-negative
// integers. Every problem is a sim::ConfigError naming the file and "row R" (R = line number,
// the header is row 1) and, where one is at fault, the column. Fields are split at commas; a
// quoted field is an error (none of these layouts quotes). A UTF-8 byte-order mark is skipped.
// Parsed files are cached for the life of the process, keyed by path, size and modification
// time, so fifty tasks replaying one trace parse it once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace workloads {

using TraceTimes = std::shared_ptr<const std::vector<sim::Time>>;
using TraceCounts = std::shared_ptr<const std::vector<std::uint64_t>>;

TraceTimes read_arrival_ms_trace(const std::string& file, const std::string& task);
TraceTimes read_timestamp_trace(const std::string& file, const std::string& column);
TraceCounts read_minute_count_trace(const std::string& file, std::int64_t row);

// "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1 to 9 digits, as ns since
// 1970-01-01 00:00:00 of the same (unstated) zone; nullopt if malformed or out of range.
std::optional<std::int64_t> parse_timestamp_ns(std::string_view text);

}  // namespace workloads
