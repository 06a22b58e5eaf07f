#include "sim/run_directory.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace sim {
namespace fs = std::filesystem;

RunDirectory::RunDirectory(std::string target) : target_(std::move(target)) {
  fs::path t = fs::absolute(fs::path(target_)).lexically_normal();
  if (t.filename().empty()) t = t.parent_path();
  fs::create_directories(t.parent_path());
  staging_ = (t.parent_path() / fmt::format(".{}.staging-{}", t.filename().string(), ::getpid())).string();
  fs::remove_all(staging_);
  fs::create_directory(staging_);
}

RunDirectory::~RunDirectory() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void RunDirectory::commit() {
  fs::path t(target_);
  if (fs::exists(t)) {
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
    out << value.dump(2) << '\n';
    if (!out) throw std::runtime_error("cannot write " + path);
  }
  fs::rename(tmp, path);
}

}  // namespace sim
