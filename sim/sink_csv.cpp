// CSV result sink: one file per table (TABLE.csv), header row of column names. Strings are
// quoted when they hold a comma, quote or newline. Chunks append rows to their table's file.
#include <fstream>
#include <map>

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

class CsvSession final : public TableSession {
 public:
  explicit CsvSession(std::string directory) : directory_(std::move(directory)) {}

  void append(const Table& t) override {
    std::size_t rows = t.rows();
    std::string file = directory_ + "/" + t.name() + ".csv";
    auto it = files_.find(t.name());
    const auto& cols = t.columns();
    if (it == files_.end()) {
      it = files_.emplace(t.name(), std::ofstream(file)).first;
      for (std::size_t c = 0; c < cols.size(); ++c) it->second << (c ? "," : "") << csv_quote(cols[c].name);
      it->second << '\n';
    }
    std::ofstream& out = it->second;
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
    if (!out) throw std::runtime_error("cannot write " + file);
  }

  void close() override {
    for (auto& [name, out] : files_) {
      out.close();
      if (!out) throw std::runtime_error("cannot write " + directory_ + "/" + name + ".csv");
    }
  }

 private:
  std::string directory_;
  std::map<std::string, std::ofstream> files_;
};

class CsvSink final : public ResultSink {
 public:
  std::unique_ptr<TableSession> open(const std::string& directory) const override {
    return std::make_unique<CsvSession>(directory);
  }
  std::string path(const std::string& directory) const override { return directory + "/requests.csv"; }
};

const Registration<ResultSink> kRegistration{"csv", "one CSV file per table (TABLE.csv)", {},
                                             [](const Params&) { return std::make_unique<CsvSink>(); }};

}  // namespace
}  // namespace sim
