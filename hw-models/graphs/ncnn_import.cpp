#include "hw-models/graphs/ncnn_import.h"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "sim/config.h"

namespace graphs {

namespace {

struct Layer {
  std::string type, name;
  std::vector<std::string> inputs, outputs;
  std::map<int, std::string> params;  // key -> raw value (arrays keep their comma list)
};

int param_int(const Layer& l, int key, int fallback) {
  auto it = l.params.find(key);
  return it == l.params.end() ? fallback : std::stoi(it->second);
}

// Shapes from the -23330 hint: [len, dims, w, h, c] per output (len 4).
std::vector<Shape> hint_shapes(const Layer& l, int batch) {
  std::vector<Shape> out;
  auto it = l.params.find(-23330);
  if (it == l.params.end()) return out;
  std::vector<std::int64_t> v;
  std::stringstream ss(it->second);
  std::string item;
  while (std::getline(ss, item, ',')) v.push_back(std::stoll(item));
  for (std::size_t i = 1; i + 3 < v.size(); i += 4) {
    std::int64_t dims = v[i], w = v[i + 1], h = v[i + 2], c = v[i + 3];
    Shape s{batch, 1, 1, 1};
    if (dims == 1) s.c = w;
    else if (dims == 2) { s.h = h; s.c = w; }
    else { s.h = h; s.w = w; s.c = c; }
    out.push_back(s);
  }
  return out;
}

}  // namespace

Graph import_ncnn(const std::string& path, int batch, BlockId first_block) {
  std::ifstream in(path);
  if (!in) throw sim::ConfigError(path, "$", "cannot open the ncnn .param file");
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& why) { throw sim::ConfigError(path, fmt::format("line {}", lineno), why); };
  std::getline(in, line);
  ++lineno;
  if (line.find("7767517") == std::string::npos) fail("not an ncnn .param file (magic 7767517 missing)");
  std::getline(in, line);
  ++lineno;
  Graph g;
  std::map<std::string, Node> blobs;
  BlockId next_block = first_block;
  while (std::getline(in, line)) {
    ++lineno;
    std::stringstream ss(line);
    Layer l;
    int nin = 0, nout = 0;
    if (!(ss >> l.type)) continue;
    if (!(ss >> l.name >> nin >> nout) || nin < 0 || nout < 0) fail("expected: type name inputs outputs");
    for (int i = 0; i < nin; ++i) {
      std::string b;
      if (!(ss >> b)) fail("missing input blob name");
      l.inputs.push_back(b);
    }
    for (int i = 0; i < nout; ++i) {
      std::string b;
      if (!(ss >> b)) fail("missing output blob name");
      l.outputs.push_back(b);
    }
    std::string kv;
    while (ss >> kv) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) fail(fmt::format("parameter '{}' is not key=value", kv));
      try {
        l.params[std::stoi(kv.substr(0, eq))] = kv.substr(eq + 1);
      } catch (const std::exception&) {
        fail(fmt::format("parameter key in '{}' is not an integer", kv));
      }
    }
    std::vector<Node> ins;
    for (const auto& b : l.inputs) {
      auto it = blobs.find(b);
      if (it == blobs.end()) fail(fmt::format("input blob '{}' is produced by no earlier layer", b));
      ins.push_back(it->second);
    }
    if (l.type == "Split") {
      if (ins.size() != 1) fail("Split needs one input");
      for (const auto& b : l.outputs) blobs[b] = ins.front();
      continue;
    }
    auto hints = hint_shapes(l, batch);
    Op op;
    op.name = l.name;
    try {
      if (l.type == "Input") {
        op.kind = OpKind::kInput;
        op.out = Shape{batch, param_int(l, 1, 1), param_int(l, 0, 1), param_int(l, 2, 1)};
        if (!hints.empty()) op.out = hints.front();
      } else {
        if (ins.empty()) fail(fmt::format("layer '{}' has no input", l.name));
        const Shape& x = g[ins.front()].out;
        op.out = hints.empty() ? x : hints.front();
        if (l.type == "Convolution" || l.type == "ConvolutionDepthWise") {
          op.kind = OpKind::kConv;
          op.k = param_int(l, 1, 1);
          op.stride = param_int(l, 3, 1);
          op.pad = std::max(0, param_int(l, 4, 0));
          op.groups = l.type == "Convolution" ? 1 : param_int(l, 7, 1);
          op.out.c = param_int(l, 0, static_cast<int>(x.c));
          if (hints.empty()) {
            op.out.h = (x.h + 2 * op.pad - op.k) / op.stride + 1;
            op.out.w = (x.w + 2 * op.pad - op.k) / op.stride + 1;
          }
        } else if (l.type == "InnerProduct") {
          op.kind = OpKind::kLinear;
          op.out = Shape{batch, 1, 1, param_int(l, 0, 1)};
        } else if (l.type == "Gemm") {
          op.kind = OpKind::kLinear;
        } else if (l.type == "BatchNorm" || l.type == "Scale") {
          op.kind = OpKind::kAffine;
        } else if (l.type == "ReLU" || l.type == "Clip" || l.type == "Swish" || l.type == "HardSwish" ||
                   l.type == "Sigmoid" || l.type == "HardSigmoid") {
          op.kind = OpKind::kRelu;
        } else if (l.type == "Pooling") {
          bool global = param_int(l, 4, 0) != 0 || (!hints.empty() && hints.front().h == 1 && hints.front().w == 1);
          op.kind = global ? OpKind::kGlobalPool : OpKind::kPool;
          op.k = param_int(l, 1, 1);
          op.stride = param_int(l, 2, 1);
        } else if (l.type == "Eltwise" || l.type == "BinaryOp") {
          op.kind = OpKind::kAdd;
        } else if (l.type == "Flatten" || l.type == "Reshape") {
          op.kind = OpKind::kReshape;
        } else if (l.type == "Concat") {
          op.kind = OpKind::kConcat;
        } else {
          op.kind = OpKind::kOther;
        }
      }
      Node v;
      if (op.kind == OpKind::kLinear && l.type == "InnerProduct") {
        // Flatten h * w * c into features: a view, recorded as the op's own input shape.
        Op flat;
        flat.name = l.name + ".flatten";
        flat.kind = OpKind::kReshape;
        flat.out = Shape{batch, 1, 1, g[ins.front()].out.h * g[ins.front()].out.w * g[ins.front()].out.c};
        if (!(flat.out == g[ins.front()].out)) ins = {add_op(g, flat, ins)};
      }
      if (op.kind == OpKind::kConv || op.kind == OpKind::kLinear || op.kind == OpKind::kAffine) op.block = next_block++;
      v = add_op(g, op, ins);
      for (const auto& b : l.outputs) blobs[b] = v;
    } catch (const std::invalid_argument& e) {
      fail(fmt::format("layer '{}': {}", l.name, e.what()));
    }
  }
  if (boost::num_vertices(g) == 0) throw sim::ConfigError(path, "$", "no layers");
  return g;
}

}  // namespace graphs
