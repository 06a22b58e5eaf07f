#include "hw-models/profile_h5.h"

#include <H5Cpp.h>

#include <filesystem>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace hw {
namespace {

constexpr const char* kKind = "json_kind";

// --- writing -----------------------------------------------------------------------------

H5::StrType string_type() {
  H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  t.setCset(H5T_CSET_UTF8);
  return t;
}

// Creation properties without modification times, so equal trees give equal bytes.
H5::DSetCreatPropList dataset_props() {
  H5::DSetCreatPropList p;
  H5Pset_obj_track_times(p.getId(), false);
  return p;
}

H5::Group create_group(H5::Group& parent, const std::string& name) {
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl, false);
  hid_t id = H5Gcreate2(parent.getId(), name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  if (id < 0) throw std::invalid_argument(fmt::format("cannot create HDF5 group '{}'", name));
  H5::Group group(id);  // takes its own reference to the id
  H5Gclose(id);
  return group;
}

void string_attr(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType t = string_type();
  H5::Attribute a = obj.createAttribute(name, t, H5::DataSpace(H5S_SCALAR));
  const char* p = value.c_str();
  a.write(t, &p);
}

void scalar_attr(H5::H5Object& obj, const std::string& name, const sim::Json& v) {
  H5::DataSpace scalar(H5S_SCALAR);
  if (v.is_string()) {
    string_attr(obj, name, v.get<std::string>());
  } else if (v.is_boolean()) {
    std::uint8_t b = v.get<bool>() ? 1 : 0;
    obj.createAttribute(name, H5::PredType::NATIVE_UINT8, scalar).write(H5::PredType::NATIVE_UINT8, &b);
  } else if (v.is_number_integer()) {
    std::int64_t i = v.get<std::int64_t>();
    obj.createAttribute(name, H5::PredType::NATIVE_INT64, scalar).write(H5::PredType::NATIVE_INT64, &i);
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    obj.createAttribute(name, H5::PredType::NATIVE_DOUBLE, scalar).write(H5::PredType::NATIVE_DOUBLE, &d);
  } else {
    throw std::invalid_argument(fmt::format("member '{}': {} cannot be an HDF5 attribute", name, sim::describe_json(v)));
  }
}

std::string unit_of(const std::string& key) {
  auto ends = [&](std::string_view s) { return key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0; };
  if (ends("_ms")) return "ms";
  if (ends("_bytes")) return "bytes";
  if (ends("_mb")) return "MB";
  return "";
}

// A column of scalars of one JSON type; writes it as a 1-D dataset.
void write_values(H5::Group& g, const std::string& name, const std::vector<sim::Json>& values) {
  hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  bool all_str = true, all_bool = true, all_num = true, all_int = true;
  for (const auto& v : values) {
    all_str = all_str && v.is_string();
    all_bool = all_bool && v.is_boolean();
    all_num = all_num && v.is_number();
    all_int = all_int && v.is_number_integer();
  }
  H5::DataSet ds;
  if (n == 0 || (all_num && !all_int)) {
    std::vector<double> d;
    for (const auto& v : values) d.push_back(v.get<double>());
    ds = g.createDataSet(name, H5::PredType::NATIVE_DOUBLE, space, dataset_props());
    if (n) ds.write(d.data(), H5::PredType::NATIVE_DOUBLE);
  } else if (all_int) {
    std::vector<std::int64_t> d;
    for (const auto& v : values) d.push_back(v.get<std::int64_t>());
    ds = g.createDataSet(name, H5::PredType::NATIVE_INT64, space, dataset_props());
    ds.write(d.data(), H5::PredType::NATIVE_INT64);
  } else if (all_bool) {
    std::vector<std::uint8_t> d;
    for (const auto& v : values) d.push_back(v.get<bool>() ? 1 : 0);
    ds = g.createDataSet(name, H5::PredType::NATIVE_UINT8, space, dataset_props());
    ds.write(d.data(), H5::PredType::NATIVE_UINT8);
  } else if (all_str) {
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.get_ref<const std::string&>().c_str());
    H5::StrType t = string_type();
    ds = g.createDataSet(name, t, space, dataset_props());
    ds.write(ptrs.data(), t);
  } else {
    throw std::invalid_argument(fmt::format("column '{}' mixes value types", name));
  }
  std::string unit = unit_of(name.substr(0, name.find('@')));
  if (!unit.empty()) string_attr(ds, "unit", unit);
}

