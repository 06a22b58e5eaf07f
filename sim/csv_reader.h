// Reading CSV files that users provide (traces, imported tables), with Debian's libcsv (RFC 4180:
// quoted fields, embedded commas, quotes and line breaks, CRLF).
//
// Contract: returns every record as strings, trimmed of surrounding spaces and tabs, empty
// records skipped; each record remembers its 1-based record number (the header is record 1) for
// messages. Throws ConfigError naming the file (and the record) for a missing or non-regular
// file, malformed CSV (an unterminated quote), a field longer than kMaxCsvFieldBytes, a record
// with more than kMaxCsvColumns fields, or a file larger than kMaxCsvFileBytes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace sim {

inline constexpr std::size_t kMaxCsvFileBytes = std::size_t{1} << 30;
inline constexpr std::size_t kMaxCsvFieldBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxCsvColumns = 4096;

struct CsvRecord {
  std::size_t number = 0;  // 1-based, counting every record including the header
  std::vector<std::string> fields;
};

std::vector<CsvRecord> parse_csv_text(const std::string& text, const std::string& origin);
std::vector<CsvRecord> read_csv_file(const std::string& file);

// Streams the file's records to `on_record` as they are parsed (memory bounded by one record,
// whatever the file's size); `on_record` returns false to stop early. A UTF-8 byte-order mark
// at the start is skipped. Same checks and errors as read_csv_file; an exception thrown by
// `on_record` propagates.
void for_each_csv_record(const std::string& file, const std::function<bool(const CsvRecord&)>& on_record);

}  // namespace sim
