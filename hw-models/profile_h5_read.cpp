// Reading the HDF5 form of a profile (layout in profile_h5.h) from a file or a memory image.
//
// Contract: no file, however corrupted, makes this reader crash, read out of bounds or allocate
// without bound. Every attribute must hold exactly one value; every dataset is 1-D with at most
// kMaxEntries values; all datasets and table rows of a file together hold at most
// kMaxEntries values; strings are read into buffers this code sizes (fixed-length ones up to
// kMaxStringBytes) or released through HDF5's own reclaim; groups nest at most kMaxDepth deep
// (a corrupted link can make a cycle); column names must not collide. Every HDF5 error, and
// every violation, is one ConfigError naming the file and the HDF5 object being read. The library
// itself can still crash on a corrupted file, so reads run in a child process (sim/isolated.h).
#include <H5Cpp.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "hw-models/profile_h5.h"
#include "sim/isolated.h"

namespace hw {
namespace {

constexpr const char* kKind = "json_kind";
constexpr std::size_t kMaxEntries = std::size_t{1} << 22;
constexpr std::size_t kMaxStringBytes = std::size_t{1} << 20;
constexpr int kMaxDepth = 32;
constexpr hsize_t kMaxChildren = hsize_t{1} << 20;

// Closes an HDF5 identifier when it goes out of scope.
class Hid {
 public:
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Hid() {
    if (id_ >= 0) close_(id_);
  }
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid& operator=(Hid&&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// A variable-length string memory type with the character set of `file_type`.
Hid vlen_string_type(hid_t file_type) {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5T_cset_t cset = H5Tget_cset(file_type);
  if (cset == H5T_CSET_ASCII || cset == H5T_CSET_UTF8) H5Tset_cset(t.get(), cset);
  return t;
}

struct Reader {
  std::string file;
  std::size_t entries_left = kMaxEntries;
  std::string at = "/";  // the object being read, for library errors

  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw sim::ConfigError(file, where, message);
  }

  void take_entries(std::size_t n, const std::string& where) {
    if (n > entries_left) fail(where, fmt::format("more than {} values in the file", kMaxEntries));
    entries_left -= n;
  }

  // Reads one string of class H5T_STRING from an attribute (`attr`) or a scalar read.
  std::string read_string_attr(hid_t attr, hid_t type, const std::string& where) const {
    Hid space(H5Aget_space(attr), H5Sclose);
    if (H5Tis_variable_str(type) > 0) {
      Hid mem = vlen_string_type(type);
      char* p = nullptr;
      if (H5Aread(attr, mem.get(), &p) < 0) fail(where, "unreadable string (corrupt file?)");
      std::string s = p ? std::string(p, strnlen(p, kMaxStringBytes)) : std::string();
      if (p) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, &p);
      return s;
    }
    std::size_t size = H5Tget_size(type);
    if (size == 0 || size > kMaxStringBytes) fail(where, fmt::format("string of {} bytes", size));
    Hid mem(H5Tcopy(type), H5Tclose);
    std::vector<char> buffer(size + 1, '\0');
    if (H5Aread(attr, mem.get(), buffer.data()) < 0) fail(where, "unreadable string (corrupt file?)");
    return std::string(buffer.data(), strnlen(buffer.data(), size));
  }

  sim::Json read_attr(const H5::Attribute& a, const std::string& where) {
    at = where;
    hid_t id = a.getId();
    Hid space(H5Aget_space(id), H5Sclose);
    if (!space.ok() || H5Sget_simple_extent_npoints(space.get()) != 1) fail(where, "an attribute must hold one value");
    Hid type(H5Aget_type(id), H5Tclose);
    if (!type.ok()) fail(where, "attribute without a type (corrupt file?)");
    H5T_class_t cls = H5Tget_class(type.get());
    std::size_t size = H5Tget_size(type.get());
    if (cls == H5T_STRING) return read_string_attr(id, type.get(), where);
    if (cls == H5T_INTEGER && size == 1) {
      std::uint8_t b = 0;
      if (H5Aread(id, H5T_NATIVE_UINT8, &b) < 0) fail(where, "unreadable value (corrupt file?)");
      return b != 0;
    }
    if (cls == H5T_INTEGER && size <= 8) {
      std::int64_t i = 0;
      if (H5Aread(id, H5T_NATIVE_INT64, &i) < 0) fail(where, "unreadable value (corrupt file?)");
      return i;
    }
    if (cls == H5T_FLOAT && size <= 8) {
      double d = 0;
      if (H5Aread(id, H5T_NATIVE_DOUBLE, &d) < 0) fail(where, "unreadable value (corrupt file?)");
      return d;
    }
    fail(where, "attribute of an unsupported type");
  }

