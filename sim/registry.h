// A registry of named implementations of one extension point.
//
// Each implementation lives in its own .cpp file and registers itself with sim::Registration,
// declaring its name, a one-line help and its parameters. Configs pick an implementation by
// {"name": "...", <params>}; an unknown name is an error that lists the valid names.
// Libraries holding registrations are linked whole-archive so the registrations are kept.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/params.h"

namespace sim {

struct RegistryEntryInfo {
  std::string name;
  std::string help;
  std::vector<ParamSpec> params;
};

// Every registry, by extension-point name, for `stitchsim list`.
class RegistryIndex {
 public:
  using Lister = std::function<std::vector<RegistryEntryInfo>()>;
  static std::map<std::string, Lister>& all() {
    static std::map<std::string, Lister> index;
    return index;
  }
};

template <class Interface>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(const Params&)>;
  struct Entry {
    RegistryEntryInfo info;
    Factory make;
  };

  // The interface names its extension point ("scheduler", "arrival", ...) in kRegistryKind,
  // used in messages and in `stitchsim list`.
  static Registry& instance() {
    static Registry registry(Interface::kRegistryKind);
    return registry;
  }

  bool add(RegistryEntryInfo info, Factory make) {
    std::string name = info.name;
    entries_.emplace(name, Entry{std::move(info), std::move(make)});
    return true;
  }

  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, e] : entries_) out.push_back(n);
    return out;
  }

  // Validates {"name": ..., params...} (a plain string is accepted as {"name": string}) and
  // returns the entry with the validated parameters; ConfigError naming the JSON path otherwise.
  std::pair<const Entry*, Params> prepare(const ConfigNode& node) const {
    std::string name;
    std::optional<ConfigNode> params_node;
    if (node.is_string()) {
      name = node.as_string();
    } else {
      node.expect_object();
      name = node.at("name").as_string();
      params_node = node;
    }
    const Entry* entry = find(name);
    if (!entry) {
      (node.is_string() ? node : node.at("name"))
          .fail(fmt::format("unknown {} '{}' (valid: {})", kind_, name, fmt::join(names(), ", ")));
    }
    Params params = params_node ? Params(*params_node, entry->info.params)
                                : Params(ConfigNode(Json::object(), node.file(), node.path()), entry->info.params);
    return {entry, std::move(params)};
  }

  // Validates and builds in one step. `resolved` (optional) receives the config with every
  // default filled in.
  std::unique_ptr<Interface> create(const ConfigNode& node, Json* resolved = nullptr) const {
    auto [entry, params] = prepare(node);
    if (resolved) {
      *resolved = params.resolved();
      (*resolved)["name"] = entry->info.name;
    }
    return entry->make(params);
  }

  const std::string& kind() const { return kind_; }

 private:
  explicit Registry(std::string kind) : kind_(std::move(kind)) {
    RegistryIndex::all()[kind_] = [this] {
      std::vector<RegistryEntryInfo> out;
      for (const auto& [n, e] : entries_) out.push_back(e.info);
      return out;
    };
  }
  std::string kind_;
  std::map<std::string, Entry> entries_;
};

// Registers one implementation; use as a namespace-scope static in the implementation's file:
//   const sim::Registration<Scheduler> kRegistration{"round_robin", "help", {specs...}, factory};
template <class Interface>
struct Registration {
  Registration(std::string name, std::string help, std::vector<ParamSpec> params,
               typename Registry<Interface>::Factory make) {
    Registry<Interface>::instance().add(RegistryEntryInfo{std::move(name), std::move(help), std::move(params)},
                                        std::move(make));
  }
};

// A validated configuration of one registered implementation: read and checked once (when the
// experiment loads), built once per run. Building never fails on its parameters, since they were
// checked here; an implementation may still reject them against the platform in its bind().
template <class Interface>
class Component {
 public:
  Component() = default;
  explicit Component(const ConfigNode& node) {
    auto [entry, params] = Registry<Interface>::instance().prepare(node);
    entry_ = entry;
    params_ = std::move(params);
    resolved_ = params_.resolved();
    resolved_["name"] = entry_->info.name;
  }
  bool empty() const { return entry_ == nullptr; }
  std::unique_ptr<Interface> build() const { return entry_->make(params_); }
  const std::string& name() const { return entry_->info.name; }
  const Params& params() const { return params_; }
  // Every parameter with its value, and "name".
  const Json& resolved() const { return resolved_; }

 private:
  const typename Registry<Interface>::Entry* entry_ = nullptr;
  Params params_;
  Json resolved_;
};

}  // namespace sim

