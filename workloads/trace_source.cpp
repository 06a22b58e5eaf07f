#include "workloads/trace_source.h"
#include "workloads/trace.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include <fmt/format.h>

#include "sim/config.h"
#include "sim/csv_reader.h"

namespace workloads {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string row_name(std::int64_t row) { return fmt::format("row {}", row); }

// Index of the header column named `name`, or -1.
int column_of(const sim::CsvRecord& header, std::string_view name) {
  for (std::size_t i = 0; i < header.fields.size(); ++i)
    if (header.fields[i] == name) return static_cast<int>(i);
  return -1;
}

[[noreturn]] void fail_at(const std::string& file, const sim::CsvRecord& r, const std::string& message) {
  throw sim::ConfigError(file, row_name(static_cast<std::int64_t>(r.number)), message);
}

void require_columns(const std::string& file, const sim::CsvRecord& r, int max_index) {
  if (static_cast<int>(r.fields.size()) <= max_index) {
    fail_at(file, r, fmt::format("too few columns ({}, need at least {})", r.fields.size(), max_index + 1));
  }
}

// The cache: (kind, path, selector, size, mtime) -> parsed trace.
using CacheKey = std::tuple<std::string, std::string, std::string, std::uintmax_t, std::int64_t>;

CacheKey cache_key(const std::string& kind, const std::string& file, const std::string& selector) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto mtime = std::filesystem::last_write_time(file, ec);
  return {kind, file, selector, ec ? 0 : size,
          ec ? 0 : static_cast<std::int64_t>(mtime.time_since_epoch().count())};
}

template <class Value, class Parse>
std::shared_ptr<const Value> cached(const CacheKey& key, Parse parse) {
  static std::mutex mutex;
  static std::map<CacheKey, std::shared_ptr<const Value>> cache;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  // Parsed outside the lock: two threads may parse the same file once each, harmlessly.
  auto value = std::make_shared<const Value>(parse());
  const std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(key, std::move(value)).first->second;
}

std::vector<sim::Time> parse_arrival_ms(const std::string& file, const std::string& task) {
  return read_trace_file(file, task);  // libcsv, one reader for the format (workloads/trace.h)
}

// The formats below stream the file through libcsv (sim/csv_reader.h); rows are CSV records.
std::vector<sim::Time> parse_timestamps(const std::string& file, const std::string& column) {
  std::vector<sim::Time> times;
  int col = -1;
  std::int64_t first_ns = 0;
  sim::for_each_csv_record(file, [&](const sim::CsvRecord& r) {
    if (col < 0) {  // the header
      col = column_of(r, column);
      if (col < 0) fail_at(file, r, fmt::format("header has no '{}' column", column));
      return true;
    }
    require_columns(file, r, col);
    const std::string& text = r.fields[static_cast<std::size_t>(col)];
    const auto ns = parse_timestamp_ns(text);
    if (!ns) {
      fail_at(file, r, fmt::format("column {}: '{}' is not a time 'YYYY-MM-DD HH:MM:SS[.fraction]'", column,
                                   text.substr(0, 40)));
    }
    if (times.empty()) first_ns = *ns;
    const sim::Time t{*ns - first_ns};
    if (!times.empty() && t < times.back()) {
      fail_at(file, r, fmt::format("arrival times must not decrease ({} ns after {} ns)", t.ns, times.back().ns));
    }
    times.push_back(t);
    return true;
  });
  if (col < 0) throw sim::ConfigError(file, row_name(1), "empty trace file (expected a header)");
  return times;
}

std::vector<std::uint64_t> parse_minute_counts(const std::string& file, std::int64_t row) {
  int first = -1, minutes = 0;
  std::int64_t rows_seen = 0;
  std::vector<std::uint64_t> counts;
  bool found = false;
  sim::for_each_csv_record(file, [&](const sim::CsvRecord& r) {
    if (first < 0) {  // the header: minute columns are named 1, 2, ... in order
      first = column_of(r, "1");
      if (first < 0) fail_at(file, r, "header has no minute columns (named 1, 2, ...)");
      while (first + minutes < static_cast<int>(r.fields.size()) &&
             r.fields[static_cast<std::size_t>(first + minutes)] == std::to_string(minutes + 1)) {
        ++minutes;
      }
      return true;
    }
    if (rows_seen++ < row) return true;
    require_columns(file, r, first + minutes - 1);
    counts.resize(static_cast<std::size_t>(minutes));
    for (int m = 0; m < minutes; ++m) {
      const std::string& text = r.fields[static_cast<std::size_t>(first + m)];
      std::uint64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        fail_at(file, r, fmt::format("column {}: '{}' is not a non-negative whole count", m + 1, text.substr(0, 40)));
      }
      counts[static_cast<std::size_t>(m)] = value;
    }
    found = true;
    return false;  // the one row asked for: stop reading
  });
  if (first < 0) throw sim::ConfigError(file, row_name(1), "empty trace file (expected a header)");
  if (!found) {
    throw sim::ConfigError(file, "", fmt::format("has {} function rows; row {} (0-based) asked for", rows_seen, row));
  }
  return counts;
}

// Parses exactly `digits` decimal digits at s[pos]; -1 if any is not a digit.
int digits_at(std::string_view s, std::size_t pos, int digits) {
  int v = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp_ns(std::string_view text) {
  text = trim(text);
  // YYYY-MM-DD HH:MM:SS is 19 characters.
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != ' ' && text[10] != 'T') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const int year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
  const int hour = digits_at(text, 11, 2), minute = digits_at(text, 14, 2), second = digits_at(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || year < 1700 || year > 2200) return std::nullopt;  // keeps ns within int64
  std::int64_t fraction_ns = 0;
  if (text.size() > 19) {
    const std::string_view frac = text.substr(20);
    if (text[19] != '.' || frac.empty() || frac.size() > 9) return std::nullopt;
    const int value = digits_at(frac, 0, static_cast<int>(frac.size()));
    if (value < 0) return std::nullopt;
    fraction_ns = value;
    for (std::size_t i = frac.size(); i < 9; ++i) fraction_ns *= 10;
  }
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1'000'000'000 + fraction_ns;
}

TraceTimes read_arrival_ms_trace(const std::string& file, const std::string& task) {
  return cached<std::vector<sim::Time>>(cache_key("arrival_ms", file, task),
                                        [&] { return parse_arrival_ms(file, task); });
}

TraceTimes read_timestamp_trace(const std::string& file, const std::string& column) {
  return cached<std::vector<sim::Time>>(cache_key("timestamp", file, column),
                                        [&] { return parse_timestamps(file, column); });
}

TraceCounts read_minute_count_trace(const std::string& file, std::int64_t row) {
  return cached<std::vector<std::uint64_t>>(cache_key("minute_counts", file, std::to_string(row)),
                                            [&] { return parse_minute_counts(file, row); });
}

}  // namespace workloads
