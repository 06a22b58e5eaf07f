// A columnar results table: named columns of integers, reals or strings, each with a unit.
// Result sinks (HDF5, CSV) write tables; models fill them at the end of a run.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sim/config.h"
#include "sim/params.h"

namespace sim {

struct Column {
  std::string name;
  std::string unit;  // "ns", "ms", "bytes", "" ...
  std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>> values;
  std::size_t size() const;
};

class Table {
 public:
  explicit Table(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  std::vector<std::int64_t>& ints(const std::string& column, const std::string& unit = "");
  std::vector<double>& reals(const std::string& column, const std::string& unit = "");
  std::vector<std::string>& strings(const std::string& column, const std::string& unit = "");
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
