// A process-wide unique number per object, for caches keyed by "this object" where an address
// could be reused: an object freed and another built at the same address gets another id. Every
// construction, copy and move (either way) takes a fresh id, so a copy that is then changed
// never shares the original's cache entries. The id says nothing about content: a cache keyed by
// it assumes the object no longer changes once it has been looked up.
#pragma once

#include <atomic>
#include <cstdint>

namespace sim {

class InstanceId {
 public:
  InstanceId() : value_(next()) {}
  InstanceId(const InstanceId&) : value_(next()) {}
  InstanceId(InstanceId&&) noexcept : value_(next()) {}
  InstanceId& operator=(const InstanceId&) {
    value_ = next();
    return *this;
  }
  InstanceId& operator=(InstanceId&&) noexcept {
    value_ = next();
    return *this;
  }
  std::uint64_t value() const { return value_; }

 private:
  static std::uint64_t next() {
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  std::uint64_t value_;
};

}  // namespace sim
