// CSV result sink: one file per table (TABLE.csv), header row of column names. Strings are
// quoted when they hold a comma, quote or newline.
#include <fstream>

#include <fmt/format.h>

#include "sim/registry.h"
#include "sim/table.h"

namespace sim {
namespace {

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class CsvSink final : public ResultSink {
 public:
  std::string write(const std::string& directory, const std::vector<const Table*>& tables) const override {
    std::string last;
    for (const Table* t : tables) {
      std::size_t rows = t->rows();
      last = directory + "/" + t->name() + ".csv";
      std::ofstream out(last);
      const auto& cols = t->columns();
      for (std::size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << csv_quote(cols[c].name);
      out << '\n';
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols.size(); ++c) {
          if (c) out << ',';
          std::visit(
              [&](const auto& v) {
                using T = std::decay_t<decltype(v[0])>;
                if constexpr (std::is_same_v<T, std::string>) out << csv_quote(v[r]);
                else if constexpr (std::is_same_v<T, double>) out << fmt::format("{}", v[r]);
                else out << v[r];
              },
              cols[c].values);
        }
        out << '\n';
      }
      if (!out) throw std::runtime_error("cannot write " + last);
    }
    return last;
  }
};

const Registration<ResultSink> kRegistration{"csv", "one CSV file per table (TABLE.csv)", {},
                                             [](const Params&) { return std::make_unique<CsvSink>(); }};

}  // namespace
}  // namespace sim
