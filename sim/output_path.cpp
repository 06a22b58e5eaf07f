#include "sim/output_path.h"

#include <fstream>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

namespace sim {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& message) {
  throw ConfigError(path, "", message + "; nothing was written");
}

std::string type_name(fs::file_type t) {
  switch (t) {
    case fs::file_type::regular: return "a file";
    case fs::file_type::directory: return "a directory";
    case fs::file_type::symlink: return "a symbolic link";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    case fs::file_type::fifo: return "a named pipe";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file or directory";
  }
}

// The nearest ancestor of `p` (as written) that exists must be a directory.
void check_parent(const std::string& path) {
  fs::path p = fs::path(path).parent_path();
  while (!p.empty()) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (st.type() != fs::file_type::not_found && st.type() != fs::file_type::none) {
      if (st.type() != fs::file_type::directory) refuse(path, fmt::format("'{}' is {}, not a directory", p.string(), type_name(st.type())));
      return;
    }
    if (p == p.parent_path()) return;
    p = p.parent_path();
  }
}

}  // namespace

void check_output_path_lexically(const std::string& path) {
  if (path.empty()) throw ConfigError("--out", "", "the output path is empty");
  if (path.find('\0') != std::string::npos) refuse("--out", "the output path holds a NUL byte");
  fs::path p(path);
  fs::path last = p.filename();
  // "runs/x/" has an empty filename: its folder is the last named component.
  if (last.empty() && p.has_parent_path() && p.parent_path() != p) last = p.parent_path().filename();
  if (last.empty() || last == "." || last == "..") {
    refuse(path, "an output must be a folder or file of its own, not '.', '..' or '/'");
  }
  // ".." right after a folder that does not exist: the OS fails (or resolves elsewhere) where
  // the path as written looks fine, so refuse it up front.
  fs::path prefix;
  bool exists = true;
  for (const auto& part : p) {
    if (part == ".." && !exists) {
      refuse(path, fmt::format("'..' follows '{}', which does not exist", prefix.string()));
    }
    prefix /= part;
    if (exists) {
      std::error_code ec;
      exists = fs::exists(prefix, ec);
    }
  }
}

std::optional<Json> read_output_marker(const std::string& dir) {
  fs::path m = fs::path(dir) / kOutputMarker;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(m, ec))) return std::nullopt;
  std::ifstream in(m);
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("kind") || !j["kind"].is_string()) return std::nullopt;
  return j;
}

void write_output_marker(const std::string& dir, const std::string& kind, const Json& extra) {
  Json j = extra;
  j["kind"] = kind;
  j["version"] = STITCHSIM_VERSION;
  std::ofstream out(fs::path(dir) / kOutputMarker);
  out << j.dump() << '\n';
  if (!out) throw ConfigError(dir, "", fmt::format("cannot write {}", kOutputMarker));
}

OutputState check_output_dir(const std::string& dir, const std::string& kind, bool overwrite) {
  check_output_path_lexically(dir);
  std::error_code ec;
  auto st = fs::symlink_status(dir, ec);
  if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::none) {
    check_parent(dir);
    return OutputState::absent;
  }
  if (st.type() != fs::file_type::directory) {
    refuse(dir, fmt::format("exists and is {}, not a stitchsim {} directory", type_name(st.type()), kind));
  }
  if (fs::is_empty(dir, ec) && !ec) return OutputState::empty;
  auto marker = read_output_marker(dir);
  if (!marker) refuse(dir, fmt::format("exists and is not a stitchsim output; choose another directory"));
  std::string found = (*marker)["kind"].get<std::string>();
  if (found != kind) refuse(dir, fmt::format("holds the output of 'stitchsim {}', not of 'stitchsim {}'", found, kind));
  if (!overwrite) refuse(dir, fmt::format("holds a previous {} output; pass --overwrite to replace it", kind));
  return OutputState::previous;
}

void check_output_file(const std::string& file, bool overwrite) {
  check_output_path_lexically(file);
  std::error_code ec;
  auto st = fs::symlink_status(file, ec);
  if (st.type() == fs::file_type::not_found || st.type() == fs::file_type::none) {
    check_parent(file);
    return;
  }
  if (st.type() != fs::file_type::regular) refuse(file, fmt::format("exists and is {}", type_name(st.type())));
  if (!overwrite) refuse(file, "exists; pass --overwrite to replace it");
}

std::string checked_output_name(const ConfigNode& node) {
  std::string name = node.as_string();
  if (name.empty()) node.fail("must not be empty (it names an output file or folder)");
  if (name.size() > 200) node.fail("must be at most 200 bytes (it names an output file or folder)");
  if (name == "." || name == "..") node.fail(fmt::format("'{}' cannot name an output folder", name));
  for (unsigned char c : name) {
    if (c == '/' || c == '\\') node.fail("must not hold '/' or '\\' (it names one output file or folder, e.g. runs/<name>)");
    if (c < 0x20 || c == 0x7f) node.fail("must not hold control characters");
  }
  return name;
}

}  // namespace sim
