// HDF5 result sink: one group per table, one 1-D dataset per column (strings as variable-length
// UTF-8), with a "unit" attribute per column and a "columns" attribute listing the column order.
// A categorical column (sim::Categorical) is a dataset of 32-bit codes with the attribute
// encoding = "categorical"; its strings are the dataset categories/<column> of the table's group
// (variable-length UTF-8, code i is row i), written when the session closes. scripts/results.py
// load_table() decodes them: strings[codes].
//
// Datasets are chunked and extendible: each appended chunk of a table grows its datasets, so a
// run streams its tables with memory bounded by the chunk size.
#include <H5Cpp.h>

#include <algorithm>
#include <map>
#include <optional>

#include "sim/output_path.h"
#include "sim/registry.h"
#include "sim/table.h"

namespace sim {
namespace {

constexpr hsize_t kChunkRows = 16384;

void write_string_attribute(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  const char* p = value.c_str();
  attr.write(type, &p);
}

H5::StrType string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

H5::DataType column_type(const Column& c) {
  if (std::holds_alternative<std::vector<std::int64_t>>(c.values)) return H5::PredType::NATIVE_INT64;
  if (std::holds_alternative<std::vector<double>>(c.values)) return H5::PredType::NATIVE_DOUBLE;
  if (std::holds_alternative<Categorical>(c.values) || std::holds_alternative<std::vector<std::int32_t>>(c.values)) {
    return H5::PredType::NATIVE_INT32;
  }
  return string_type();
}

// A 1-D dataset of variable-length strings holding `values`.
void write_strings(H5::Group& group, const std::string& name, const std::vector<std::string>& values) {
  hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  H5::DataSet ds = group.createDataSet(name, string_type(), space);
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) ds.write(ptrs.data(), string_type());
}

// Appends the column's values at rows [at, at + n) of `ds`, growing it.
void append_column(H5::DataSet& ds, const Column& c, hsize_t at) {
  hsize_t n = c.size();
  if (n == 0) return;
  hsize_t total = at + n;
  ds.extend(&total);
  H5::DataSpace file_space = ds.getSpace();
  file_space.selectHyperslab(H5S_SELECT_SET, &n, &at);
  H5::DataSpace mem_space(1, &n);
  if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&c.values)) {
    ds.write(ints->data(), H5::PredType::NATIVE_INT64, mem_space, file_space);
  } else if (const auto* reals = std::get_if<std::vector<double>>(&c.values)) {
    ds.write(reals->data(), H5::PredType::NATIVE_DOUBLE, mem_space, file_space);
  } else if (const auto* ints32 = std::get_if<std::vector<std::int32_t>>(&c.values)) {
    ds.write(ints32->data(), H5::PredType::NATIVE_INT32, mem_space, file_space);
  } else if (const auto* cat = std::get_if<Categorical>(&c.values)) {
    ds.write(cat->codes().data(), H5::PredType::NATIVE_INT32, mem_space, file_space);
  } else {
    const auto& strings = std::get<std::vector<std::string>>(c.values);
    std::vector<const char*> ptrs;
    ptrs.reserve(strings.size());
    for (const auto& s : strings) ptrs.push_back(s.c_str());
    ds.write(ptrs.data(), column_type(c), mem_space, file_space);
  }
}

class Hdf5Session final : public TableSession {
 public:
  explicit Hdf5Session(const std::string& path) : file_(path, H5F_ACC_TRUNC) {}

  void append(const Table& t) override {
    hsize_t rows = t.rows();
    auto it = tables_.find(t.name());
    if (it == tables_.end()) {
      Open o{file_.createGroup(t.name()), {}, 0, {}, {}, {}};
      std::string order;
      for (const auto& c : t.columns()) {
        hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = kChunkRows;
        H5::DataSpace space(1, &zero, &unlimited);
        H5::DSetCreatPropList props;
        props.setChunk(1, &chunk);
        H5::DataSet ds = o.group.createDataSet(c.name, column_type(c), space, props);
        write_string_attribute(ds, "unit", c.unit);
        if (std::holds_alternative<Categorical>(c.values)) write_string_attribute(ds, "encoding", "categorical");
        o.columns.push_back(ds);
        o.categories.emplace_back();
        o.names.push_back(c.name);
        o.categorical.push_back(std::holds_alternative<Categorical>(c.values) ? 1 : 0);
        order += (order.empty() ? "" : ",") + c.name;
      }
      write_string_attribute(o.group, "columns", order);
      if (std::find(o.categorical.begin(), o.categorical.end(), 1) != o.categorical.end() &&
          std::find(o.names.begin(), o.names.end(), "categories") != o.names.end()) {
        throw std::logic_error("table '" + t.name() + "': a column named 'categories' next to categorical columns");
      }
      it = tables_.emplace(t.name(), std::move(o)).first;
    }
    Open& o = it->second;
    if (o.columns.size() != t.columns().size()) throw std::logic_error("table '" + t.name() + "': chunk with other columns");
    std::size_t i = 0;
    for (const auto& c : t.columns()) {
      if (const auto* cat = std::get_if<Categorical>(&c.values)) {
        // Chunks of a table share one list of codes that only grows (the same Categorical,
        // cleared between chunks): keep the ones this chunk added.
        auto& known = o.categories[i];
        const auto& all = cat->categories();
        if (all.size() < known.size() || !std::equal(known.begin(), known.end(), all.begin())) {
          throw std::logic_error("table '" + t.name() + "': chunk of '" + c.name + "' with other category codes");
        }
        known.insert(known.end(), all.begin() + static_cast<std::ptrdiff_t>(known.size()), all.end());
      }
      append_column(o.columns[i++], c, o.rows);
    }
    o.rows += rows;
  }

  void close() override {
    for (auto& [name, o] : tables_) {
      std::optional<H5::Group> group;
      for (std::size_t i = 0; i < o.columns.size(); ++i) {
        if (!o.is_categorical(i)) continue;
        if (!group) group = o.group.createGroup("categories");
        write_strings(*group, o.names[i], o.categories[i]);
      }
    }
    tables_.clear();
    file_.close();
  }

 private:
  struct Open {
    H5::Group group;
    std::vector<H5::DataSet> columns;
    hsize_t rows = 0;
    std::vector<std::string> names;                    // per column
    std::vector<char> categorical;                     // per column
    std::vector<std::vector<std::string>> categories;  // per column: the categories seen so far
    bool is_categorical(std::size_t i) const { return categorical[i] != 0; }
  };
  H5::H5File file_;
  std::map<std::string, Open> tables_;
};

class Hdf5Sink final : public ResultSink {
 public:
  explicit Hdf5Sink(std::string file) : file_(std::move(file)) {}
  std::unique_ptr<TableSession> open(const std::string& directory) const override {
    return std::make_unique<Hdf5Session>(path(directory));
  }
  std::string path(const std::string& directory) const override { return directory + "/" + file_; }

 private:
  std::string file_;
};

const Registration<ResultSink> kRegistration{
    "hdf5", "tables in one HDF5 file: a group per table, a dataset per column",
    {param_string("file", "results.h5", "file name inside the run directory")},
    // One file inside the run directory: a path could write outside it.
    [](const Params& p) { return std::make_unique<Hdf5Sink>(checked_output_name(p.node("file"))); }};

}  // namespace
}  // namespace sim
