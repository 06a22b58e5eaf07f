// Chrome / Perfetto trace writer (the JSON "traceEvents" format that ui.perfetto.dev opens).
// Processes and threads are named once; complete events ("X") carry start and duration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config.h"
#include "sim/time.h"

namespace sim {

class ChromeTrace {
 public:
  void name_process(int pid, const std::string& name);
  void name_thread(int pid, int tid, const std::string& name);
  void complete(int pid, int tid, const std::string& name, const std::string& category, Time start, Time duration,
                Json args = Json());
  void instant(int pid, int tid, const std::string& name, Time at, Json args = Json());
  std::size_t size() const { return events_.size(); }
  void write(const std::string& path) const;

 private:
  std::vector<Json> events_;
};

}  // namespace sim