void check_key(const std::string& key) {
  if (key.empty() || key == kKind || key.find_first_of("/.@") != std::string::npos) {
    throw std::invalid_argument(fmt::format("key '{}' cannot be stored in HDF5 (empty, reserved, or holds / . @)", key));
  }
}

void flatten(const sim::Json& obj, const std::string& prefix, std::map<std::string, const sim::Json*>& out) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    check_key(it.key());
    std::string k = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) flatten(*it, k, out);
    else out[k] = &*it;
  }
}

void write_object(H5::Group& g, const sim::Json& obj);

void write_table(H5::Group& parent, const std::string& name, const sim::Json& rows) {
  H5::Group g = create_group(parent, name);
  string_attr(g, kKind, "table");
  scalar_attr(g, "rows", sim::Json(static_cast<std::int64_t>(rows.size())));
  std::vector<std::map<std::string, const sim::Json*>> flat(rows.size());
  std::map<std::string, bool> columns;  // name -> ragged
  for (std::size_t r = 0; r < rows.size(); ++r) {
    flatten(rows[r], "", flat[r]);
    for (const auto& [k, v] : flat[r]) columns[k] = columns[k] || v->is_array();
  }
  for (const auto& [col, ragged] : columns) {
    std::vector<sim::Json> values;
    std::vector<sim::Json> present, offsets{sim::Json(0)};
    bool all_present = true;
    for (const auto& row : flat) {
      auto it = row.find(col);
      all_present = all_present && it != row.end();
      present.push_back(it != row.end());
      if (ragged) {
        if (it != row.end()) {
          if (!it->second->is_array()) throw std::invalid_argument(fmt::format("column '{}' mixes arrays and scalars", col));
          for (const auto& x : *it->second) {
            if (x.is_structured()) throw std::invalid_argument(fmt::format("column '{}' nests arrays", col));
            values.push_back(x);
          }
        }
        offsets.push_back(static_cast<std::int64_t>(values.size()));
      } else if (it != row.end()) {
        values.push_back(*it->second);
      } else {
        // Placeholder of the column's type for an absent row; the mask says it is absent.
        const sim::Json* sample = nullptr;
        for (const auto& other : flat)
          if (auto f = other.find(col); f != other.end()) sample = f->second;
        values.push_back(sample->is_string() ? sim::Json("") : sample->is_boolean() ? sim::Json(false)
                         : sample->is_number_float()                              ? sim::Json(0.0)
                                                                                  : sim::Json(0));
      }
    }
    write_values(g, col, values);
    if (ragged) write_values(g, col + "@offsets", offsets);
    if (!all_present) write_values(g, col + "@present", present);
  }
}

void write_member(H5::Group& g, const std::string& key, const sim::Json& v) {
  check_key(key);
  if (v.is_object()) {
    H5::Group sub = create_group(g, key);
    write_object(sub, v);
  } else if (v.is_array()) {
    bool objects = !v.empty();
    for (const auto& x : v) objects = objects && x.is_object();
    if (objects) {
      write_table(g, key, v);
      return;
    }
    std::vector<sim::Json> values;
    for (const auto& x : v) {
      if (x.is_structured()) throw std::invalid_argument(fmt::format("array '{}' mixes objects, arrays and scalars", key));
      values.push_back(x);
    }
    write_values(g, key, values);
    H5::DataSet ds = g.openDataSet(key);
    string_attr(ds, kKind, "array");
  } else if (v.is_null()) {
    throw std::invalid_argument(fmt::format("member '{}' is null", key));
  } else {
    scalar_attr(g, key, v);
  }
}

void write_object(H5::Group& g, const sim::Json& obj) {
  string_attr(g, kKind, "object");
  for (auto it = obj.begin(); it != obj.end(); ++it) write_member(g, it.key(), *it);
}

// --- reading -----------------------------------------------------------------------------

