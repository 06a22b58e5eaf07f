#include "sim/csv_reader.h"

#include <csv.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/config.h"

namespace sim {
namespace {

struct Collector {
  std::vector<CsvRecord> records;
  std::vector<std::string> row;
  std::size_t number = 0;
  std::string error;
};

std::string trimmed(const char* s, std::size_t n) {
  std::size_t b = 0, e = n;
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s + b, e - b);
}

void on_field(void* s, std::size_t n, void* data) {
  auto* c = static_cast<Collector*>(data);
  if (!c->error.empty()) return;
  if (c->row.size() >= kMaxCsvColumns) {
    c->error = fmt::format("record {}: more than {} fields", c->number + 1, kMaxCsvColumns);
    return;
  }
  c->row.push_back(s ? trimmed(static_cast<const char*>(s), n) : std::string());
}

void on_record(int, void* data) {
  auto* c = static_cast<Collector*>(data);
  ++c->number;
  bool empty = c->row.empty() || (c->row.size() == 1 && c->row[0].empty());
  if (c->error.empty() && !empty) c->records.push_back({c->number, std::move(c->row)});
  c->row.clear();
}

}  // namespace

std::vector<CsvRecord> parse_csv_text(const std::string& text, const std::string& origin) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) throw ConfigError(origin, "", "cannot start the CSV parser");
  csv_set_blk_size(&parser, 4096);
  Collector c;
  // Fields are bounded by feeding the text in pieces and checking the buffered field size.
  std::size_t pos = 0;
  bool ok = true;
  while (ok && pos < text.size() && c.error.empty()) {
    std::size_t n = std::min<std::size_t>(65536, text.size() - pos);
    ok = csv_parse(&parser, text.data() + pos, n, on_field, on_record, &c) == n;
    pos += n;
    if (parser.entry_pos > kMaxCsvFieldBytes) c.error = fmt::format("record {}: a field is longer than {} bytes", c.number + 1, kMaxCsvFieldBytes);
  }
  if (ok && c.error.empty()) ok = csv_fini(&parser, on_field, on_record, &c) == 0;
  std::string lib_error = ok ? "" : csv_strerror(csv_error(&parser));
  csv_free(&parser);
  if (!c.error.empty()) throw ConfigError(origin, "", c.error);
  if (!ok) throw ConfigError(origin, fmt::format("record {}", c.number + 1), fmt::format("malformed CSV: {}", lib_error));
  return std::move(c.records);
}

std::vector<CsvRecord> read_csv_file(const std::string& file) {
  std::error_code ec;
  auto st = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(st)) throw ConfigError(file, "", "cannot open file");
  if (!std::filesystem::is_regular_file(st)) throw ConfigError(file, "", "is not a regular file");
  if (std::filesystem::file_size(file, ec) > kMaxCsvFileBytes) throw ConfigError(file, "", fmt::format("larger than {} MiB", kMaxCsvFileBytes >> 20));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_csv_text(buffer.str(), file);
}

}  // namespace sim
