#include "sim/rng.h"

#include <cmath>

namespace sim {
namespace {
// 128-bit products for Lemire's bounded draw; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 uint128;

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

std::uint64_t hash_path(std::string_view path) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : path) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return splitmix64(h);
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

Rng Rng::stream(std::uint64_t seed, std::string_view component, std::uint64_t stream_index) {
  return stream(seed, hash_path(component), stream_index);
}

Rng Rng::stream(std::uint64_t seed, std::uint64_t component_hash, std::uint64_t stream_index) {
  // Mix the three parts through SplitMix so nearby seeds/indices give unrelated streams.
  std::uint64_t x = seed;
  std::uint64_t a = splitmix64(x);
  x = a ^ component_hash;
  std::uint64_t b = splitmix64(x);
  x = b ^ (stream_index * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
  return Rng(splitmix64(x));
}

std::uint64_t Rng::below(std::uint64_t n) {
  uint128 m = static_cast<uint128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<uint128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::exponential(double mean) { return -mean * std::log(uniform_open0()); }

double Rng::normal() {
  for (;;) {
    double u = 2.0 * uniform() - 1.0;
    double v = 2.0 * uniform() - 1.0;
    double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

}  // namespace sim
