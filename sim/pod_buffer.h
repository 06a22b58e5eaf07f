// PodBuffer<T>: a growable array of trivially copyable T with a 16-byte header (pointer, 32-bit
// size, 32-bit capacity), for the future-event set's 2048 buckets: their headers then take 32 KB
// instead of std::vector's 48 KB, and four share a cache line.
//
// Contract: like std::vector for the operations it has, except that it holds at most 2^32 - 1
// elements (push_back throws std::length_error beyond), it is move-only (a moved-from buffer is
// empty), and growth copies with memcpy. push_back may throw std::bad_alloc and then leaves the
// buffer unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace sim {

template <class T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  PodBuffer() = default;
  PodBuffer(PodBuffer&& other) noexcept { swap(other); }
  PodBuffer& operator=(PodBuffer&& other) noexcept {
    swap(other);
    return *this;
  }
  PodBuffer(const PodBuffer&) = delete;
  PodBuffer& operator=(const PodBuffer&) = delete;
  ~PodBuffer() { std::free(data_); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T& front() const { return data_[0]; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

  void push_back(const T& value) {
    if (size_ == capacity_) grow();
    data_[size_++] = value;
  }
  // Keeps the capacity.
  void clear() { size_ = 0; }
  // Drops the elements from `first` to the end (first must point into [begin(), end()]).
  void truncate(T* first) { size_ = static_cast<std::uint32_t>(first - data_); }
  void swap(PodBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  // Out of line in effect (cold): doubles the capacity, starting at 4.
  [[gnu::noinline]] void grow() {
    if (capacity_ == UINT32_MAX) throw std::length_error("PodBuffer: more than 2^32 - 1 elements");
    const std::uint64_t wanted = capacity_ == 0 ? 4 : std::uint64_t{capacity_} * 2;
    const auto capacity = static_cast<std::uint32_t>(wanted > UINT32_MAX ? UINT32_MAX : wanted);
    void* fresh = std::malloc(std::size_t{capacity} * sizeof(T));
    if (fresh == nullptr) throw std::bad_alloc();
    if (size_ != 0) std::memcpy(fresh, data_, std::size_t{size_} * sizeof(T));
    std::free(data_);
    data_ = static_cast<T*>(fresh);
    capacity_ = capacity;
  }

  T* data_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = 0;
};

}  // namespace sim
