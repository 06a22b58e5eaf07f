// This machine as the live backend sees it: pinning threads to cores and describing the host
// (CPU model, core count, kernel, library versions) for profiles and reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace live {

// Pins the calling thread to logical CPUs `cores` and sets its OpenMP thread count (oneDNN's
// parallelism) to cores.size(). Throws std::runtime_error when the OS refuses.
void pin_current_thread(const std::vector<int>& cores);

struct MachineInfo {
  std::string cpu_model;  // /proc/cpuinfo "model name"
  int logical_cpus = 0;
  std::string kernel;     // uname -sr
  std::string libraries;  // oneDNN (with ISA), Eigen, compiler
  std::string summary() const;
};
MachineInfo machine_info();

// The process's peak resident set (VmHWM), bytes; -1 if unknown.
std::int64_t peak_rss_bytes();

}  // namespace live
