#include "workloads/edgecaffe_arrivals.h"

#include <fstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config.h"

namespace workloads {

namespace {
[[noreturn]] void fail(const std::string& file, const YAML::Node& at, const std::string& message) {
  throw sim::ConfigError(file, fmt::format("line {}", at.Mark().line + 1), message);
}
}  // namespace

std::vector<ListedArrival> read_edgecaffe_arrivals(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw sim::ConfigError(file, "", "cannot open file");
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw sim::ConfigError(file, fmt::format("line {}", e.mark.line + 1), e.msg);
  }
  if (!root.IsMap() || !root["arrivals"]) throw sim::ConfigError(file, "line 1", "expected a mapping with an 'arrivals' list");
  YAML::Node list = root["arrivals"];
  if (!list.IsSequence()) fail(file, list, "'arrivals' must be a list");
  std::vector<ListedArrival> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    YAML::Node entry = list[i];
    if (!entry.IsMap()) fail(file, entry, fmt::format("arrival {} must be a mapping", i));
    ListedArrival a;
    a.line = entry.Mark().line + 1;
    YAML::Node time = entry["time"];
    if (!time) fail(file, entry, fmt::format("arrival {} has no 'time'", i));
    double ms = 0;
    try {
      ms = time.as<double>();
    } catch (const YAML::Exception&) {
      fail(file, time, fmt::format("arrival {}: 'time' must be a number of ms, got '{}'", i, time.Scalar()));
    }
    if (!(ms >= 0)) fail(file, time, fmt::format("arrival {}: 'time' must not be negative", i));
    a.gap = sim::from_ms(ms);
    YAML::Node nets = entry["networks"];
    if (!nets || !nets.IsSequence() || nets.size() == 0) fail(file, entry, fmt::format("arrival {} needs a 'networks' list", i));
    for (const auto& n : nets) {
      if (!n.IsMap() || !n["networkName"] || !n["networkName"].IsScalar()) fail(file, n, "a network needs a 'networkName'");
      a.networks.push_back(n["networkName"].Scalar());
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace workloads
