// Reading JSON configuration with errors that name the file and the JSON path.
//
// Contract: every reader of user input goes through ConfigNode, so every problem ends as one
// ConfigError whose what() is "FILE: $.json.path: message". Objects are checked for unknown keys
// (expect_keys), so a typo never silently falls back to a default.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/time.h"

namespace sim {

using Json = nlohmann::json;

// `text` with control characters (newlines, escape sequences) written as \xNN and cut after
// `max_bytes`, so text from a corrupted file stays one line of a message.
std::string printable(std::string_view text, std::size_t max_bytes);

// Its what() is one line: file, path and message pass through printable().
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, std::string path, std::string message);
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_, path_, message_;
};

// Reads a JSON file; a missing file or malformed JSON is a ConfigError naming the file (and the
// line and column for a syntax error).
Json read_json_file(const std::string& file);

// A read-only view of one JSON value together with where it came from.
class ConfigNode {
 public:
  ConfigNode(const Json& value, std::string file, std::string path = "$");
  // A null value from nowhere; only useful as a placeholder to assign over.
  ConfigNode() : ConfigNode(Json(), "<none>") {}

  const Json& json() const { return *value_; }
  const std::string& file() const { return *file_; }
  const std::string& path() const { return path_; }

  bool is_object() const { return value_->is_object(); }
  bool is_array() const { return value_->is_array(); }
  bool is_string() const { return value_->is_string(); }
  bool is_null() const { return value_->is_null(); }
  bool has(std::string_view key) const;
  std::size_t size() const;

  // Required member or element; a missing one is an error naming the path.
  ConfigNode at(std::string_view key) const;
  ConfigNode at(std::size_t index) const;
  std::vector<ConfigNode> elements() const;                 // requires an array
  std::vector<std::string> keys() const;                    // requires an object; sorted by key

  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_int() const;  // an integer that fits int64 (2^63 and above are errors)
  std::uint64_t as_uint64() const;  // a non-negative integer up to 2^64 - 1
  // Finite number; `min`/`max` bound it (inclusive), out of range is an error naming the path.
  double as_double(double min = -1e300, double max = 1e300) const;
  // A duration: a string with a unit ("2.5ms") or a bare number in `bare_unit` ("ms", "s", ...).
  Time as_duration(std::string_view bare_unit = "ms") const;

  std::string get_string(std::string_view key, const std::string& fallback) const;
  double get_double(std::string_view key, double fallback, double min = -1e300, double max = 1e300) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;

  // Requires an object whose keys are all in `allowed`; otherwise an error naming the first
  // unknown key and listing the allowed ones.
  void expect_keys(std::initializer_list<std::string_view> allowed) const;
  void expect_keys(const std::vector<std::string>& allowed) const;
  void expect_object() const;
  void expect_array() const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::shared_ptr<const Json> owner_;  // keeps a copy alive when built from a temporary
  const Json* value_;
  std::shared_ptr<const std::string> file_;
  std::string path_;
  ConfigNode(const Json* value, std::shared_ptr<const std::string> file, std::string path)
      : value_(value), file_(std::move(file)), path_(std::move(path)) {}
};

// A short description of a JSON value for error messages: 'string "abc"', 'number 3'.
std::string describe_json(const Json& value);

// Sets the member at dotted path "a.b.0.c" to `value`, creating missing object members; an index
// past an array's end is a ConfigError naming `origin` (where the assignment came from).
void set_path(Json& root, const std::string& key, Json value, const std::string& origin = "--set");

// Applies "a.b.0.c=value" overrides (value parsed as JSON when it parses, else taken as a
// string). Creates missing object members; an index past an array's end is an error.
void apply_override(Json& root, const std::string& assignment);

}  // namespace sim