  template <typename T>
  std::vector<T> read_numbers(hid_t ds, hid_t mem_type, std::size_t n, const std::string& where) const {
    std::vector<T> v(n);
    if (n && H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) fail(where, "unreadable values (corrupt file?)");
    return v;
  }

  std::vector<sim::Json> read_values(const H5::DataSet& dataset, const std::string& where) {
    at = where;
    hid_t ds = dataset.getId();
    Hid space(H5Dget_space(ds), H5Sclose);
    if (!space.ok() || H5Sget_simple_extent_ndims(space.get()) != 1) fail(where, "expected a 1-D dataset");
    hsize_t dims = 0;
    if (H5Sget_simple_extent_dims(space.get(), &dims, nullptr) != 1) fail(where, "expected a 1-D dataset");
    if (dims > kMaxEntries) fail(where, fmt::format("{} values; at most {} per dataset", dims, kMaxEntries));
    std::size_t n = static_cast<std::size_t>(dims);
    take_entries(n, where);
    Hid type(H5Dget_type(ds), H5Tclose);
    if (!type.ok()) fail(where, "dataset without a type (corrupt file?)");
    H5T_class_t cls = H5Tget_class(type.get());
    std::size_t size = H5Tget_size(type.get());
    std::vector<sim::Json> out;
    out.reserve(n);
    if (cls == H5T_STRING) {
      if (H5Tis_variable_str(type.get()) <= 0) fail(where, "expected variable-length strings");
      Hid mem = vlen_string_type(type.get());
      std::vector<char*> ptrs(n, nullptr);
      if (n && H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) fail(where, "unreadable strings (corrupt file?)");
      for (char* p : ptrs) out.emplace_back(p ? std::string(p, strnlen(p, kMaxStringBytes)) : std::string());
      if (n) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    } else if (cls == H5T_INTEGER && size == 1) {
      for (auto x : read_numbers<std::uint8_t>(ds, H5T_NATIVE_UINT8, n, where)) out.emplace_back(x != 0);
    } else if (cls == H5T_INTEGER && size <= 8) {
      for (auto x : read_numbers<std::int64_t>(ds, H5T_NATIVE_INT64, n, where)) out.emplace_back(x);
    } else if (cls == H5T_FLOAT && size <= 8) {
      for (auto x : read_numbers<double>(ds, H5T_NATIVE_DOUBLE, n, where)) out.emplace_back(x);
    } else {
      fail(where, "dataset of an unsupported type");
    }
    return out;
  }

  std::string kind_of(const H5::H5Object& obj, const std::string& where) {
    if (!obj.attrExists(kKind)) return "";
    sim::Json k = read_attr(obj.openAttribute(kKind), where + "@" + kKind);
    if (!k.is_string()) fail(where + "@" + kKind, "must be a string");
    return k.get<std::string>();
  }

  // Sets row.a.b.c from the column name "a.b.c"; a prefix already holding a value is a collision.
  void set_path(sim::Json& row, const std::string& dotted, sim::Json value, const std::string& where) const {
    sim::Json* node = &row;
    std::size_t start = 0;
    for (std::size_t dot; (dot = dotted.find('.', start)) != std::string::npos; start = dot + 1) {
      node = &(*node)[dotted.substr(start, dot - start)];
      if (!node->is_null() && !node->is_object()) fail(where, "column name collides with another column");
    }
    sim::Json& leaf = (*node)[dotted.substr(start)];
    if (!leaf.is_null()) fail(where, "column name collides with another column");
    leaf = std::move(value);
  }

