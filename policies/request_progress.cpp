#include "policies/request_progress.h"

namespace policies {

void RequestProgress::observe(const SystemView& view, const JobObservation& job) {
  if (job.last) {
    entries_.erase(job.request);
    return;
  }
  Entry& e = entries_[job.request];
  e.executed += job.measured;
  e.last_end = view.now();
  e.any = true;
  e.last_ratio = job.expected.ns > 0 ? static_cast<double>(job.measured.ns) / static_cast<double>(job.expected.ns) : 1.0;
}

}  // namespace policies
