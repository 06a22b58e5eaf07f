// Shared by the fuzz targets: runs one input through a loader and lets only bad-input errors
// through. Anything else escapes to libFuzzer, which reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/config.h"
#include "sim/time.h"

namespace fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

template <typename F>
void expect_only_bad_input(F load) {
  try {
    load();
  } catch (const sim::ConfigError&) {
  } catch (const sim::TimeOverflow&) {
  }
}

}  // namespace fuzz
