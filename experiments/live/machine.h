// This machine as the live backend sees it: pinning threads to cores and describing the host
// (CPU model, core count, kernel, library versions) for profiles and reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace live {

// Pins the calling thread to logical CPUs `cores` and sets its OpenMP thread count (oneDNN's
// parallelism) to cores.size(). With `realtime`, also gives it SCHED_FIFO priority
// `realtime_priority`, so other processes of a shared machine cannot preempt it (the kernel still
// keeps 5 % of each second for them). Throws std::runtime_error when the OS refuses.
void pin_current_thread(const std::vector<int>& cores, bool realtime = false, int realtime_priority = 10);
// Makes the calling thread's timed waits wake on time (timer slack 1 ns instead of the default
// 50 us, which would add to every wake-up the live run measures).
void set_precise_timers();
// Whether this process may give threads SCHED_FIFO priority (root or CAP_SYS_NICE).
bool realtime_permitted();
// SCHED_FIFO (priority) or back to SCHED_OTHER (priority 0) for the calling thread.
void set_realtime(bool on, int priority);

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
