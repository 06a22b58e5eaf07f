// HDF5 result sink: one group per table, one 1-D dataset per column (strings as variable-length
// UTF-8), with a "unit" attribute per column and a "columns" attribute listing the column order.
// In Python: pd.DataFrame({c: f["requests"][c][()] for c in f["requests"].attrs["columns"]}).
#include <H5Cpp.h>

#include "sim/output_path.h"
#include "sim/registry.h"
#include "sim/table.h"

namespace sim {
namespace {

void write_string_attribute(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  const char* p = value.c_str();
  attr.write(type, &p);
}

void write_column(H5::Group& group, const Column& column) {
  hsize_t n = column.size();
  H5::DataSpace space(1, &n);
  H5::DataSet ds;
  if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&column.values)) {
    ds = group.createDataSet(column.name, H5::PredType::NATIVE_INT64, space);
    if (n) ds.write(ints->data(), H5::PredType::NATIVE_INT64);
  } else if (const auto* reals = std::get_if<std::vector<double>>(&column.values)) {
    ds = group.createDataSet(column.name, H5::PredType::NATIVE_DOUBLE, space);
    if (n) ds.write(reals->data(), H5::PredType::NATIVE_DOUBLE);
  } else {
    const auto& strings = std::get<std::vector<std::string>>(column.values);
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    ds = group.createDataSet(column.name, type, space);
    std::vector<const char*> ptrs;
    ptrs.reserve(strings.size());
    for (const auto& s : strings) ptrs.push_back(s.c_str());
    if (n) ds.write(ptrs.data(), type);
  }
  write_string_attribute(ds, "unit", column.unit);
}

class Hdf5Sink final : public ResultSink {
 public:
  explicit Hdf5Sink(std::string file) : file_(std::move(file)) {}
  std::string write(const std::string& directory, const std::vector<const Table*>& tables) const override {
    std::string path = directory + "/" + file_;
    H5::H5File file(path, H5F_ACC_TRUNC);
    for (const Table* t : tables) {
      t->rows();  // checks equal lengths
      H5::Group group = file.createGroup(t->name());
      std::string order;
      for (const auto& c : t->columns()) {
        write_column(group, c);
        order += (order.empty() ? "" : ",") + c.name;
      }
      write_string_attribute(group, "columns", order);
    }
    return path;
  }

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
