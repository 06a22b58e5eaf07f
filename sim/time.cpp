#include "sim/time.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace sim {

namespace detail {
void throw_time_overflow(const char* what) {
  throw TimeOverflow(fmt::format("{} out of the range of simulated time (int64 nanoseconds, about 292 years)", what));
}
}  // namespace detail

Time parse_duration(std::string_view text) {
  std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value)) {
    throw std::invalid_argument(fmt::format("'{}' is not a duration (expected e.g. \"2.5ms\")", text));
  }
  std::string_view unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else if (unit == "min") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else {
    throw std::invalid_argument(
        fmt::format("'{}' has no known unit (use ns, us, ms, s, min or h)", text));
  }
  double ns = value * scale;
  if (std::abs(ns) > 9.2e18) throw std::invalid_argument(fmt::format("'{}' is out of range", text));
  return Time{static_cast<std::int64_t>(std::llround(ns))};
}

std::string format_duration(Time t) {
  double a = std::abs(static_cast<double>(t.ns));
  if (a < 1e3) return fmt::format("{} ns", t.ns);
  if (a < 1e6) return fmt::format("{:.3f} us", t.to_us());
  if (a < 1e9) return fmt::format("{:.3f} ms", t.to_ms());
  return fmt::format("{:.3f} s", t.to_s());
}

}  // namespace sim
