// Declared parameters of a registered implementation.
//
// An implementation declares each parameter once (name, type, default, unit, help). The same
// declaration reads the config (type checks, ranges, defaults), rejects unknown keys, fills the
// resolved config, and prints `stitchsim list`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/config.h"

namespace sim {

enum class ParamType { kBool, kInt, kDouble, kString, kDuration, kJson };

std::string to_string(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kDouble;
  // Null means required. Durations default to a string such as "10ms".
  Json default_value;
  std::string unit;  // "ms", "rps", "bytes", "" for none
  std::string help;
  double min = -1e300;  // inclusive bounds for kInt / kDouble
  double max = 1e300;
  std::vector<std::string> choices;  // allowed values for kString; empty = any

  bool required() const { return default_value.is_null(); }
};

// Builder helpers keep declarations one line each.
ParamSpec param_double(std::string name, std::optional<double> def, std::string unit, std::string help,
                       double min = -1e300, double max = 1e300);
ParamSpec param_int(std::string name, std::optional<std::int64_t> def, std::string unit, std::string help,
                    double min = -1e300, double max = 1e300);
ParamSpec param_bool(std::string name, bool def, std::string help);
ParamSpec param_string(std::string name, std::optional<std::string> def, std::string help,
                       std::vector<std::string> choices = {});
ParamSpec param_duration(std::string name, std::optional<std::string> def, std::string help);
ParamSpec param_json(std::string name, Json def, std::string help);

// Parameter values after validation: every declared parameter is present.
class Params {
 public:
  Params() = default;
  // Validates `node` (an object; `extra_keys` such as "name" are allowed and ignored) against
  // `specs`. Throws ConfigError naming the JSON path of the first problem.
  Params(const ConfigNode& node, const std::vector<ParamSpec>& specs,
         const std::vector<std::string>& extra_keys = {"name"});

  bool get_bool(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  Time get_duration(const std::string& name) const;
  const Json& get_json(const std::string& name) const;
  // The node of a parameter for nested validation with correct paths (kJson parameters).
  ConfigNode node(const std::string& name) const;

  // Every parameter with its value (defaults filled); durations as strings with units.
  const Json& resolved() const { return resolved_; }

 private:
  const Json& value(const std::string& name) const;
  Json resolved_ = Json::object();
  std::vector<std::pair<std::string, Time>> durations_;
  std::optional<ConfigNode> node_;
};

}  // namespace sim
