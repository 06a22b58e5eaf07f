// Arrival-offset traces in CSV (format and checks in workloads/trace.h), read with libcsv
// (sim/csv_reader.h). The `trace` arrival process reads its `arrival_ms` format through here.
#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "sim/config.h"
#include "sim/csv_reader.h"
#include "workloads/trace.h"

namespace workloads {
namespace {

std::vector<sim::Time> trace_times(const std::vector<sim::CsvRecord>& records, const std::string& file,
                                   const std::string& task) {
  if (records.empty()) throw sim::ConfigError(file, "row 1", "empty trace file (expected a header)");
  const auto& header = records.front().fields;
  int time_col = -1, task_col = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "arrival_ms") time_col = static_cast<int>(i);
    if (header[i] == "task") task_col = static_cast<int>(i);
  }
  if (time_col < 0) throw sim::ConfigError(file, "row 1", "header has no 'arrival_ms' column");
  if (!task.empty() && task_col < 0) {
    throw sim::ConfigError(file, "row 1", fmt::format("header has no 'task' column (task '{}' asked for)", task));
  }
  std::vector<sim::Time> times;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& cells = records[r].fields;
    std::string where = fmt::format("row {}", records[r].number);
    if (static_cast<int>(cells.size()) <= std::max(time_col, task_col)) throw sim::ConfigError(file, where, "too few columns");
    if (!task.empty() && task_col >= 0 && cells[static_cast<std::size_t>(task_col)] != task) continue;
    const std::string& text = cells[static_cast<std::size_t>(time_col)];
    char* end = nullptr;
    double ms = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(ms) || ms < 0) {
      throw sim::ConfigError(file, where, fmt::format("arrival_ms '{}' is not a non-negative number", text.substr(0, 40)));
    }
    if (ms > kMaxArrivalMs) {
      throw sim::ConfigError(file, where, fmt::format("arrival_ms {} is too large (at most {} ms)", text.substr(0, 40), kMaxArrivalMs));
    }
    sim::Time t = sim::from_ms(ms);
    if (!times.empty() && t < times.back()) throw sim::ConfigError(file, where, "arrival times must not decrease");
    times.push_back(t);
  }
  return times;
}

}  // namespace

std::vector<sim::Time> parse_trace_csv(const std::string& text, const std::string& origin, const std::string& task) {
  return trace_times(sim::parse_csv_text(text, origin), origin, task);
}

std::vector<sim::Time> read_trace_file(const std::string& file, const std::string& task) {
  return trace_times(sim::read_csv_file(file), file, task);
}

}  // namespace workloads
