#include "sim/json_reader.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "sim/config.h"

namespace sim {
namespace {

// Builds the DOM from SAX events while tracking the JSON path of the value being read. Each
// event returns false to stop the parse at the first problem, which `error` then describes.
class BoundedBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  Json root;
  std::string error_path, error;
  std::size_t error_byte = 0;  // for syntax errors
  bool syntax_error = false;
  bool number_overflow = false;  // a syntax error that is a number beyond a double's range

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool v) { return put(Json(v)); }
  bool number_integer(number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
  bool number_float(number_float_t v, const string_t& text) {
    if (!std::isfinite(v)) return fail(path(), fmt::format("number {} is out of range", text.substr(0, 40)));
    return put(Json(v));
  }
  bool string(string_t& v) { return put(Json(std::move(v))); }
  bool binary(binary_t& v) { return put(Json::binary(std::move(v))); }
  bool start_object(std::size_t) { return open(Json::object()); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(string_t& k) {
    Frame& f = stack_.back();
    if (f.node->contains(k)) return fail(fmt::format("{}.{}", path_of(stack_.size() - 1), k), "key given twice in one object");
    f.key = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    syntax_error = true;
    number_overflow = ex.id == 406;  // nlohmann: "number overflow parsing ..."
    error_byte = position;
    return false;
  }

 private:
  struct Frame {
    Json* node;
    std::string key;  // of the member being read, in an object
  };
  std::vector<Frame> stack_;

  // Path down to (not into) stack frame `depth` (0: the root). An open array's open element is
  // its last one; a value about to be put goes after the last one.
  std::string path_of(std::size_t depth) const {
    std::string p = "$";
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& f = stack_[i];
      if (f.node->is_object()) p += "." + f.key;
      else p += fmt::format("[{}]", i + 1 < stack_.size() ? f.node->size() - 1 : f.node->size());
    }
    return p;
  }
  // Path of the value about to be put.
  std::string path() const { return path_of(stack_.size()); }

  bool fail(std::string at, std::string message) {
    error_path = std::move(at);
    error = std::move(message);
    return false;
  }
  Json* put_ref(Json v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    Frame& f = stack_.back();
    if (f.node->is_array()) {
      f.node->push_back(std::move(v));
      return &f.node->back();
    }
    Json& slot = (*f.node)[f.key];
    slot = std::move(v);
    return &slot;
  }
  bool put(Json v) {
    put_ref(std::move(v));
    return true;
  }
  bool open(Json container) {
    if (stack_.size() >= kMaxJsonDepth) return fail(path(), fmt::format("nested deeper than {} levels", kMaxJsonDepth));
    Json* node = put_ref(std::move(container));
    stack_.push_back({node, {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
};

std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t offset = std::min(byte, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

}  // namespace

std::optional<Json> try_parse_json_text(const std::string& text, const std::string& origin) {
  BoundedBuilder builder;
  bool ok = Json::sax_parse(text, &builder, nlohmann::detail::input_format_t::json, true, false);
  if (ok) return std::move(builder.root);
  if (builder.number_overflow) {
    throw ConfigError(origin, "", fmt::format("number out of range (beyond a double) at {}", line_column(text, builder.error_byte)));
  }
  if (builder.syntax_error) return std::nullopt;
  throw ConfigError(origin, builder.error_path, builder.error);
}

Json parse_json_text(const std::string& text, const std::string& origin) {
  BoundedBuilder builder;
  bool ok = Json::sax_parse(text, &builder, nlohmann::detail::input_format_t::json, true, false);
  if (ok) return std::move(builder.root);
  if (builder.number_overflow) {
    throw ConfigError(origin, "", fmt::format("number out of range (beyond a double) at {}", line_column(text, builder.error_byte)));
  }
  if (builder.syntax_error) throw ConfigError(origin, "", fmt::format("malformed JSON at {}", line_column(text, builder.error_byte)));
  throw ConfigError(origin, builder.error_path, builder.error);
}

}  // namespace sim
