#include "sim/params.h"

#include <stdexcept>

#include <fmt/format.h>

namespace sim {

std::string to_string(ParamType type) {
  switch (type) {
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "int";
    case ParamType::kDouble: return "number";
    case ParamType::kString: return "string";
    case ParamType::kDuration: return "duration";
    case ParamType::kJson: return "json";
  }
  return "?";
}

ParamSpec param_double(std::string name, std::optional<double> def, std::string unit, std::string help,
                       double min, double max) {
  return ParamSpec{std::move(name), ParamType::kDouble, def ? Json(*def) : Json(), std::move(unit),
                   std::move(help), min, max, {}};
}
ParamSpec param_int(std::string name, std::optional<std::int64_t> def, std::string unit, std::string help,
                    double min, double max) {
  return ParamSpec{std::move(name), ParamType::kInt, def ? Json(*def) : Json(), std::move(unit),
                   std::move(help), min, max, {}};
}
ParamSpec param_bool(std::string name, bool def, std::string help) {
  return ParamSpec{std::move(name), ParamType::kBool, Json(def), "", std::move(help), -1e300, 1e300, {}};
}
ParamSpec param_string(std::string name, std::optional<std::string> def, std::string help,
                       std::vector<std::string> choices) {
  return ParamSpec{std::move(name), ParamType::kString, def ? Json(*def) : Json(), "", std::move(help),
                   -1e300, 1e300, std::move(choices)};
}
ParamSpec param_duration(std::string name, std::optional<std::string> def, std::string help) {
  return ParamSpec{std::move(name), ParamType::kDuration, def ? Json(*def) : Json(), "", std::move(help),
                   -1e300, 1e300, {}};
}
ParamSpec param_json(std::string name, Json def, std::string help) {
  return ParamSpec{std::move(name), ParamType::kJson, std::move(def), "", std::move(help), -1e300, 1e300, {}};
}

Params::Params(const ConfigNode& node, const std::vector<ParamSpec>& specs,
               const std::vector<std::string>& extra_keys)
    : node_(node) {
  std::vector<std::string> allowed = extra_keys;
  for (const auto& s : specs) allowed.push_back(s.name);
  node.expect_keys(allowed);
  for (const auto& spec : specs) {
    if (!node.has(spec.name)) {
      if (spec.required()) node.at(spec.name);  // throws "required key is missing" with the path
      resolved_[spec.name] = spec.default_value;
      if (spec.type == ParamType::kDuration) {
        durations_.emplace_back(spec.name, parse_duration(spec.default_value.get<std::string>()));
      }
      continue;
    }
    ConfigNode v = node.at(spec.name);
    switch (spec.type) {
      case ParamType::kBool: resolved_[spec.name] = v.as_bool(); break;
      case ParamType::kInt: {
        std::int64_t i = v.as_int();
        if (static_cast<double>(i) < spec.min || static_cast<double>(i) > spec.max) {
          v.fail(fmt::format("must be in [{}, {}], got {}", spec.min, spec.max, i));
        }
        resolved_[spec.name] = i;
        break;
      }
      case ParamType::kDouble: resolved_[spec.name] = v.as_double(spec.min, spec.max); break;
      case ParamType::kString: {
        std::string s = v.as_string();
        if (!spec.choices.empty()) {
          bool ok = false;
          for (const auto& c : spec.choices) ok = ok || c == s;
          if (!ok) v.fail(fmt::format("'{}' is not one of: {}", s, fmt::join(spec.choices, ", ")));
        }
        resolved_[spec.name] = s;
        break;
      }
      case ParamType::kDuration: {
        Time t = v.as_duration(spec.unit.empty() ? "ms" : spec.unit);
        if (t < Time::zero()) v.fail("must not be negative");
        durations_.emplace_back(spec.name, t);
        resolved_[spec.name] = fmt::format("{}ns", t.ns);
        break;
      }
      case ParamType::kJson: resolved_[spec.name] = v.json(); break;
    }
  }
}

const Json& Params::value(const std::string& name) const {
  auto it = resolved_.find(name);
  if (it == resolved_.end()) throw std::logic_error("undeclared parameter '" + name + "'");
  return *it;
}

bool Params::get_bool(const std::string& name) const { return value(name).get<bool>(); }
std::int64_t Params::get_int(const std::string& name) const { return value(name).get<std::int64_t>(); }
double Params::get_double(const std::string& name) const { return value(name).get<double>(); }
const std::string& Params::get_string(const std::string& name) const {
  return value(name).get_ref<const std::string&>();
}
Time Params::get_duration(const std::string& name) const {
  for (const auto& [n, t] : durations_) {
    if (n == name) return t;
  }
  throw std::logic_error("undeclared duration parameter '" + name + "'");
}
const Json& Params::get_json(const std::string& name) const { return value(name); }

ConfigNode Params::node(const std::string& name) const {
  if (node_ && node_->has(name)) return node_->at(name);
  return ConfigNode(value(name), node_ ? node_->file() : "<defaults>",
                    node_ ? node_->path() + "." + name : "$." + name);
}

}  // namespace sim
