// Simulated time: an integer count of nanoseconds. Never a double, so that event order is exact
// and the same run gives the same result on every machine.
//
// Contract: arithmetic is checked. A sum, difference or product outside int64, and a conversion
// from a real number (from_ms, ...) that is not finite or outside about +-292 years, throws
// TimeOverflow instead of wrapping around; inputs that cause it are reported as bad input.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sim {

class TimeOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

namespace detail {
[[noreturn]] void throw_time_overflow(const char* what);
// Rounds v (already in ns) to the nearest integer nanosecond; throws outside int64.
constexpr std::int64_t checked_ns(double v, const char* what) {
  if (!(v > -9.2e18 && v < 9.2e18)) throw_time_overflow(what);  // also NaN
  return static_cast<std::int64_t>(v + (v >= 0 ? 0.5 : -0.5));
}
constexpr std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw_time_overflow("sum of times");
  return r;
}
constexpr std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) throw_time_overflow("difference of times");
  return r;
}
constexpr std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw_time_overflow("multiple of a time");
  return r;
}
}  // namespace detail

// A point in simulated time or a span of it, in nanoseconds. One type for both keeps the
// arithmetic simple; names say which is meant (arrival_time, latency).
struct Time {
  std::int64_t ns = 0;

  constexpr Time() = default;
  constexpr explicit Time(std::int64_t nanoseconds) : ns(nanoseconds) {}

  static constexpr Time zero() { return Time{0}; }
  static constexpr Time max() { return Time{std::numeric_limits<std::int64_t>::max()}; }

  constexpr double to_us() const { return static_cast<double>(ns) * 1e-3; }
  constexpr double to_ms() const { return static_cast<double>(ns) * 1e-6; }
  constexpr double to_s() const { return static_cast<double>(ns) * 1e-9; }

  constexpr Time& operator+=(Time o) { ns = detail::checked_add(ns, o.ns); return *this; }
  constexpr Time& operator-=(Time o) { ns = detail::checked_sub(ns, o.ns); return *this; }
  friend constexpr Time operator+(Time a, Time b) { return Time{detail::checked_add(a.ns, b.ns)}; }
  friend constexpr Time operator-(Time a, Time b) { return Time{detail::checked_sub(a.ns, b.ns)}; }
  friend constexpr Time operator*(Time a, std::int64_t k) { return Time{detail::checked_mul(a.ns, k)}; }
  friend constexpr auto operator<=>(Time a, Time b) = default;
};

// The largest latency or cost in milliseconds accepted from an input (profile, platform):
// 1e9 ms is about 11.6 days, far beyond any DNN, and a million of them still fit in a Time.
inline constexpr double kMaxInputMs = 1e9;
// The largest byte count accepted from an input: 1 PiB, so sums of thousands cannot overflow.
inline constexpr std::int64_t kMaxInputBytes = std::int64_t{1} << 50;

// Conversions from real-valued quantities round to the nearest nanosecond.
constexpr Time nanoseconds(std::int64_t v) { return Time{v}; }
// Throw TimeOverflow for non-finite values and values beyond int64 nanoseconds.
constexpr Time from_us(double v) { return Time{detail::checked_ns(v * 1e3, "time in us")}; }
constexpr Time from_ms(double v) { return Time{detail::checked_ns(v * 1e6, "time in ms")}; }
constexpr Time from_s(double v) { return Time{detail::checked_ns(v * 1e9, "time in s")}; }

// Parses "2.5ms", "10 s", "300us", "42ns", "1.5min". A bare number is an error: callers that
// accept bare numbers know their unit and convert themselves. Throws std::invalid_argument with
// a message that names the text.
Time parse_duration(std::string_view text);

// "12.345 ms" style, for humans; picks ns/us/ms/s by magnitude.
std::string format_duration(Time t);

}  // namespace sim
