// What a policy has learned about requests in flight from finished jobs (run-time feedback,
// Scheduler::observe): time executed so far, when the last job ended, and how the last job's
// measured time compared with its prediction. Kept by the policy, fed only by observations,
// forgotten when a request's last job ends (a dropped request's entry stays until the run ends;
// it is small).
#pragma once

#include <cstdint>
#include <unordered_map>

#include "policies/scheduler.h"

namespace policies {

class RequestProgress {
 public:
  struct Entry {
    sim::Time executed;    // sum of measured execution of its finished jobs
    sim::Time last_end;    // end of its last finished job (unset: none yet)
    bool any = false;      // some job finished
    double last_ratio = 1;  // measured / expected of its last finished job
  };
  void observe(const SystemView& view, const JobObservation& job);
  // The request's entry, or an empty one.
  const Entry& of(std::uint64_t request) const {
    auto it = entries_.find(request);
    return it == entries_.end() ? empty_ : it->second;
  }
  std::size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::uint64_t, Entry> entries_;
  Entry empty_;
};

}  // namespace policies
