// Random-number streams. Every stream is derived from (seed, component path, stream index), so a
// component's draws do not depend on how many draws other components made, on the thread that
// runs the simulation, or on the order in which components were created. Distributions are
// implemented here (not std::*_distribution, whose algorithms differ between standard libraries)
// so the same seed gives the same numbers everywhere.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

// 64-bit hash of a component path such as "tasks/image/arrival" (FNV-1a then a SplitMix finaliser).
std::uint64_t hash_path(std::string_view path);

// xoshiro256** seeded through SplitMix64.
class Rng {
 public:
  Rng() : Rng(0) {}
  explicit Rng(std::uint64_t seed);

  // The stream of `component` number `stream` under master seed `seed`.
  static Rng stream(std::uint64_t seed, std::string_view component, std::uint64_t stream = 0);
  // Same, with the component already hashed (for hot paths that derive many streams).
  static Rng stream(std::uint64_t seed, std::uint64_t component_hash, std::uint64_t stream);

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_open0() { return 1.0 - uniform(); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n);
  double exponential(double mean);
  // Standard normal by the Marsaglia polar method (no cached second value, so every call
  // consumes a whole number of draws and streams stay easy to reason about).
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace sim
