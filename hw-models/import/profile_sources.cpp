#include "hw-models/import/profile_sources.h"

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace hw::sources {
namespace {

std::vector<std::string> read_lines(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw sim::ConfigError(file, "", "cannot open file");
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
  }
  return lines;
}

[[noreturn]] void fail_line(const std::string& file, int line, const std::string& message) {
  throw sim::ConfigError(file, fmt::format("line {}", line), message);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::stringstream ss(s);
  while (std::getline(ss, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

std::string trim(const std::string& s) {
  auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

double to_double(const std::string& s, const std::string& file, int line) {
  try {
    std::size_t used = 0;
    double d = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return d;
  } catch (const std::exception&) {
    fail_line(file, line, fmt::format("expected a number, got '{}'", s));
  }
}

}  // namespace

std::vector<NcnnLayer> read_ncnn_param(const std::string& file) {
  auto lines = read_lines(file);
  if (lines.size() < 2 || trim(lines[0]) != "7767517") fail_line(file, 1, "not an ncnn .param file (magic 7767517)");
  std::vector<NcnnLayer> out;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    int ln = static_cast<int>(i) + 1;
    std::istringstream ss(lines[i]);
    std::vector<std::string> tok;
    for (std::string t; ss >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    if (tok.size() < 4) fail_line(file, ln, "expected: type name inputs outputs ...");
    NcnnLayer nl;
    nl.line = ln;
    nl.layer.kind = tok[0];
    nl.layer.name = tok[1];
    int nin = std::stoi(tok[2]), nout = std::stoi(tok[3]);
    std::size_t first_param = 4 + static_cast<std::size_t>(nin + nout);
    if (first_param > tok.size()) fail_line(file, ln, "fewer blob names than declared");
    std::map<int, std::string> params;
    for (std::size_t k = first_param; k < tok.size(); ++k) {
      auto eq = tok[k].find('=');
      if (eq == std::string::npos) fail_line(file, ln, fmt::format("expected key=value, got '{}'", tok[k]));
      params[std::stoi(tok[k].substr(0, eq))] = tok[k].substr(eq + 1);
    }
    auto num = [&](int key, double fallback) { return params.count(key) ? to_double(params[key], file, ln) : fallback; };
    // Where each layer type keeps its weight count and bias flag (ncnn's operator parameters).
    const std::string& type = nl.layer.kind;
    double weights = 0, bias = 0;
    if (type.rfind("Convolution", 0) == 0 || type.rfind("Deconvolution", 0) == 0) {
      weights = num(6, 0);
      bias = num(5, 0) != 0 ? num(0, 0) : 0;
    } else if (type == "InnerProduct") {
      weights = num(2, 0);
      bias = num(1, 0) != 0 ? num(0, 0) : 0;
    } else if (type == "MultiHeadAttention") {
      weights = 4 * num(2, 0);  // q, k, v and output projections of 2= each
      bias = 4 * num(0, 0);
    } else if (type == "Gemm" && num(5, 0) != 0) {  // constant B: K x N weights
      weights = num(8, 0) * num(9, 0);
      bias = num(6, 0) != 0 ? num(8, 0) : 0;
    }
    nl.weight_count = static_cast<std::int64_t>(weights);
    nl.layer.weight_bytes = static_cast<std::int64_t>(4 * (weights + bias));
    // Shape hints: count, then per output blob: dims, then the dims' sizes.
    std::vector<double> out_elems;
    if (params.count(-23330)) {
      auto v = split(params[-23330], ',');
      std::size_t k = 1;
      while (k < v.size()) {
        int dims = static_cast<int>(to_double(v[k], file, ln));
        double e = 1;
        for (int d = 0; d < dims && k + 1 + static_cast<std::size_t>(d) < v.size(); ++d) e *= to_double(v[k + 1 + static_cast<std::size_t>(d)], file, ln);
        out_elems.push_back(e);
        k += 1 + static_cast<std::size_t>(dims);
      }
    }
    double elems = 0;
    for (double e : out_elems) elems += e;
    if (nl.layer.kind != "Split") nl.layer.activation_bytes = static_cast<std::int64_t>(4 * elems);
    const std::string& kind = nl.layer.kind;
    if ((kind == "Convolution" || kind == "ConvolutionDepthWise" || kind == "Deconvolution" ||
         kind == "DeconvolutionDepthWise") && !out_elems.empty()) {
      double out_c = num(0, 1);
      double pixels = out_c > 0 ? out_elems[0] / out_c : 0;
      nl.layer.macs = static_cast<std::int64_t>(weights * pixels);
    } else if (kind == "InnerProduct") {
      nl.layer.macs = static_cast<std::int64_t>(weights);
    }
    out.push_back(nl);
  }
  return out;
}

std::vector<BenchRow> read_ncnn_benchmark(const std::string& file, const std::string& section_key) {
  auto lines = read_lines(file);
  std::vector<BenchRow> rows;
  std::string section;
  bool in = false;
  BenchRow cfg;
  std::regex row_re(R"(^\s*(\S+)\s+min\s*=\s*([0-9.]+)\s+max\s*=\s*([0-9.]+)\s+avg\s*=\s*([0-9.]+)\s*$)");
  std::regex kv_re(R"(^\s*(loop_count|num_threads|powersave|gpu_device)\s*=\s*(-?[0-9]+)\s*$)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("### ", 0) == 0) {
      section = trim(l.substr(4));
      in = section.find(section_key) != std::string::npos;
      cfg = BenchRow{};
      continue;
    }
    if (!in) continue;
    std::smatch m;
    if (std::regex_match(l, m, kv_re)) {
      int v = std::stoi(m[2]);
      if (m[1] == "loop_count") {
        cfg = BenchRow{};
        cfg.loop_count = v;
      } else if (m[1] == "num_threads") {
        cfg.threads = v;
      } else if (m[1] == "powersave") {
        cfg.powersave = v;
      } else {
        cfg.gpu_device = v;
      }
    } else if (std::regex_match(l, m, row_re)) {
      BenchRow r = cfg;
      r.section = section;
      r.model = m[1];
      int ln = static_cast<int>(i) + 1;
      r.min_ms = to_double(m[2], file, ln);
      r.max_ms = to_double(m[3], file, ln);
      r.avg_ms = to_double(m[4], file, ln);
      r.line = ln;
      rows.push_back(r);
    }
  }
  return rows;
}

namespace {

// Every scalar becomes a string (the converters parse numbers with yaml_number, naming the key).
sim::Json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      sim::Json out = sim::Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      sim::Json out = sim::Json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: return node.as<std::string>();
    default: return sim::Json(nullptr);
  }
}

}  // namespace

sim::Json read_yaml(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw sim::ConfigError(file, "", "cannot open file");
  try {
    YAML::Node root = YAML::Load(in);
    return root.IsNull() ? sim::Json::object() : to_json(root);
  } catch (const YAML::Exception& e) {
    fail_line(file, e.mark.line + 1, e.msg);
  }
}

double yaml_number(const sim::Json& value, const std::string& file, const std::string& path) {
  if (value.is_string()) {
    try {
      std::size_t used = 0;
      const std::string& s = value.get_ref<const std::string&>();
      double d = std::stod(s, &used);
      if (used == s.size()) return d;
    } catch (const std::exception&) {
    }
  }
  throw sim::ConfigError(file, path, fmt::format("expected a number, got {}", sim::describe_json(value)));
}

std::vector<AccuracyRow> read_accuracy_csv(const std::string& file) {
  auto lines = read_lines(file);
  std::vector<AccuracyRow> rows;
  if (lines.empty() || lines[0].rfind("model,task,metric,variant,precision,sparsity,sparsity_kind,value,source", 0) != 0) {
    fail_line(file, 1, "unexpected header (want model,task,metric,variant,precision,sparsity,sparsity_kind,value,source)");
  }
  std::regex base_re(R"(dense(?: baseline)? ([0-9.]+)\))");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    int ln = static_cast<int>(i) + 1;
    auto f = split(lines[i], ',');
    if (f.size() < 9) fail_line(file, ln, "expected 9 fields");
    AccuracyRow r;
    r.model = f[0];
    r.task = f[1];
    r.metric = f[2];
    r.variant = f[3];
    r.precision = f[4];
    r.sparsity = to_double(f[5], file, ln);
    r.sparsity_kind = f[6];
    r.value = to_double(f[7], file, ln);
    r.source = f[8];
    for (std::size_t k = 9; k < f.size(); ++k) r.source += "," + f[k];
    std::smatch m;
    if (std::regex_search(r.source, m, base_re)) r.stated_baseline = std::stod(m[1]);
    r.line = ln;
    rows.push_back(r);
  }
  return rows;
}