  hsize_t child_count(const H5::Group& g, const std::string& where) const {
    hsize_t n = g.getNumObjs();
    if (n > kMaxChildren) fail(where, fmt::format("{} members; at most {}", n, kMaxChildren));
    return n;
  }

  sim::Json read_table(const H5::Group& g, const std::string& where) {
    if (!g.attrExists("rows")) fail(where, "table without a \"rows\" attribute");
    sim::Json rows_attr = read_attr(g.openAttribute("rows"), where + "@rows");
    if (!rows_attr.is_number_integer() || rows_attr.get<std::int64_t>() < 0) fail(where, "\"rows\" must be a count");
    if (rows_attr.get<std::int64_t>() > static_cast<std::int64_t>(kMaxEntries)) fail(where + "@rows", "too many rows");
    std::size_t rows = static_cast<std::size_t>(rows_attr.get<std::int64_t>());
    take_entries(rows, where + "@rows");
    sim::Json out = sim::Json::array();
    for (std::size_t r = 0; r < rows; ++r) out.push_back(sim::Json::object());
    std::map<std::string, std::vector<sim::Json>> cols;
    hsize_t n = child_count(g, where);
    for (hsize_t i = 0; i < n; ++i) {
      at = where;
      std::string name = g.getObjnameByIdx(i);
      if (g.childObjType(name) != H5O_TYPE_DATASET) fail(where + "/" + name, "tables hold only column datasets");
      cols[name] = read_values(g.openDataSet(name), where + "/" + name);
    }
    auto all = [](const std::vector<sim::Json>& v, bool (sim::Json::*is)() const noexcept) {
      for (const auto& x : v)
        if (!(x.*is)()) return false;
      return true;
    };
    for (const auto& [name, values] : cols) {
      if (name.find('@') != std::string::npos) continue;
      std::string w = where + "/" + name;
      const std::vector<sim::Json>* present = cols.count(name + "@present") ? &cols.at(name + "@present") : nullptr;
      const std::vector<sim::Json>* offsets = cols.count(name + "@offsets") ? &cols.at(name + "@offsets") : nullptr;
      if (present && present->size() != rows) fail(w + "@present", fmt::format("has {} entries for {} rows", present->size(), rows));
      if (present && !all(*present, &sim::Json::is_boolean)) fail(w + "@present", "must be a uint8 mask");
      if (offsets) {
        if (offsets->size() != rows + 1) fail(w + "@offsets", fmt::format("has {} entries for {} rows", offsets->size(), rows));
        if (!all(*offsets, &sim::Json::is_number_integer)) fail(w + "@offsets", "must be integers");
        for (std::size_t r = 0; r < rows; ++r) {
          if (present && !(*present)[r].get<bool>()) continue;
          std::int64_t a = (*offsets)[r].get<std::int64_t>(), b = (*offsets)[r + 1].get<std::int64_t>();
          if (a < 0 || b < a || b > static_cast<std::int64_t>(values.size())) fail(w + "@offsets", fmt::format("bad range at row {}", r));
          set_path(out[r], name, sim::Json(std::vector<sim::Json>(values.begin() + a, values.begin() + b)), w);
        }
      } else {
        if (values.size() != rows) fail(w, fmt::format("has {} entries for {} rows", values.size(), rows));
        for (std::size_t r = 0; r < rows; ++r)
          if (!present || (*present)[r].get<bool>()) set_path(out[r], name, values[r], w);
      }
    }
    return out;
  }

