#include "workloads/arrival.h"

#include <filesystem>

#include "sim/registry.h"

namespace workloads {

std::unique_ptr<ArrivalProcess> make_arrival(const sim::ConfigNode& node, const std::string& base_dir,
                                             sim::Json* resolved) {
  // A relative "file" (trace replay) is relative to the config file's directory; rewrite it
  // before the registry sees it, keeping the node's file and path for error messages.
  if (node.is_object() && node.has("file") && node.at("file").is_string()) {
    std::filesystem::path f(node.at("file").as_string());
    if (f.is_relative()) {
      sim::Json copy = node.json();
      copy["file"] = (std::filesystem::path(base_dir) / f).lexically_normal().string();
      return sim::Registry<ArrivalProcess>::instance().create(sim::ConfigNode(copy, node.file(), node.path()),
                                                             resolved);
    }
  }
  return sim::Registry<ArrivalProcess>::instance().create(node, resolved);
}

}  // namespace workloads
