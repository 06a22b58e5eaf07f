// EdgeCaffe arrival lists (`*.exp.yaml`, the Masa study's experiments/percom/**): one entry per
// arrival, a set of networks sharing one input and the time in ms since the previous arrival
// (EdgeCaffe's Orchestrator submits an arrival once that much time has passed since the last one,
// and in batch mode also only when no network is active).
#pragma once

#include <string>
#include <vector>

#include "sim/time.h"

namespace workloads {

struct ListedArrival {
  sim::Time gap;                      // since the previous arrival (the run's start for the first)
  std::vector<std::string> networks;  // networkName of each network, in the listed order
  int line = 0;                       // of the entry in the file, for messages
};

// Reads the `arrivals` list of an EdgeCaffe experiment file with yaml-cpp. A syntax error, a
// missing key or a bad value is one ConfigError naming the file and the line.
std::vector<ListedArrival> read_edgecaffe_arrivals(const std::string& file);

}  // namespace workloads
