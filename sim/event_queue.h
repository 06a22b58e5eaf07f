// The future-event set: entries ordered totally by (time, priority, insertion order).
//
// Design: a radix heap over integer time, with 8-bit digits. Entries are kept relative to `base`,
// the time of the last entry popped (every entry is at or after it). An entry whose time first
// differs from base in digit d (d = 0 is the lowest byte) and has value v in that digit sits in
// bucket (d, v); a lower bucket index means an earlier time, and the lowest non-empty bucket holds
// the earliest entries. When the entries at base run out, that bucket is split around its minimum,
// which becomes the new base: its entries move to lower digits, and every other bucket stays valid
// because the new base still differs from their entries in the same digit. An entry moves at most
// once per digit, and for the delays of a simulation (delay / mean gap between events of at most
// a few thousand) about twice in its life, so push and pop are O(1) amortized with sequential
// memory access. (One bucket per bit, the textbook radix heap, moves each entry ~log2(delay/gap)
// times; in the hold benchmark it was 1.2x slower at 10^3 pending events and 2x at 10^6.)
//
// Ties: entries with equal time always share a bucket, and buckets are only ever appended to and
// split in order (and purged stably), so within a bucket equal-time entries stay in insertion
// order without storing a sequence number. Entries at time == base live in a small binary heap
// (`ready_`) keyed by (priority, arrival order into that heap), because a push at the current time
// with a smaller priority value than the entry just popped must still come out next.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/pod_buffer.h"
#include "sim/time.h"

namespace sim {

// Named priorities: at equal time, lower value runs first; ties then go by insertion sequence.
struct Priority {
  std::uint8_t value;
  friend constexpr auto operator<=>(Priority, Priority) = default;
};

namespace priority {
inline constexpr Priority kFirst{0}, kHigh{64}, kNormal{128}, kLow{192}, kLast{255};
}  // namespace priority

class EventQueue {
 public:
  struct Entry {
    Time time;
    std::uint32_t payload = 0;
  };

  // Width of one radix digit. Entries whose time differs from the front only in the lowest digit
  // (so less than 2^kDigitBits ns after it) are "near": see pop().
  static constexpr int kDigitBits = 8;

  // `floor` is the earliest time push() accepts until the first pop.
  explicit EventQueue(Time floor = Time::zero()) : base_(to_key(floor)) {}

  // The earliest time push() accepts while the queue is non-empty: the constructor's floor, then
  // the time of the last entry popped (a radix heap holds nothing before its base).
  Time floor() const { return from_key(base_); }

  // Adds an entry. Throws std::logic_error if the queue is non-empty and time < floor(); an empty
  // queue accepts any time and lowers floor() to it if earlier. The engine never trips this: it
  // never pops past its own clock and never schedules before it.
  void push(Time time, Priority priority, std::uint32_t payload);

  // Removes the first entry in (time, priority, insertion) order into `out` if its time is
  // <= limit; otherwise returns false and leaves the queue as it was (its base never moves past
  // `limit`, so pushes at any time >= limit stay legal afterwards).
  //
  // `near(payload)` is a hint, called for entries as they move near the front (about when their
  // turn is at most a few hundred events away in a dense simulation), so that the caller can
  // prefetch what it will touch when they pop. It must not modify the queue.
  template <class Near>
  bool pop(Time limit, Entry& out, Near near);
  bool pop(Time limit, Entry& out) {
    return pop(limit, out, [](std::uint32_t) {});
  }

  // Removes every entry whose payload satisfies `pred` (called exactly once per entry) and keeps
  // the order of the rest. O(size). Returns how many were removed.
  template <class Pred>
  std::size_t remove_if(Pred pred);

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  // Time mapped to an unsigned key with the same order (flip the sign bit), so digits compare
  // correctly for negative times too.
  static constexpr std::uint64_t to_key(Time t) {
    return static_cast<std::uint64_t>(t.ns) ^ (std::uint64_t{1} << 63);
  }
  static constexpr Time from_key(std::uint64_t k) {
    return Time{static_cast<std::int64_t>(k ^ (std::uint64_t{1} << 63))};
  }

  // 16 bytes; the priority travels with the entry so that ordering never reads the caller's data.
  struct Record {
    std::uint64_t key;
    std::uint32_t payload;
    std::uint8_t priority;
  };
  // An entry at time == base. `order` is priority << 56 | arrival counter, so one integer compare
  // gives (priority, insertion order).
  struct Ready {
    std::uint64_t order;
    std::uint32_t payload;
  };
  struct ReadyAfter {  // std heap is a max-heap; this makes it a min-heap on `order`.
    bool operator()(const Ready& a, const Ready& b) const { return a.order > b.order; }
  };

  static constexpr int kDigits = 64 / kDigitBits;
  static constexpr int kFanout = 1 << kDigitBits;
  static constexpr int kBuckets = kDigits * kFanout;  // index = digit * kFanout + value
  static constexpr int kMaskWords = kBuckets / 64;
  static_assert(kMaskWords <= 64, "the summary word needs one bit per mask word");
  // A split bucket with at most this many entries holds the next kNearSplit pops or fewer.
  static constexpr std::size_t kNearSplit = 256;
  static constexpr std::uint64_t kCounterMask = (std::uint64_t{1} << 56) - 1;

