#include "sim/config.h"

#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/json_reader.h"

namespace sim {

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

ConfigError::ConfigError(std::string file, std::string path, std::string message)
    : std::runtime_error(fmt::format("{}: {}{}{}", printable(file, 1000), printable(path, 1000), path.empty() ? "" : ": ",
                                     printable(message, 2000))),
      file_(printable(file, 1000)),
      path_(printable(path, 1000)),
      message_(printable(message, 2000)) {}

Json read_json_file(const std::string& file) {
  std::error_code ec;
  auto st = std::filesystem::status(file, ec);
  if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    throw ConfigError(file, "", "is not a regular file");
  }
  if (std::filesystem::is_regular_file(st) && std::filesystem::file_size(file, ec) > kMaxJsonFileBytes) {
    throw ConfigError(file, "", fmt::format("larger than {} MiB", kMaxJsonFileBytes >> 20));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file, "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_json_text(buffer.str(), file);
}

std::string describe_json(const Json& value) {
  std::string dumped = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (dumped.size() > 40) dumped = dumped.substr(0, 37) + "...";
  return fmt::format("{} {}", value.type_name(), dumped);
}

ConfigNode::ConfigNode(const Json& value, std::string file, std::string path)
    : owner_(std::make_shared<const Json>(value)),
      value_(owner_.get()),
      file_(std::make_shared<const std::string>(std::move(file))),
      path_(std::move(path)) {}

void ConfigNode::fail(const std::string& message) const { throw ConfigError(*file_, path_, message); }

void ConfigNode::expect_object() const {
  if (!value_->is_object()) fail(fmt::format("expected an object, got {}", describe_json(*value_)));
}
void ConfigNode::expect_array() const {
  if (!value_->is_array()) fail(fmt::format("expected an array, got {}", describe_json(*value_)));
}

bool ConfigNode::has(std::string_view key) const {
  return value_->is_object() && value_->contains(key);
}

std::size_t ConfigNode::size() const { return value_->size(); }

ConfigNode ConfigNode::at(std::string_view key) const {
  expect_object();
  auto it = value_->find(key);
  std::string child = fmt::format("{}.{}", path_, key);
  if (it == value_->end()) throw ConfigError(*file_, child, "required key is missing");
  ConfigNode node(&*it, file_, child);
  node.owner_ = owner_;
  return node;
}

ConfigNode ConfigNode::at(std::size_t index) const {
  expect_array();
  std::string child = fmt::format("{}[{}]", path_, index);
  if (index >= value_->size()) throw ConfigError(*file_, child, "index out of range");
  ConfigNode node(&(*value_)[index], file_, child);
  node.owner_ = owner_;
  return node;
}

std::vector<ConfigNode> ConfigNode::elements() const {
  expect_array();
  std::vector<ConfigNode> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) out.push_back(at(i));
  return out;
}

std::vector<std::string> ConfigNode::keys() const {
  expect_object();
  std::vector<std::string> out;
  for (auto it = value_->begin(); it != value_->end(); ++it) out.push_back(it.key());
  return out;
}

std::string ConfigNode::as_string() const {
  if (!value_->is_string()) fail(fmt::format("expected a string, got {}", describe_json(*value_)));
  return value_->get<std::string>();
}

bool ConfigNode::as_bool() const {
  if (!value_->is_boolean()) fail(fmt::format("expected true or false, got {}", describe_json(*value_)));
  return value_->get<bool>();
}

std::int64_t ConfigNode::as_int() const {
  if (value_->is_number_unsigned()) {
    auto u = value_->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(fmt::format("{} is too large (at most {})", u, std::numeric_limits<std::int64_t>::max()));
    }
    return static_cast<std::int64_t>(u);
  }
  if (value_->is_number_integer()) return value_->get<std::int64_t>();
  if (value_->is_number_float()) {
    double d = value_->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9e15) return static_cast<std::int64_t>(d);
  }
  fail(fmt::format("expected an integer, got {}", describe_json(*value_)));
}

std::uint64_t ConfigNode::as_uint64() const {
  if (value_->is_number_unsigned()) return value_->get<std::uint64_t>();
  if (value_->is_number_integer() && value_->get<std::int64_t>() < 0) fail(fmt::format("must not be negative, got {}", value_->get<std::int64_t>()));
  return static_cast<std::uint64_t>(as_int());
}

