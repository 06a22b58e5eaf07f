#include "sim/csv_reader.h"

#include <csv.h>

#include <filesystem>
#include <fstream>
#include <exception>
#include <string_view>

#include <fmt/format.h>

#include "sim/config.h"

namespace sim {
namespace {

// libcsv calls back per field and per record; the collector builds records and hands each
// finished one to `sink` (which returns false to stop).
struct Collector {
  std::function<bool(CsvRecord&)> sink;
  CsvRecord row;
  std::size_t number = 0;
  std::string error;
  bool stopped = false;
  std::exception_ptr thrown;  // from the sink: rethrown once libcsv has returned
};

std::string trimmed(const char* s, std::size_t n) {
  std::size_t b = 0, e = n;
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s + b, e - b);
}

void on_field(void* s, std::size_t n, void* data) {
  auto* c = static_cast<Collector*>(data);
  if (!c->error.empty() || c->stopped) return;
  if (c->row.fields.size() >= kMaxCsvColumns) {
    c->error = fmt::format("record {}: more than {} fields", c->number + 1, kMaxCsvColumns);
    return;
  }
  c->row.fields.push_back(s ? trimmed(static_cast<const char*>(s), n) : std::string());
}

void on_record(int, void* data) {
  auto* c = static_cast<Collector*>(data);
  ++c->number;
  const auto& f = c->row.fields;
  bool empty = f.empty() || (f.size() == 1 && f[0].empty());
  if (c->error.empty() && !c->stopped && !empty) {
    c->row.number = c->number;
    try {
      c->stopped = !c->sink(c->row);
    } catch (...) {
      c->thrown = std::current_exception();
      c->stopped = true;
    }
  }
  c->row.fields.clear();
}

// Feeds `next` blocks (empty at the end) through libcsv into `sink`.
void parse_blocks(const std::function<std::string_view()>& next, const std::string& origin,
                  std::function<bool(CsvRecord&)> sink) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) throw ConfigError(origin, "", "cannot start the CSV parser");
  csv_set_blk_size(&parser, 4096);
  Collector c;
  c.sink = std::move(sink);
  bool ok = true, first = true;
  // Fields are bounded by feeding the text in pieces and checking the buffered field size.
  try {
    for (std::string_view block = next(); ok && !block.empty() && c.error.empty() && !c.stopped; block = next()) {
      if (first && block.starts_with("\xEF\xBB\xBF")) block.remove_prefix(3);  // a UTF-8 byte-order mark
      first = false;
      ok = csv_parse(&parser, block.data(), block.size(), on_field, on_record, &c) == block.size();
      if (parser.entry_pos > kMaxCsvFieldBytes) c.error = fmt::format("record {}: a field is longer than {} bytes", c.number + 1, kMaxCsvFieldBytes);
    }
  } catch (...) {  // from `next` (a read error)
    csv_free(&parser);
    throw;
  }
  if (ok && c.error.empty() && !c.stopped) ok = csv_fini(&parser, on_field, on_record, &c) == 0;
  std::string lib_error = ok ? "" : csv_strerror(csv_error(&parser));
  csv_free(&parser);
  if (c.thrown) std::rethrow_exception(c.thrown);
  if (!c.error.empty()) throw ConfigError(origin, "", c.error);
  if (!ok) throw ConfigError(origin, fmt::format("record {}", c.number + 1), fmt::format("malformed CSV: {}", lib_error));
}

void check_file(const std::string& file) {
  std::error_code ec;
  auto st = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(st)) throw ConfigError(file, "", "cannot open file");
  if (!std::filesystem::is_regular_file(st)) throw ConfigError(file, "", "is not a regular file");
  if (std::filesystem::file_size(file, ec) > kMaxCsvFileBytes) throw ConfigError(file, "", fmt::format("larger than {} MiB", kMaxCsvFileBytes >> 20));
}

}  // namespace

std::vector<CsvRecord> parse_csv_text(const std::string& text, const std::string& origin) {
  std::vector<CsvRecord> records;
  std::size_t pos = 0;
  parse_blocks(
      [&] {
        std::string_view block(text.data() + pos, std::min<std::size_t>(65536, text.size() - pos));
        pos += block.size();
        return block;
      },
      origin,
      [&](CsvRecord& r) {
        records.push_back(std::move(r));
        return true;
      });
  return records;
}

void for_each_csv_record(const std::string& file, const std::function<bool(const CsvRecord&)>& on_record) {
  check_file(file);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file, "", "cannot open file");
  std::string buffer(65536, '\0');
  parse_blocks(
      [&] {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        if (in.bad()) throw ConfigError(file, "", "read error");
        return std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount()));
      },
      file, [&](CsvRecord& r) { return on_record(r); });
}

std::vector<CsvRecord> read_csv_file(const std::string& file) {
  std::vector<CsvRecord> records;
  for_each_csv_record(file, [&](const CsvRecord& r) {
    records.push_back(r);
    return true;
  });
  return records;
}

}  // namespace sim
