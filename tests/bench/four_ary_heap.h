// Reference future-event set for the hold benchmark: a hand-tuned 4-ary min-heap.
//
// Contract: push(time, seq) and pop() return entries in (time, seq) order; the caller passes an
// increasing sequence number, so equal times come out first in, first out. It is a bare priority
// queue: no event records, no cancellation. It is here to be beaten, so it is tuned the way a fast
// simulator core would tune it:
// - 16-byte entries, storage aligned to 64 bytes and offset by three entries, so the four
//   children of a node (indices 4i+1..4i+4) fill exactly one cache line;
// - pop is bottom-up (Wegener): the hole left by the root walks down to a leaf along the smallest
//   children (one compare per child, no compare against the moving element), then the last entry
//   is sifted up from there, which for a random last entry is almost always zero or one step;
// - in a heap larger than L2, each step of that walk prefetches the four cache lines of the
//   grandchildren, so the misses of the next level overlap the compares of this one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace bench {

class FourAryHeap {
 public:
  struct Entry {
    std::int64_t time_ns;
    std::uint64_t seq;
  };

  FourAryHeap() = default;
  FourAryHeap(const FourAryHeap&) = delete;
  FourAryHeap& operator=(const FourAryHeap&) = delete;
  ~FourAryHeap() { std::free(raw_); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Entry& top() const { return heap_[0]; }

  void push(Entry e) {
    if (size_ == capacity_) grow();
    sift_up(size_++, e);
  }

  // Removes the top entry. Requires !empty().
  void pop() {
    const std::size_t n = --size_;
    if (n == 0) return;
    // Walk the hole from the root to a leaf, always promoting the smallest child.
    const bool prefetch = n >= kPrefetchMinSize;
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = 4 * hole + 1;
      if (first + 3 < n) {  // four children (the common case: no bounds checks per child)
        const Entry* c = heap_ + first;
        // The grandchildren of all four fill four cache lines; fetching them now overlaps their
        // misses with this level's compares (the next level then finds its line in flight).
        if (prefetch && 4 * (first + 3) + 4 < n) {
          for (int k = 0; k < 4; ++k) __builtin_prefetch(heap_ + 4 * (first + k) + 1);
        }
        const std::size_t a = less(c[1], c[0]) ? 1 : 0;
        const std::size_t b = less(c[3], c[2]) ? 3 : 2;
        const std::size_t m = less(c[b], c[a]) ? b : a;
        heap_[hole] = c[m];
        hole = first + m;
      } else if (first < n) {
        std::size_t m = first;
        for (std::size_t k = first + 1; k < n; ++k) {
          if (less(heap_[k], heap_[m])) m = k;
        }
        heap_[hole] = heap_[m];
        hole = m;
      } else {
        break;
      }
    }
    // Put the former last entry into the hole and sift it up.
    sift_up(hole, heap_[n]);
  }

 private:
  // Moves e from the hole at index i towards the root past every larger parent.
  void sift_up(std::size_t i, Entry e) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!less(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Below this size the heap sits in L2 and prefetching only costs instructions (measured: 6 %
  // slower at 10^3 entries, 1.1-1.6x faster at 10^6).
  static constexpr std::size_t kPrefetchMinSize = std::size_t{1} << 15;
  // Branch-free: one 128-bit compare of (time with its sign bit flipped, seq), so the compiler
  // emits cmp/sbb and the child selection in pop() becomes conditional moves.
  __extension__ typedef unsigned __int128 Key;
  static Key key(const Entry& e) {
    return (static_cast<Key>(static_cast<std::uint64_t>(e.time_ns) ^ (std::uint64_t{1} << 63))
            << 64) |
           e.seq;
  }
  static bool less(const Entry& a, const Entry& b) { return key(a) < key(b); }

  void grow() {
    const std::size_t capacity = capacity_ == 0 ? 1024 : 2 * capacity_;
    // Three entries of padding so that heap_[1] (the first child block) starts a cache line.
    constexpr std::size_t kPad = 3;
    const std::size_t bytes = ((capacity + kPad) * sizeof(Entry) + 63) / 64 * 64;
    void* raw = std::aligned_alloc(64, bytes);
    if (raw == nullptr) throw std::bad_alloc();
    Entry* heap = static_cast<Entry*>(raw) + kPad;
    for (std::size_t i = 0; i < size_; ++i) heap[i] = heap_[i];
    std::free(raw_);
    raw_ = raw;
    heap_ = heap;
    capacity_ = capacity;
  }

  void* raw_ = nullptr;
  Entry* heap_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

static_assert(sizeof(FourAryHeap::Entry) == 16, "four entries per 64-byte cache line");

}  // namespace bench
