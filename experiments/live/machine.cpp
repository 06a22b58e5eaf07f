#include "experiments/live/machine.h"

#include <sys/prctl.h>

#include <pthread.h>
#include <sched.h>
#include <sys/utsname.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include <Eigen/Core>
#include <fmt/format.h>
#include <omp.h>

#include "experiments/live/onednn_ops.h"

namespace live {

void set_precise_timers() { prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

void set_realtime(bool on, int priority) {
  sched_param sp{};
  sp.sched_priority = on ? priority : 0;
  if (int rc = pthread_setschedparam(pthread_self(), on ? SCHED_FIFO : SCHED_OTHER, &sp); rc != 0) {
    throw std::runtime_error(fmt::format("cannot set SCHED_FIFO priority {} (error {}; needs root or CAP_SYS_NICE)", priority, rc));
  }
}

bool realtime_permitted() {
  bool ok = false;
  std::thread probe([&ok] {
    sched_param sp{};
    sp.sched_priority = 1;
    ok = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0;
  });
  probe.join();
  return ok;
}

void pin_current_thread(const std::vector<int>& cores, bool realtime, int realtime_priority) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cores) CPU_SET(c, &set);
  if (int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set); rc != 0) {
    throw std::runtime_error(fmt::format("cannot pin a thread to cores [{}] (error {})", fmt::join(cores, ","), rc));
  }
  omp_set_num_threads(static_cast<int>(cores.size()));
  if (realtime) set_realtime(true, realtime_priority);
}

MachineInfo machine_info() {
  MachineInfo m;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      m.cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  if (m.cpu_model.empty()) m.cpu_model = "unknown CPU";
  m.logical_cpus = static_cast<int>(std::thread::hardware_concurrency());
  utsname u{};
  if (uname(&u) == 0) m.kernel = fmt::format("{} {}", u.sysname, u.release);
  m.libraries = fmt::format("{}; Eigen {}.{}.{}; {}", dnn::library_description(), EIGEN_WORLD_VERSION,
                            EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
#if defined(__clang__)
                            "clang " __clang_version__
#else
                            "g++ " __VERSION__
#endif
  );
  return m;
}

std::string MachineInfo::summary() const {
  return fmt::format("{}, {} logical CPUs, {}; {}", cpu_model, logical_cpus, kernel, libraries);
}

std::int64_t peak_rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

}  // namespace live
