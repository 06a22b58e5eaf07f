// Parsing JSON that a user wrote, with bounds, so no input can crash or mislead the reader.
//
// Contract: parse_json_text() returns the document or throws one ConfigError naming `origin` and
// either the line and column of a syntax error or the JSON path of the offending value for:
// nesting deeper than kMaxJsonDepth (so later recursive code, e.g. printing, cannot overflow the
// stack), a key given twice in one object (the later one would silently win), and a number
// outside the range of a double (1e999). The parser itself is iterative.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace sim {

inline constexpr std::size_t kMaxJsonDepth = 128;
// Larger files are refused before they are read (profiles and configs are far smaller).
inline constexpr std::size_t kMaxJsonFileBytes = std::size_t{512} << 20;

nlohmann::json parse_json_text(const std::string& text, const std::string& origin);
// The same, but text that is not JSON at all gives nothing (for --set, where bare words are
// strings); out-of-bounds JSON (1e999, too deep, a duplicate key) still throws.
std::optional<nlohmann::json> try_parse_json_text(const std::string& text, const std::string& origin);

}  // namespace sim