  sim::Json read_object(const H5::Group& g, const std::string& where, int depth) {
    if (depth > kMaxDepth) fail(where, fmt::format("groups nested deeper than {} (a link cycle?)", kMaxDepth));
    at = where;
    sim::Json obj = sim::Json::object();
    int attrs = g.getNumAttrs();
    if (attrs < 0 || attrs > 65536) fail(where, "unreadable attribute count (corrupt file?)");
    for (int i = 0; i < attrs; ++i) {
      at = where;
      H5::Attribute a = g.openAttribute(static_cast<unsigned>(i));
      std::string name = a.getName();
      if (name == kKind) continue;
      obj[name] = read_attr(a, where + "@" + name);
    }
    hsize_t n = child_count(g, where);
    for (hsize_t i = 0; i < n; ++i) {
      at = where;
      std::string name = g.getObjnameByIdx(i);
      std::string w = (where == "/" ? "" : where) + "/" + name;
      at = w;
      if (obj.contains(name)) fail(w, "is both an attribute and a member");
      H5O_type_t type = g.childObjType(name);
      if (type == H5O_TYPE_GROUP) {
        H5::Group sub = g.openGroup(name);
        std::string kind = kind_of(sub, w);
        if (kind == "table") obj[name] = read_table(sub, w);
        else if (kind == "object") obj[name] = read_object(sub, w, depth + 1);
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

  sim::Json read_root(hid_t file_id) {
    Hid root_id(H5Gopen2(file_id, "/", H5P_DEFAULT), H5Gclose);
    if (!root_id.ok()) fail("/", "cannot open the root group (corrupt file?)");
    H5::Group root(root_id.get());  // takes its own reference to the id
    if (kind_of(root, "/") != "object") fail("/", "not a stitchsim HDF5 profile (no json_kind on the root group)");
    return read_object(root, "/", 0);
  }
};

// Runs `open_and_read` with HDF5's error printing off, turning library errors into ConfigError.
template <typename F>
sim::Json guarded(Reader& reader, F open_and_read) {
  H5::Exception::dontPrint();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    return open_and_read();
  } catch (const H5::Exception& e) {
    throw sim::ConfigError(reader.file, reader.at, fmt::format("HDF5 read failed: {}", e.getDetailMsg()));
  }
}

// HDF5 1.10 is not thread-safe, and a fork must not copy its state half-changed by another thread.
std::mutex& hdf5_read_mutex() {
  static std::mutex m;
  return m;
}

sim::Json read_file_in_process(const std::string& file) {
  Reader reader{file};
  return guarded(reader, [&] {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) throw sim::ConfigError(file, "", "cannot open file");
    if (!std::filesystem::is_regular_file(file, ec)) throw sim::ConfigError(file, "", "is not a regular file");
    if (H5Fis_hdf5(file.c_str()) <= 0) throw sim::ConfigError(file, "", "cannot open file as HDF5");
    Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!f.ok()) throw sim::ConfigError(file, "", "cannot open file as HDF5 (corrupt file?)");
    return reader.read_root(f.get());
  });
}

sim::Json read_image_in_process(const void* data, std::size_t size, const std::string& name) {
  Reader reader{name};
  return guarded(reader, [&] {
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    // In memory only: no backing file is read or written.
    if (H5Pset_fapl_core(fapl.get(), 1 << 16, false) < 0 || H5Pset_file_image(fapl.get(), const_cast<void*>(data), size) < 0) {
      throw sim::ConfigError(name, "", "cannot open the image as HDF5");
    }
    Hid f(H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!f.ok()) throw sim::ConfigError(name, "", "cannot open file as HDF5 (corrupt file?)");
    return reader.read_root(f.get());
  });
}

}  // namespace

// The library itself crashes on some corrupted files (a global heap read in H5HG_read, with no
// check this code could make first), so every read runs isolated in a child process.
sim::Json read_json_h5(const std::string& file, int timeout_s) {
  std::lock_guard lock(hdf5_read_mutex());
  return sim::run_isolated(file, [&] { return read_file_in_process(file); }, timeout_s);
}

sim::Json read_json_h5_image(const void* data, std::size_t size, const std::string& name) {
  std::lock_guard lock(hdf5_read_mutex());
  return sim::run_isolated(name, [&] { return read_image_in_process(data, size, name); });
}

}  // namespace hw
