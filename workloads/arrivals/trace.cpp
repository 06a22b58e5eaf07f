// Replay of a recorded trace: a CSV file with a header row holding an "arrival_ms" column and,
// optionally, a "task" column (rows of other tasks are skipped when `task` is set). Arrival
// times must not decrease. Every problem names the file and the row.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "sim/registry.h"
#include "workloads/arrival.h"

namespace workloads {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::stringstream ss(line);
  while (std::getline(ss, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  return out;
}

std::vector<sim::Time> read_trace(const std::string& file, const std::string& task) {
  std::ifstream in(file);
  if (!in) throw sim::ConfigError(file, "", "cannot open trace file");
  std::string line;
  if (!std::getline(in, line)) throw sim::ConfigError(file, "row 1", "empty trace file (expected a header)");
  auto header = split_csv_line(line);
  int time_col = -1, task_col = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "arrival_ms") time_col = static_cast<int>(i);
    if (header[i] == "task") task_col = static_cast<int>(i);
  }
  if (time_col < 0) throw sim::ConfigError(file, "row 1", "header has no 'arrival_ms' column");
  std::vector<sim::Time> times;
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty() || line == "\r") continue;
    auto cells = split_csv_line(line);
    if (static_cast<int>(cells.size()) <= std::max(time_col, task_col)) {
      throw sim::ConfigError(file, fmt::format("row {}", row), "too few columns");
    }
    if (!task.empty() && task_col >= 0 && cells[task_col] != task) continue;
    char* end = nullptr;
    double ms = std::strtod(cells[time_col].c_str(), &end);
    if (end == cells[time_col].c_str() || *end != '\0' || !std::isfinite(ms) || ms < 0) {
      throw sim::ConfigError(file, fmt::format("row {}", row),
                             fmt::format("arrival_ms '{}' is not a non-negative number", cells[time_col]));
    }
    sim::Time t = sim::from_ms(ms);
    if (!times.empty() && t < times.back()) {
      throw sim::ConfigError(file, fmt::format("row {}", row), "arrival times must not decrease");
    }
    times.push_back(t);
  }
  return times;
}

class TraceArrival final : public ArrivalProcess {
 public:
  explicit TraceArrival(std::vector<sim::Time> times) : times_(std::move(times)) {}
  // Trace times are offsets from the start of the run, so `previous` only anchors the first call.
  sim::Time next(sim::Time previous, sim::Rng&) override {
    if (index_ == 0) origin_ = previous;
    if (index_ >= times_.size()) return sim::Time::max();
    return origin_ + times_[index_++];
  }
  double mean_rate_rps() const override {
    if (times_.size() < 2) return 0;
    return static_cast<double>(times_.size() - 1) / (times_.back() - times_.front()).to_s();
  }

 private:
  std::vector<sim::Time> times_;
  std::size_t index_ = 0;
  sim::Time origin_;
};

const sim::Registration<ArrivalProcess> kRegistration{
    "trace", "replay arrival times from a CSV file (columns arrival_ms and optionally task)",
    {sim::param_string("file", std::nullopt, "CSV file, relative to the config file"),
     sim::param_string("task", "", "keep only rows whose task column equals this (empty: all rows)")},
    [](const sim::Params& p) {
      return std::make_unique<TraceArrival>(read_trace(p.get_string("file"), p.get_string("task")));
    }};

}  // namespace
}  // namespace workloads
