// Simulated time: an integer count of nanoseconds. Never a double, so that event order is exact
// and the same run gives the same result on every machine.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace sim {

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

  constexpr Time& operator+=(Time o) { ns += o.ns; return *this; }
  constexpr Time& operator-=(Time o) { ns -= o.ns; return *this; }
  friend constexpr Time operator+(Time a, Time b) { return Time{a.ns + b.ns}; }
  friend constexpr Time operator-(Time a, Time b) { return Time{a.ns - b.ns}; }
  friend constexpr Time operator*(Time a, std::int64_t k) { return Time{a.ns * k}; }
  friend constexpr auto operator<=>(Time a, Time b) = default;
};

// Conversions from real-valued quantities round to the nearest nanosecond.
constexpr Time nanoseconds(std::int64_t v) { return Time{v}; }
constexpr Time from_us(double v) { return Time{static_cast<std::int64_t>(v * 1e3 + (v >= 0 ? 0.5 : -0.5))}; }
constexpr Time from_ms(double v) { return Time{static_cast<std::int64_t>(v * 1e6 + (v >= 0 ? 0.5 : -0.5))}; }
constexpr Time from_s(double v) { return Time{static_cast<std::int64_t>(v * 1e9 + (v >= 0 ? 0.5 : -0.5))}; }

// Parses "2.5ms", "10 s", "300us", "42ns", "1.5min". A bare number is an error: callers that
// accept bare numbers know their unit and convert themselves. Throws std::invalid_argument with
// a message that names the text.
Time parse_duration(std::string_view text);

// "12.345 ms" style, for humans; picks ns/us/ms/s by magnitude.
std::string format_duration(Time t);

}  // namespace sim