struct Reader {
  std::string file;
  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw sim::ConfigError(file, where, message);
  }

  sim::Json read_attr(const H5::Attribute& a, const std::string& where) const {
    H5T_class_t cls = a.getTypeClass();
    if (cls == H5T_STRING) {
      std::string s;
      a.read(a.getStrType(), s);
      return s;
    }
    if (cls == H5T_INTEGER) {
      if (a.getIntType().getSize() == 1) {
        std::uint8_t b = 0;
        a.read(H5::PredType::NATIVE_UINT8, &b);
        return b != 0;
      }
      std::int64_t i = 0;
      a.read(H5::PredType::NATIVE_INT64, &i);
      return i;
    }
    if (cls == H5T_FLOAT) {
      double d = 0;
      a.read(H5::PredType::NATIVE_DOUBLE, &d);
      return d;
    }
    fail(where, "attribute of an unsupported type");
  }

  std::vector<sim::Json> read_values(const H5::DataSet& ds, const std::string& where) const {
    H5::DataSpace space = ds.getSpace();
    if (space.getSimpleExtentNdims() != 1) fail(where, "expected a 1-D dataset");
    hsize_t n = 0;
    space.getSimpleExtentDims(&n);
    std::vector<sim::Json> out;
    H5T_class_t cls = ds.getTypeClass();
    if (cls == H5T_STRING) {
      if (!ds.getStrType().isVariableStr()) fail(where, "expected variable-length strings");
      std::vector<char*> ptrs(n, nullptr);
      H5::StrType t = string_type();
      if (n) ds.read(ptrs.data(), t);
      for (char* p : ptrs) out.emplace_back(p ? std::string(p) : std::string());
      if (n) H5Dvlen_reclaim(t.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
    } else if (cls == H5T_INTEGER && ds.getIntType().getSize() == 1) {
      std::vector<std::uint8_t> v(n);
      if (n) ds.read(v.data(), H5::PredType::NATIVE_UINT8);
      for (auto x : v) out.emplace_back(x != 0);
    } else if (cls == H5T_INTEGER) {
      std::vector<std::int64_t> v(n);
      if (n) ds.read(v.data(), H5::PredType::NATIVE_INT64);
      for (auto x : v) out.emplace_back(x);
    } else if (cls == H5T_FLOAT) {
      std::vector<double> v(n);
      if (n) ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
      for (auto x : v) out.emplace_back(x);
    } else {
      fail(where, "dataset of an unsupported type");
    }
    return out;
  }

  std::string kind_of(const H5::H5Object& obj) const {
    if (!obj.attrExists(kKind)) return "";
    std::string s;
    H5::Attribute a = obj.openAttribute(kKind);
    a.read(a.getStrType(), s);
    return s;
  }

  static void set_path(sim::Json& row, const std::string& dotted, sim::Json value) {
    sim::Json* node = &row;
    std::size_t start = 0;
    for (std::size_t dot; (dot = dotted.find('.', start)) != std::string::npos; start = dot + 1) {
      node = &(*node)[dotted.substr(start, dot - start)];
    }
    (*node)[dotted.substr(start)] = std::move(value);
  }

  sim::Json read_table(const H5::Group& g, const std::string& where) const {
    if (!g.attrExists("rows")) fail(where, "table without a \"rows\" attribute");
    sim::Json rows_attr = read_attr(g.openAttribute("rows"), where + "@rows");
    if (!rows_attr.is_number_integer() || rows_attr.get<std::int64_t>() < 0) fail(where, "\"rows\" must be a count");
    std::size_t rows = static_cast<std::size_t>(rows_attr.get<std::int64_t>());
    sim::Json out = sim::Json::array();
    for (std::size_t r = 0; r < rows; ++r) out.push_back(sim::Json::object());
    std::map<std::string, std::vector<sim::Json>> cols;
    for (hsize_t i = 0; i < g.getNumObjs(); ++i) {
      std::string name = g.getObjnameByIdx(i);
      if (g.childObjType(name) != H5O_TYPE_DATASET) fail(where + "/" + name, "tables hold only column datasets");
      cols[name] = read_values(g.openDataSet(name), where + "/" + name);
    }
    for (const auto& [name, values] : cols) {
      if (name.find('@') != std::string::npos) continue;
      std::string w = where + "/" + name;
      const std::vector<sim::Json>* present = cols.count(name + "@present") ? &cols.at(name + "@present") : nullptr;
      const std::vector<sim::Json>* offsets = cols.count(name + "@offsets") ? &cols.at(name + "@offsets") : nullptr;
      if (present && present->size() != rows) fail(w + "@present", fmt::format("has {} entries for {} rows", present->size(), rows));
      if (offsets) {
        if (offsets->size() != rows + 1) fail(w + "@offsets", fmt::format("has {} entries for {} rows", offsets->size(), rows));
        for (std::size_t r = 0; r < rows; ++r) {
          if (present && !(*present)[r].get<bool>()) continue;
          std::int64_t a = (*offsets)[r].get<std::int64_t>(), b = (*offsets)[r + 1].get<std::int64_t>();
          if (a < 0 || b < a || b > static_cast<std::int64_t>(values.size())) fail(w + "@offsets", fmt::format("bad range at row {}", r));
          set_path(out[r], name, sim::Json(std::vector<sim::Json>(values.begin() + a, values.begin() + b)));
        }
      } else {
        if (values.size() != rows) fail(w, fmt::format("has {} entries for {} rows", values.size(), rows));
        for (std::size_t r = 0; r < rows; ++r)
          if (!present || (*present)[r].get<bool>()) set_path(out[r], name, values[r]);
      }
    }
    return out;
  }

  sim::Json read_object(const H5::Group& g, const std::string& where) const {
    sim::Json obj = sim::Json::object();
    for (int i = 0; i < g.getNumAttrs(); ++i) {
      H5::Attribute a = g.openAttribute(static_cast<unsigned>(i));
      std::string name = a.getName();
      if (name == kKind) continue;
      obj[name] = read_attr(a, where + "@" + name);
    }
    for (hsize_t i = 0; i < g.getNumObjs(); ++i) {
      std::string name = g.getObjnameByIdx(i);
      std::string w = (where == "/" ? "" : where) + "/" + name;
      H5O_type_t type = g.childObjType(name);
      if (type == H5O_TYPE_GROUP) {
        H5::Group sub = g.openGroup(name);
        std::string kind = kind_of(sub);
        if (kind == "table") obj[name] = read_table(sub, w);
        else if (kind == "object") obj[name] = read_object(sub, w);
        else fail(w, "group without a json_kind of \"object\" or \"table\" (not a stitchsim profile?)");
      } else if (type == H5O_TYPE_DATASET) {
        auto values = read_values(g.openDataSet(name), w);
        obj[name] = sim::Json(values);
      } else {
        fail(w, "unsupported HDF5 object");
      }
    }
    return obj;
  }
};

}  // namespace