std::vector<RknnRow> read_rknn_readme(const std::string& file, const std::string& platform_column) {
  auto lines = read_lines(file);
  std::vector<RknnRow> rows;
  int col = -1;
  std::string last_demo;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("|", 0) != 0) {
      if (col >= 0 && !rows.empty()) break;  // the table ended
      continue;
    }
    auto cells = split(l, '|');
    for (auto& c : cells) c = trim(c);
    if (col < 0) {
      for (std::size_t k = 0; k < cells.size(); ++k)
        if (cells[k].find(platform_column) != std::string::npos && cells.size() > 4 && cells[2] == "model_name") col = static_cast<int>(k);
      continue;
    }
    if (cells.size() <= static_cast<std::size_t>(col) || cells[2].rfind("---", 0) == 0) continue;
    RknnRow r;
    r.model = cells[2];
    r.dtype = cells[4];
    r.line = static_cast<int>(i) + 1;
    std::string v = cells[static_cast<std::size_t>(col)];
    if (v == "/" || v.empty()) continue;
    std::smatch m;
    if (std::regex_search(v, m, std::regex(R"(RTF\s*(?:<br\s*/?>)?\s*([0-9.]+))"))) {
      r.rtf = std::stod(m[1]);
    } else if (std::regex_search(v, m, std::regex(R"(^([0-9.]+)(\((INT8|FP16)\))?$)"))) {
      r.fps = std::stod(m[1]);
      if (m[3].matched) r.dtype = m[3];
    } else {
      fail_line(file, r.line, fmt::format("cannot read '{}'", v));
    }
    rows.push_back(r);
  }
  if (col < 0) throw sim::ConfigError(file, "", fmt::format("no benchmark table with a '{}' column", platform_column));
  return rows;
}