  // Bucket of key k != base_.
  int bucket_of(std::uint64_t k) const {
    const int digit = (std::bit_width(k ^ base_) - 1) / kDigitBits;
    return digit * kFanout + static_cast<int>((k >> (digit * kDigitBits)) & (kFanout - 1));
  }
  void mark_nonempty(int b) {
    mask_[b / 64] |= std::uint64_t{1} << (b % 64);
    summary_ |= std::uint64_t{1} << (b / 64);
  }
  void mark_empty(int b) {
    mask_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
    if (mask_[b / 64] == 0) summary_ &= ~(std::uint64_t{1} << (b / 64));
  }
  // Lowest non-empty bucket; requires summary_ != 0.
  int lowest_bucket() const {
    const int w = std::countr_zero(summary_);
    return w * 64 + std::countr_zero(mask_[w]);
  }
  void add_ready(std::uint8_t priority, std::uint32_t payload) {
    const std::uint64_t order = (std::uint64_t{priority} << 56) | (ready_counter_++ & kCounterMask);
    ready_.push_back({order, payload});
  }
  void add_to_bucket(const Record& r) {
    const int b = bucket_of(r.key);
    buckets_[b].push_back(r);
    mark_nonempty(b);
  }
  // Smallest key in bucket b (non-empty). For digit 0 every entry has the same key.
  std::uint64_t bucket_min(int b) const;
  // Makes `new_base` (the minimum of bucket b, the lowest non-empty bucket) the base and moves
  // bucket b's entries to the ready heap or to lower buckets, calling near() for those that land
  // in digit 0 or the ready heap.
  template <class Near>
  void split_bucket(int b, std::uint64_t new_base, Near& near);
  // push() for time <= base: the ready heap (or an error). Out of line to keep push() small for
  // its common case, a future time.
  void push_at_base(Time time, Priority priority, std::uint32_t payload);

  std::uint64_t base_;
  std::vector<Ready> ready_;  // heap of the entries at time == base
  std::uint64_t ready_counter_ = 0;
  std::uint64_t summary_ = 0;                       // bit w set <=> mask_[w] != 0
  std::array<std::uint64_t, kMaskWords> mask_{};    // bit b set <=> buckets_[b] non-empty
  std::array<PodBuffer<Record>, kBuckets> buckets_;
  PodBuffer<Record> spare_;  // keeps a split bucket's storage for reuse
  std::size_t size_ = 0;
};

inline void EventQueue::push(Time time, Priority priority, std::uint32_t payload) {
  const std::uint64_t k = to_key(time);
  if (k > base_) {
    add_to_bucket({k, payload, priority.value});
    ++size_;
  } else {
    push_at_base(time, priority, payload);
  }
}

template <class Near>
bool EventQueue::pop(Time limit, Entry& out, Near near) {
  if (ready_.empty()) {
    if (summary_ == 0) return false;
    const int b = lowest_bucket();
    auto& bucket = buckets_[b];
    if (bucket.size() == 1) {  // common in sparse runs: the sole entry is the minimum, no split
      const Record r = bucket.front();
      if (r.key > to_key(limit)) return false;
      bucket.clear();
      mark_empty(b);
      base_ = r.key;
      out.time = from_key(r.key);
      out.payload = r.payload;
      --size_;
      return true;
    }
    const std::uint64_t next = bucket_min(b);
    if (next > to_key(limit)) return false;
    split_bucket(b, next, near);
  } else if (base_ > to_key(limit)) {
    return false;
  }
  std::pop_heap(ready_.begin(), ready_.end(), ReadyAfter{});
  out.time = from_key(base_);
  out.payload = ready_.back().payload;
  ready_.pop_back();
  --size_;
  return true;
}

template <class Near>
void EventQueue::split_bucket(int b, std::uint64_t new_base, Near& near) {
  // Precondition: ready_ is empty and b is the lowest non-empty bucket, so every bucket an entry
  // can move to is empty too, and appending in bucket order keeps insertion order per time.
  base_ = new_base;
  spare_.swap(buckets_[b]);
  mark_empty(b);
  if (b < kFanout) {
    // Digit 0: every entry is at new_base. near() ran when they moved here (or the caller touched
    // them just now, pushing them straight into digit 0).
    for (const Record& r : spare_) add_ready(r.priority, r.payload);
  } else {
    // Every entry of the split bucket pops before anything now queued elsewhere, so when the
    // bucket is small they are all near; otherwise only those landing in digit 0 are.
    const bool all_near = spare_.size() <= kNearSplit;
    for (const Record& r : spare_) {
      if (r.key == base_) {
        add_ready(r.priority, r.payload);
        near(r.payload);
      } else {
        const int to = bucket_of(r.key);
        buckets_[to].push_back(r);
        mark_nonempty(to);
        if (all_near || to < kFanout) near(r.payload);
      }
    }
  }
  spare_.clear();
  // Arrival counters rose in bucket order, so this heap orders by (priority, insertion order).
  std::make_heap(ready_.begin(), ready_.end(), ReadyAfter{});
}

template <class Pred>
std::size_t EventQueue::remove_if(Pred pred) {
  std::size_t removed = 0;
  const auto old_ready = ready_.size();
  ready_.erase(std::remove_if(ready_.begin(), ready_.end(),
                              [&](const Ready& r) { return pred(r.payload); }),
               ready_.end());
  removed += old_ready - ready_.size();
  std::make_heap(ready_.begin(), ready_.end(), ReadyAfter{});  // keys unchanged, so order kept
  for (int b = 0; b < kBuckets; ++b) {
    auto& bucket = buckets_[b];
    if (bucket.empty()) continue;
    const auto old_size = bucket.size();
    // std::remove_if is stable for the kept elements, which keeps equal-time insertion order.
    bucket.truncate(std::remove_if(bucket.begin(), bucket.end(),
                                   [&](const Record& r) { return pred(r.payload); }));
    removed += old_size - bucket.size();
    if (bucket.empty()) mark_empty(b);
  }
  size_ -= removed;
  return removed;
}

}  // namespace sim
