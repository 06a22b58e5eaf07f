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

 private:
  Column& column(const std::string& name, const std::string& unit);
  std::string name_;
  std::deque<Column> columns_;  // deque: references returned by ints() etc. stay valid
};

// Writes a set of tables into a run directory in one format.
class ResultSink {
 public:
  static constexpr const char* kRegistryKind = "sink";
  virtual ~ResultSink() = default;
  // Writes the tables under `directory`; returns the file written.
  virtual std::string write(const std::string& directory, const std::vector<const Table*>& tables) const = 0;
};

std::unique_ptr<ResultSink> make_sink(const ConfigNode& node, Json* resolved = nullptr);

}  // namespace sim
