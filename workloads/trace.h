// Arrival traces: CSV text to arrival offsets (used by the "trace" arrival process).
//
// Contract: the text is CSV (RFC 4180, libcsv) with a header row holding an "arrival_ms" column
// and optionally a "task" column; rows of other tasks are skipped when `task` is non-empty.
// Offsets are non-negative, at most kMaxArrivalMs, and do not decrease. Any problem is one
// ConfigError naming `origin` and the row (CSV record number; the header is row 1).
#pragma once

#include <string>
#include <vector>

#include "sim/time.h"

namespace workloads {

// Largest arrival offset accepted: far beyond any simulation, far below int64 nanoseconds, so
// adding it to a start time cannot overflow.
inline constexpr double kMaxArrivalMs = 1e12;  // about 31.7 years

std::vector<sim::Time> parse_trace_csv(const std::string& text, const std::string& origin, const std::string& task);
std::vector<sim::Time> read_trace_file(const std::string& file, const std::string& task);

}  // namespace workloads