void write_json_h5(const sim::Json& document, const std::string& file) {
  if (!document.is_object()) throw std::invalid_argument("an HDF5 profile document must be an object");
  H5::Exception::dontPrint();
  try {
    H5::FileCreatPropList fcpl;
    H5Pset_obj_track_times(fcpl.getId(), false);
    H5::H5File f(file, H5F_ACC_TRUNC, fcpl);
    H5::Group root = f.openGroup("/");
    write_object(root, document);
  } catch (const H5::Exception& e) {
    throw sim::ConfigError(file, "", fmt::format("HDF5 write failed: {}", e.getDetailMsg()));
  }
}

sim::Json read_json_h5(const std::string& file) {
  H5::Exception::dontPrint();
  Reader reader{file};
  try {
    if (!std::filesystem::exists(file)) throw sim::ConfigError(file, "", "cannot open file");
    if (H5Fis_hdf5(file.c_str()) <= 0) throw sim::ConfigError(file, "", "cannot open file as HDF5");
    H5::H5File f(file, H5F_ACC_RDONLY);
    H5::Group root = f.openGroup("/");
    if (reader.kind_of(root) != "object") reader.fail("/", "not a stitchsim HDF5 profile (no json_kind on the root group)");
    return reader.read_object(root, "/");
  } catch (const H5::Exception& e) {
    throw sim::ConfigError(file, "", fmt::format("HDF5 read failed: {}", e.getDetailMsg()));
  }
}

}  // namespace hw
