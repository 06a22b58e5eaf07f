#include "sim/chrome_trace.h"

#include "sim/run_directory.h"

namespace sim {

void ChromeTrace::name_process(int pid, const std::string& name) {
  events_.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", 0}, {"args", {{"name", name}}}});
}

void ChromeTrace::name_thread(int pid, int tid, const std::string& name) {
  events_.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
}

void ChromeTrace::complete(int pid, int tid, const std::string& name, const std::string& category, Time start,
                           Time duration, Json args) {
  Json e = {{"ph", "X"}, {"name", name}, {"cat", category}, {"pid", pid}, {"tid", tid},
            {"ts", start.to_us()}, {"dur", duration.to_us()}};
  if (!args.is_null()) e["args"] = std::move(args);
  events_.push_back(std::move(e));
}

void ChromeTrace::instant(int pid, int tid, const std::string& name, Time at, Json args) {
  Json e = {{"ph", "i"}, {"s", "t"}, {"name", name}, {"pid", pid}, {"tid", tid}, {"ts", at.to_us()}};
  if (!args.is_null()) e["args"] = std::move(args);
  events_.push_back(std::move(e));
}

void ChromeTrace::write(const std::string& path) const {
  Json root = {{"displayTimeUnit", "ms"}, {"traceEvents", events_}};
  write_json_file(path, root);
}

}  // namespace sim
