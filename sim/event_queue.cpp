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

void EventQueue::push_at_base(Time time, Priority priority, std::uint32_t payload) {
  const std::uint64_t k = to_key(time);
  if (k < base_) {
    if (size_ != 0) {
      throw std::logic_error("EventQueue::push: time " + std::to_string(time.ns) +
                             " ns is before floor() = " + std::to_string(from_key(base_).ns) +
                             " ns, the time of the last entry popped");
    }
    base_ = k;  // empty: any base works; pick one at or before every later push
  }
  add_ready(priority.value, payload);
  std::push_heap(ready_.begin(), ready_.end(), ReadyAfter{});
  ++size_;
}

}  // namespace sim
