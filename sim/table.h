// A columnar results table: named columns of integers, reals, strings or categorical strings,
// each with a unit. Result sinks (HDF5, CSV) write tables; models fill them at the end of a run.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "sim/config.h"
#include "sim/params.h"

namespace sim {

// A string column whose values come from a small set (task names, processors, phases): each
// row holds a code into `categories()`. Codes are given in order of first appearance and never
// change, and clear() keeps the categories, so the chunks of a streamed table share one set of
// codes. The HDF5 sink writes the codes and the categories (a few bytes per row instead of a
// variable-length string); the CSV sink writes the strings.
class Categorical {
 public:
  // The code of `value`, added to the categories if new.
  std::int32_t code(std::string_view value);
  void push_back(std::string_view value) { codes_.push_back(code(value)); }
  // Appends a code that code() returned.
  void push_code(std::int32_t c) { codes_.push_back(c); }
  const std::string& operator[](std::size_t row) const { return categories_[static_cast<std::size_t>(codes_[row])]; }
  std::size_t size() const { return codes_.size(); }
  void clear() { codes_.clear(); }
  const std::vector<std::int32_t>& codes() const { return codes_; }
  const std::vector<std::string>& categories() const { return categories_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::int32_t> codes_;
  std::vector<std::string> categories_;
  std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> index_;
};

struct Column {
  std::string name;
  std::string unit;  // "ns", "ms", "bytes", "" ...
  // 32-bit integers for small counts and indices (slots, subgraphs, flags): half the bytes.
  std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>, Categorical,
               std::vector<std::int32_t>>
      values;
  std::size_t size() const;
};

class Table {
 public:
  explicit Table(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  std::vector<std::int64_t>& ints(const std::string& column, const std::string& unit = "");
  std::vector<std::int32_t>& ints32(const std::string& column, const std::string& unit = "");
  std::vector<double>& reals(const std::string& column, const std::string& unit = "");
  std::vector<std::string>& strings(const std::string& column, const std::string& unit = "");
  Categorical& categorical(const std::string& column, const std::string& unit = "");
  const std::deque<Column>& columns() const { return columns_; }
  // Number of rows; throws std::logic_error if columns differ in length.
  std::size_t rows() const;
  // Empties every column, keeping names, units and types (to reuse a table as a chunk buffer).
  void clear_rows();

 private:
  Column& column(const std::string& name, const std::string& unit);
  std::string name_;
  std::deque<Column> columns_;  // deque: references returned by ints() etc. stay valid
};

// Tables of one run, written chunk by chunk so that a long run never holds a whole table in
// memory. append() takes a chunk of one table: a Table with the table's name, and the same
// columns (names, types, order) every time; rows go after the ones appended before. close()
// finishes the files; a session destroyed without close() leaves them unfinished, which is fine
// inside a run directory's staging folder (discarded unless committed).
class TableSession {
 public:
  virtual ~TableSession() = default;
  virtual void append(const Table& chunk) = 0;
  virtual void close() = 0;
};

// Writes a set of tables into a run directory in one format.
class ResultSink {
 public:
  static constexpr const char* kRegistryKind = "sink";
  virtual ~ResultSink() = default;
  // A session writing tables under `directory`.
  virtual std::unique_ptr<TableSession> open(const std::string& directory) const = 0;
  // The file (or the last file) the sink writes under `directory`.
  virtual std::string path(const std::string& directory) const = 0;
  // Whole tables at once: one session, one chunk per table. Returns path(directory).
  std::string write(const std::string& directory, const std::vector<const Table*>& tables) const;
};

std::unique_ptr<ResultSink> make_sink(const ConfigNode& node, Json* resolved = nullptr);

}  // namespace sim
