#include "sim/run_directory.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "sim/output_path.h"

namespace sim {
namespace fs = std::filesystem;

std::vector<std::string> create_directories_recorded(const std::string& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = fs::path(dir); !p.empty(); p = p.parent_path()) {
    if (fs::exists(fs::symlink_status(p, ec))) break;
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  std::vector<std::string> created;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!fs::create_directory(*it, ec) && ec) {
      remove_created_directories(created);
      throw ConfigError(dir, "", fmt::format("cannot create folder '{}': {}; nothing was written", it->string(), ec.message()));
    }
    created.push_back(it->string());
  }
  return created;
}

void remove_created_directories(const std::vector<std::string>& created) {
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    std::error_code ec;
    fs::remove(*it, ec);  // only removes an empty folder
  }
}

RunDirectory::RunDirectory(std::string target, std::string kind, bool overwrite)
    : target_(std::move(target)), kind_(std::move(kind)), overwrite_(overwrite) {
  check_output_dir(target_, kind_, overwrite_);
  fs::path t(target_);
  if (t.filename().empty()) t = t.parent_path();
  fs::path parent = t.parent_path();
  if (!parent.empty()) created_parents_ = create_directories_recorded(parent.string());
  staging_ = (parent / fmt::format(".{}.staging-{}", t.filename().string(), ::getpid())).string();
  std::error_code ec;
  fs::remove_all(staging_, ec);  // our own leftover from a killed process with the same pid
  if (!fs::create_directory(staging_, ec) || ec) {
    remove_created_directories(created_parents_);
    throw ConfigError(target_, "", fmt::format("cannot create a folder beside it: {}; nothing was written", ec.message()));
  }
  try {
    write_output_marker(staging_, kind_);
  } catch (...) {
    fs::remove_all(staging_, ec);
    remove_created_directories(created_parents_);
    throw;
  }
}

RunDirectory::~RunDirectory() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
    remove_created_directories(created_parents_);
  }
}

void RunDirectory::commit() {
  // Checked again: something may have appeared at the target while the run ran.
  OutputState state = check_output_dir(target_, kind_, overwrite_);
  fs::path t(target_);
  if (state != OutputState::absent) {
    // Move the old directory aside first so the swap leaves no mixed state.
    fs::path old = fs::path(staging_).concat(".old");
    fs::rename(t, old);
    fs::rename(staging_, t);
    fs::remove_all(old);
  } else {
    fs::rename(staging_, t);
  }
  committed_ = true;
}

void write_json_file(const std::string& path, const Json& value) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
    if (!out) throw std::runtime_error("cannot write " + path);
  }
  fs::rename(tmp, path);
}

}  // namespace sim
