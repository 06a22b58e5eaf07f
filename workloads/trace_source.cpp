#include "workloads/trace_source.h"
#include "workloads/trace.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <tuple>

#include <fmt/format.h>

#include "sim/config.h"

namespace workloads {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string row_name(std::int64_t row) { return fmt::format("row {}", row); }

// Splits one CSV line at commas into trimmed fields (views into `line`).
void split_fields(const std::string& file, std::int64_t row, std::string_view line,
                  std::vector<std::string_view>& out) {
  out.clear();
  if (line.find('"') != std::string_view::npos) {
    throw sim::ConfigError(file, row_name(row), "quoted fields are not supported");
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// Line-by-line reader that counts rows and skips a BOM and blank lines.
class CsvReader {
 public:
  explicit CsvReader(const std::string& file) : file_(file), in_(file) {
    if (!in_) throw sim::ConfigError(file, "", "cannot open trace file");
  }
  // Reads the next non-blank line's fields; false at the end of the file.
  bool next(std::vector<std::string_view>& fields) {
    while (std::getline(in_, line_)) {
      ++row_;
      std::string_view view(line_);
      if (row_ == 1 && view.starts_with("\xEF\xBB\xBF")) view.remove_prefix(3);
      if (trim(view).empty()) continue;
      split_fields(file_, row_, view, fields);
      return true;
    }
    if (in_.bad()) throw sim::ConfigError(file_, row_name(row_ + 1), "read error");
    return false;
  }
  std::int64_t row() const { return row_; }
  [[noreturn]] void fail(const std::string& message) const {
    throw sim::ConfigError(file_, row_name(row_), message);
  }
  // Index of the header column named `name`, or -1.
  static int column(const std::vector<std::string_view>& header, std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  void require_columns(const std::vector<std::string_view>& fields, int max_index) const {
    if (static_cast<int>(fields.size()) <= max_index) {
      fail(fmt::format("too few columns ({}, need at least {})", fields.size(), max_index + 1));
    }
  }

 private:
  std::string file_;
  std::ifstream in_;
  std::string line_;
  std::int64_t row_ = 0;
};

std::vector<std::string_view> read_header(const std::string& file, CsvReader& reader) {
  std::vector<std::string_view> header;
  if (!reader.next(header)) throw sim::ConfigError(file, row_name(1), "empty trace file (expected a header)");
  return header;
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

void check_not_decreasing(const CsvReader& reader, const std::vector<sim::Time>& times, sim::Time t) {
  if (!times.empty() && t < times.back()) {
    reader.fail(fmt::format("arrival times must not decrease ({} ns after {} ns)", t.ns, times.back().ns));
  }
}

std::vector<sim::Time> parse_arrival_ms(const std::string& file, const std::string& task) {
  return read_trace_file(file, task);  // libcsv, one reader for the format (workloads/trace.h)
}

std::vector<sim::Time> parse_timestamps(const std::string& file, const std::string& column) {
  CsvReader reader(file);
  const auto header = read_header(file, reader);
  const int col = CsvReader::column(header, column);
  if (col < 0) reader.fail(fmt::format("header has no '{}' column", column));
  std::vector<sim::Time> times;
  std::vector<std::string_view> cells;
  std::int64_t first_ns = 0;
  while (reader.next(cells)) {
    reader.require_columns(cells, col);
    const auto ns = parse_timestamp_ns(cells[col]);
    if (!ns) {
      reader.fail(fmt::format("column {}: '{}' is not a time 'YYYY-MM-DD HH:MM:SS[.fraction]'", column,
                              cells[col]));
    }
    if (times.empty()) first_ns = *ns;
    const sim::Time t{*ns - first_ns};
    check_not_decreasing(reader, times, t);
    times.push_back(t);
  }
  return times;
}

std::vector<std::uint64_t> parse_minute_counts(const std::string& file, std::int64_t row) {
  CsvReader reader(file);
  const auto header = read_header(file, reader);
  const int first = CsvReader::column(header, "1");
  if (first < 0) reader.fail("header has no minute columns (named 1, 2, ...)");
  int minutes = 0;
  while (first + minutes < static_cast<int>(header.size()) &&
         header[first + minutes] == std::to_string(minutes + 1)) {
    ++minutes;
  }
  std::vector<std::string_view> cells;
  for (std::int64_t r = 0;; ++r) {
    if (!reader.next(cells)) {
      throw sim::ConfigError(file, "", fmt::format("has {} function rows; row {} (0-based) asked for", r, row));
    }
    if (r < row) continue;
    reader.require_columns(cells, first + minutes - 1);
    std::vector<std::uint64_t> counts(minutes);
    for (int m = 0; m < minutes; ++m) {
      const std::string_view text = cells[first + m];
      std::uint64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        reader.fail(fmt::format("column {}: '{}' is not a non-negative whole count", m + 1, text));
      }
      counts[m] = value;
    }
    return counts;
  }
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
