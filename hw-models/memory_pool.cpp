#include "hw-models/memory_pool.h"

#include <stdexcept>

namespace hw {

MemoryPool::MemoryPool(std::int64_t capacity_bytes, std::size_t unit_count)
    : capacity_bytes_(capacity_bytes), units_(unit_count) {}

MemoryPool::State MemoryPool::state(std::uint32_t unit, sim::Time now) const {
  const Unit& u = units_[unit];
  if (u.state == State::kLoading && u.ready_at <= now) return State::kResident;
  return u.state;
}

void MemoryPool::set_used(std::int64_t bytes, sim::Time now) {
  used_area_ += static_cast<double>(used_bytes_) * static_cast<double>((now - last_change_).ns);
  last_change_ = now;
  used_bytes_ = bytes;
  if (used_bytes_ > capacity_bytes_) throw std::logic_error("memory pool over capacity");
  peak_bytes_ = std::max(peak_bytes_, used_bytes_);
}

double MemoryPool::average_used_bytes(sim::Time now) const {
  if (now.ns <= 0) return static_cast<double>(used_bytes_);
  double area = used_area_ + static_cast<double>(used_bytes_) * static_cast<double>((now - last_change_).ns);
  return area / static_cast<double>(now.ns);
}

void MemoryPool::lru_remove(std::uint32_t i) {
  Unit& u = units_[i];
  (u.prev == kNone ? lru_head_ : units_[u.prev].next) = u.next;
  (u.next == kNone ? lru_tail_ : units_[u.next].prev) = u.prev;
  u.prev = u.next = kNone;
  evictable_bytes_ -= u.bytes;
}

void MemoryPool::lru_push_back(std::uint32_t i) {
  Unit& u = units_[i];
  u.prev = lru_tail_;
  u.next = kNone;
  (lru_tail_ == kNone ? lru_head_ : units_[lru_tail_].next) = i;
  lru_tail_ = i;
  evictable_bytes_ += u.bytes;
}

MemoryPool::Grant MemoryPool::acquire(std::uint32_t unit, std::int64_t weights_bytes, std::int64_t transient_bytes,
                                      sim::Time now, sim::Time load_time) {
  Unit& u = units_[unit];
  std::int64_t need = transient_bytes + (u.state == State::kAbsent ? weights_bytes : 0);
  // Units pinned by this very call cannot be evicted for it: unpin status is checked below.
  std::int64_t evictable = evictable_bytes_ - ((u.state != State::kAbsent && u.pins == 0) ? u.bytes : 0);
  if (used_bytes_ + need > capacity_bytes_ + evictable) return Grant{};
  if (u.state != State::kAbsent && u.pins == 0) lru_remove(unit);
  make_room(need, now);
  Grant g{true, false, now};
  if (u.state == State::kAbsent) {
    u.state = State::kLoading;
    u.bytes = weights_bytes;
    u.ready_at = now + load_time;
    g.started_load = true;
    ++loads_;
  } else {
    ++hits_;
  }
  if (u.state == State::kLoading && u.ready_at <= now) u.state = State::kResident;
  g.ready_at = u.state == State::kLoading ? u.ready_at : now;
  ++u.pins;
  set_used(used_bytes_ + need, now);
  return g;
}

void MemoryPool::make_room(std::int64_t need, sim::Time now) {
  while (used_bytes_ + need > capacity_bytes_) {
    std::uint32_t victim = lru_head_;
    lru_remove(victim);
    Unit& v = units_[victim];
    v.state = State::kAbsent;
    set_used(used_bytes_ - v.bytes, now);
    ++evictions_;
  }
}

bool MemoryPool::reserve(std::int64_t bytes, sim::Time now) {
  if (bytes < 0) throw std::logic_error("memory pool: negative reservation");
  if (used_bytes_ + bytes > capacity_bytes_ + evictable_bytes_) return false;
  make_room(bytes, now);
  reserved_bytes_ += bytes;
  set_used(used_bytes_ + bytes, now);
  return true;
}

void MemoryPool::unreserve(std::int64_t bytes, sim::Time now) {
  if (bytes < 0 || bytes > reserved_bytes_) throw std::logic_error("memory pool: unreserve of more than reserved");
  reserved_bytes_ -= bytes;
  set_used(used_bytes_ - bytes, now);
}

void MemoryPool::release(std::uint32_t unit, std::int64_t transient_bytes, sim::Time now) {
  Unit& u = units_[unit];
  if (u.pins <= 0) throw std::logic_error("memory pool: release of an unpinned unit");
  if (--u.pins == 0) lru_push_back(unit);
  set_used(used_bytes_ - transient_bytes, now);
}

bool MemoryPool::preload(std::uint32_t unit, std::int64_t weights_bytes) {
  Unit& u = units_[unit];
  if (u.state != State::kAbsent) return true;
  if (used_bytes_ + weights_bytes > capacity_bytes_) return false;
  u.state = State::kResident;
  u.bytes = weights_bytes;
  u.pins = 1;  // never released: preloaded units stay
  set_used(used_bytes_ + weights_bytes, sim::Time::zero());
  return true;
}

}  // namespace hw
