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

}  // namespace hw
