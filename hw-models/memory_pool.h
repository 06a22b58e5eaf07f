// Shared memory of the SoC: which weight blocks are resident, transient activations, and
// reservations.
//
// Blocks (weight_blocks.h; by default the weights of one subgraph of one variant) are resident,
// loading, or absent. A job pins its block while it runs; unpinned resident blocks are evicted
// least-recently-used first when room is needed. A reservation admits a request's working set
// before its work starts (Masa's admission: a network runs only when its peak memory fits): the
// reserved bytes count as used until released, and eviction makes room for them as for a load.
// Contract: used_bytes() never exceeds capacity_bytes(); acquire() and reserve() fail instead.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace hw {

class MemoryPool {
 public:
  MemoryPool(std::int64_t capacity_bytes, std::size_t unit_count);

  enum class State : std::uint8_t { kAbsent, kLoading, kResident };

  struct Grant {
    bool ok = false;          // false: does not fit even after evicting every unpinned unit
    bool started_load = false;  // this call started loading the unit's weights
    sim::Time ready_at;       // when the weights are usable (now if resident)
  };

  // Pins `unit` (weights_bytes) and reserves `transient_bytes`. If the unit is absent, room is
  // made by eviction and loading starts, finishing at now + load_time.
  Grant acquire(std::uint32_t unit, std::int64_t weights_bytes, std::int64_t transient_bytes, sim::Time now,
                sim::Time load_time);
  // Unpins `unit` and frees `transient_bytes`.
  void release(std::uint32_t unit, std::int64_t transient_bytes, sim::Time now);
  // Reserves `bytes` (evicting unpinned blocks if needed); false, changing nothing, when they
  // cannot fit even after evicting every unpinned block.
  bool reserve(std::int64_t bytes, sim::Time now);
  // Returns `bytes` of an earlier reservation.
  void unreserve(std::int64_t bytes, sim::Time now);
  std::int64_t reserved_bytes() const { return reserved_bytes_; }
  // Makes a unit resident and pinned forever (a preloader's decision); false if it cannot fit.
  bool preload(std::uint32_t unit, std::int64_t weights_bytes);

  State state(std::uint32_t unit, sim::Time now) const;
  bool is_resident(std::uint32_t unit, sim::Time now) const { return state(unit, now) == State::kResident; }
  std::int64_t capacity_bytes() const { return capacity_bytes_; }
  std::int64_t used_bytes() const { return used_bytes_; }
  std::int64_t peak_bytes() const { return peak_bytes_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t loads() const { return loads_; }
  std::uint64_t evictions() const { return evictions_; }
  // Weighted time average of used bytes since the start, up to `now`.
  double average_used_bytes(sim::Time now) const;

 private:
  struct Unit {
    State state = State::kAbsent;
    std::int32_t pins = 0;
    std::int64_t bytes = 0;
    sim::Time ready_at;
    std::uint32_t prev = kNone, next = kNone;  // LRU list of resident unpinned units
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;
  void lru_remove(std::uint32_t u);
  void lru_push_back(std::uint32_t u);
  void set_used(std::int64_t bytes, sim::Time now);
  // Evicts LRU blocks until `need` more bytes fit; the caller checked that they can.
  void make_room(std::int64_t need, sim::Time now);

  std::int64_t capacity_bytes_;
  std::int64_t used_bytes_ = 0;
  std::int64_t peak_bytes_ = 0;
  std::int64_t evictable_bytes_ = 0;
  std::int64_t reserved_bytes_ = 0;
  std::vector<Unit> units_;
  std::uint32_t lru_head_ = kNone, lru_tail_ = kNone;
  std::uint64_t hits_ = 0, loads_ = 0, evictions_ = 0;
  double used_area_ = 0;  // byte-nanoseconds
  sim::Time last_change_;
};

}  // namespace hw