std::vector<EdgeCaffeSample> read_edgecaffe_csv(const std::string& file) {
  auto lines = read_lines(file);
  if (lines.empty() || lines[0].rfind("networkName,layerId,layerName,Loading_ns,execution_ns", 0) != 0) {
    fail_line(file, 1, "unexpected header (want networkName,layerId,layerName,Loading_ns,execution_ns,...)");
  }
  std::vector<EdgeCaffeSample> out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (trim(lines[i]).empty()) continue;
    int ln = static_cast<int>(i) + 1;
    auto f = split(lines[i], ',');
    if (f.size() < 5) fail_line(file, ln, "expected at least 5 fields");
    EdgeCaffeSample s;
    s.network = f[0];
    s.layer_id = static_cast<int>(to_double(f[1], file, ln));
    s.layer = f[2];
    s.load_ns = to_double(f[3], file, ln);
    s.exec_ns = to_double(f[4], file, ln);
    out.push_back(s);
  }
  return out;
}

namespace {

// Splits one CSV line; a field in double quotes may hold commas ("Generation time, sec.").
std::vector<std::string> split_csv(const std::string& line, const std::string& file, int ln) {
  std::vector<std::string> out{""};
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.emplace_back();
    else out.back() += c;
  }
  if (quoted) fail_line(file, ln, "unterminated quoted field");
  return out;
}

}  // namespace

std::vector<OpenVinoRow> read_openvino_csv(const std::string& file) {
  auto lines = read_lines(file);
  if (lines.empty()) throw sim::ConfigError(file, "", "empty file");
  auto header = split_csv(lines[0], file, 1);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[trim(header[i])] = i;
  for (const char* need : {"Network model", "Release", "IE-Type", "Platform name", "Throughput-INT8", "Throughput-FP16",
                           "Throughput-FP32", "Latency_int8", "UOM_T", "UOM_L"})
    if (!col.count(need)) fail_line(file, 1, fmt::format("header lacks the column '{}'", need));
  std::vector<OpenVinoRow> rows;
  bool in_block = false;
  std::string unit_t, unit_l;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    int ln = static_cast<int>(i) + 1;
    if (trim(lines[i]).empty()) continue;
    auto f = split_csv(lines[i], file, ln);
    if (f.size() != header.size())
      fail_line(file, ln, fmt::format("{} columns, the header has {}", f.size(), header.size()));
    std::string first = trim(f[0]);
    if (first == "begin_rec") {
      in_block = true;
      unit_t = trim(f[col.at("UOM_T")]);
      unit_l = trim(f[col.at("UOM_L")]);
      continue;
    }
    if (first == "end_rec") {
      in_block = false;
      continue;
    }
    if (!in_block) fail_line(file, ln, "data row outside a begin_rec/end_rec block");
    if (first.empty()) fail_line(file, ln, "empty 'Network model'");
    auto number = [&](const char* name) {
      std::string v = trim(f[col.at(name)]);
      if (v.empty()) return -1.0;
      double d = to_double(v, file, ln);
      if (!(d >= 0)) fail_line(file, ln, fmt::format("negative '{}': {}", name, v));
      return d;
    };
    OpenVinoRow r;
    r.model = first;
    r.release = trim(f[col.at("Release")]);
    r.ie_type = trim(f[col.at("IE-Type")]);
    r.platform = trim(f[col.at("Platform name")]);
    r.fps_int8 = number("Throughput-INT8");
    r.fps_fp16 = number("Throughput-FP16");
    r.fps_fp32 = number("Throughput-FP32");
    r.latency_int8 = number("Latency_int8");
    r.throughput_unit = unit_t;
    r.latency_unit = unit_l;
    r.line = ln;
    rows.push_back(r);
  }
  if (in_block) throw sim::ConfigError(file, "", "the last block has no end_rec row");
  return rows;
}

}  // namespace hw::sources
