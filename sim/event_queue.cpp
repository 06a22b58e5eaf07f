#include "sim/event_queue.h"

#include <stdexcept>
#include <string>

namespace sim {

std::uint64_t EventQueue::bucket_min(int b) const {
  const auto& bucket = buckets_[b];
  if (b < kFanout) return bucket.front().key;  // digit 0: all entries share one time
  std::uint64_t m = bucket.front().key;
  for (const Record& r : bucket) m = std::min(m, r.key);
  return m;
}

void EventQueue::throw_before_base(Time time) const {
  throw std::logic_error("EventQueue::push: time " + std::to_string(time.ns) +
                         " ns is before the last popped time " +
                         std::to_string(from_key(base_).ns) + " ns");
}

}  // namespace sim
