#include "sim/table.h"

#include <stdexcept>

#include "sim/registry.h"

namespace sim {

std::size_t Column::size() const {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

std::int32_t Categorical::code(std::string_view value) {
  auto it = index_.find(value);
  if (it != index_.end()) return it->second;
  auto c = static_cast<std::int32_t>(categories_.size());
  categories_.emplace_back(value);
  index_.emplace(categories_.back(), c);
  return c;
}

Column& Table::column(const std::string& name, const std::string& unit) {
  for (auto& c : columns_) {
    if (c.name == name) return c;
  }
  columns_.push_back(Column{name, unit, {}});
  return columns_.back();
}

template <class V>
static V& typed(Column& c) {
  if (c.size() == 0 && !std::holds_alternative<V>(c.values)) c.values = V{};
  auto* v = std::get_if<V>(&c.values);
  if (!v) throw std::logic_error("column '" + c.name + "' used with two types");
  return *v;
}

std::vector<std::int64_t>& Table::ints(const std::string& name, const std::string& unit) {
  return typed<std::vector<std::int64_t>>(column(name, unit));
}
std::vector<std::int32_t>& Table::ints32(const std::string& name, const std::string& unit) {
  return typed<std::vector<std::int32_t>>(column(name, unit));
}
std::vector<double>& Table::reals(const std::string& name, const std::string& unit) {
  return typed<std::vector<double>>(column(name, unit));
}
std::vector<std::string>& Table::strings(const std::string& name, const std::string& unit) {
  return typed<std::vector<std::string>>(column(name, unit));
}

Categorical& Table::categorical(const std::string& name, const std::string& unit) {
  return typed<Categorical>(column(name, unit));
}

std::size_t Table::rows() const {
  if (columns_.empty()) return 0;
  std::size_t n = columns_.front().size();
  for (const auto& c : columns_) {
    if (c.size() != n) throw std::logic_error("table '" + name_ + "': column '" + c.name + "' has a different length");
  }
  return n;
}

void Table::clear_rows() {
  for (auto& c : columns_) std::visit([](auto& v) { v.clear(); }, c.values);
}

std::string ResultSink::write(const std::string& directory, const std::vector<const Table*>& tables) const {
  auto session = open(directory);
  for (const Table* t : tables) session->append(*t);
  session->close();
  return path(directory);
}

std::unique_ptr<ResultSink> make_sink(const ConfigNode& node, Json* resolved) {
  return Registry<ResultSink>::instance().create(node, resolved);
}

}  // namespace sim