double ConfigNode::as_double(double min, double max) const {
  // nlohmann parses NaN/Infinity literals as errors already; a string "nan" is still a string.
  if (!value_->is_number()) fail(fmt::format("expected a number, got {}", describe_json(*value_)));
  double d = value_->get<double>();
  if (!std::isfinite(d)) fail("expected a finite number");
  if (d < min || d > max) {
    // A bound of 1e9 or more is a sanity limit, not part of the value's meaning: name only the
    // bound that was crossed then, and the whole range for narrow ones such as [0, 1].
    bool wide = max >= 1e9 || min <= -1e9;
    if (d < min && wide) fail(fmt::format("must be at least {}, got {}", min, d));
    if (d > max && wide) fail(fmt::format("is too large (at most {}), got {}", max, d));
    fail(fmt::format("must be in [{}, {}], got {}", min, max, d));
  }
  return d;
}

Time ConfigNode::as_duration(std::string_view bare_unit) const {
  if (value_->is_string()) {
    try {
      return parse_duration(value_->get<std::string>());
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }
  if (!value_->is_number()) {
    fail(fmt::format("expected a duration (number in {} or a string like \"2.5ms\"), got {}", bare_unit,
                     describe_json(*value_)));
  }
  double d = as_double();
  try {
    return parse_duration(fmt::format("{}{}", d, bare_unit));
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

std::string ConfigNode::get_string(std::string_view key, const std::string& fallback) const {
  return has(key) ? at(key).as_string() : fallback;
}
double ConfigNode::get_double(std::string_view key, double fallback, double min, double max) const {
  return has(key) ? at(key).as_double(min, max) : fallback;
}
std::int64_t ConfigNode::get_int(std::string_view key, std::int64_t fallback) const {
  return has(key) ? at(key).as_int() : fallback;
}
bool ConfigNode::get_bool(std::string_view key, bool fallback) const {
  return has(key) ? at(key).as_bool() : fallback;
}

void ConfigNode::expect_keys(std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> v(allowed.begin(), allowed.end());
  expect_keys(v);
}

void ConfigNode::expect_keys(const std::vector<std::string>& allowed) const {
  expect_object();
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == it.key();
    if (!ok) {
      throw ConfigError(*file_, fmt::format("{}.{}", path_, it.key()),
                        fmt::format("unknown key (allowed: {})", fmt::join(allowed, ", ")));
    }
  }
}

void apply_override(Json& root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set", assignment, "expected key=value, e.g. scheduler.name=round_robin");
  }
  std::string text = assignment.substr(eq + 1);
  Json value;
  // Text that is not JSON at all is a bare string (--set scheduler.name=round_robin); JSON that
  // parses but is out of bounds (1e999, too deep, a duplicate key) is an error.
  auto parsed = try_parse_json_text(text, "--set " + assignment.substr(0, eq));
  value = parsed ? std::move(*parsed) : Json(text);
  set_path(root, assignment.substr(0, eq), std::move(value));
}

void set_path(Json& root, const std::string& key, Json value, const std::string& origin) {
  Json* node = &root;
  std::string path = "$";
  std::size_t start = 0;
  while (true) {
    std::size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw ConfigError(origin, key, "empty path component");
    bool numeric = part.find_first_not_of("0123456789") == std::string::npos;
    if (node->is_array()) {
      if (!numeric) throw ConfigError(origin, path, fmt::format("'{}' is not an array index", part));
      if (part.size() > 18) throw ConfigError(origin, path + "[" + part + "]", "index out of range");
      std::size_t index = std::stoul(part);
      path += fmt::format("[{}]", index);
      if (index >= node->size()) throw ConfigError(origin, path, "index out of range");
      node = &(*node)[index];
    } else {
      if (!node->is_object() && !node->is_null()) {
        throw ConfigError(origin, path, fmt::format("cannot set a member of {}", describe_json(*node)));
      }
      path += "." + part;
      node = &(*node)[part];
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  *node = std::move(value);
}

}  // namespace sim
