#include "experiments/live/mts_live.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "experiments/live/onednn_ops.h"
#include "sim/rng.h"

namespace live {

using graphs::Graph;
using graphs::Node;
using graphs::Op;
using graphs::OpKind;

const std::vector<float>& GraphWeights::block(graphs::BlockId b, std::int64_t params) {
  for (auto a = alias_.find(b); a != alias_.end(); a = alias_.find(b)) b = a->second;
  auto it = blocks_.find(b);
  if (it != blocks_.end()) {
    if (static_cast<std::int64_t>(it->second.size()) != params) {
      throw std::logic_error(fmt::format("weight block {} asked with {} and {} parameters", b, it->second.size(), params));
    }
    return it->second;
  }
  sim::Rng rng = sim::Rng::stream(seed_, "mts_live.weights", static_cast<std::uint64_t>(b));
  std::vector<float> w(static_cast<std::size_t>(params));
  for (auto& x : w) x = static_cast<float>(rng.normal(0.0, 0.1));
  return blocks_.emplace(b, std::move(w)).first->second;
}

namespace {

struct FreeAligned {
  void operator()(void* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float, FreeAligned>;
Buffer alloc(std::size_t bytes) {
  std::size_t n = (std::max<std::size_t>(bytes, 64) + 63) / 64 * 64;
  return Buffer(static_cast<float*>(std::aligned_alloc(64, n)));
}

}  // namespace

struct GraphRunner::Impl {
  const Graph& g;
  struct Step {
    Node v;
    std::vector<std::unique_ptr<dnn::ConvOp>> convs;      // per instance
    std::vector<std::unique_ptr<dnn::LinearOp>> linears;  // per instance
    std::vector<float> affine;                             // [scale c][bias c]
  };
  std::vector<Step> steps;
  std::vector<Buffer> buffers;  // per node output (views point into their source)
  std::vector<float*> data;
  std::size_t scratch_bytes = 0;
  std::size_t weights = 0;
  Buffer scratch;
  std::vector<Node> inputs, outputs;

  Impl(const Graph& graph, GraphWeights& gw) : g(graph) {
    auto order = graphs::topo_order(g);
    buffers.resize(boost::num_vertices(g));
    data.assign(boost::num_vertices(g), nullptr);
    for (Node v : order) {
      const Op& op = g[v];
      Step s{v, {}, {}, {}};
      std::int64_t inst = op.instances;
      std::int64_t n_per = op.in.n / inst;
      auto blocks = op.blocks();
      switch (op.kind) {
        case OpKind::kInput: inputs.push_back(v); break;
        case OpKind::kOutput: outputs.push_back(v); break;
        case OpKind::kConv: {
          if (op.groups != 1) throw std::invalid_argument(fmt::format("live: conv '{}' has groups", op.name));
          for (std::int64_t i = 0; i < inst; ++i) {
            const auto& w = gw.block(blocks[static_cast<std::size_t>(i)], op.weight_params);
            Conv c;
            c.ic = static_cast<int>(op.in.c);
            c.oc = static_cast<int>(op.out.c);
            c.k = op.k;
            c.stride = op.stride;
            c.pad = op.pad;
            std::size_t wn = static_cast<std::size_t>(op.weight_params - op.out.c);
            c.w.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(wn));
            c.b.assign(w.begin() + static_cast<std::ptrdiff_t>(wn), w.end());
            auto p = std::make_unique<dnn::ConvOp>(static_cast<int>(n_per), Shape{static_cast<int>(op.in.h), static_cast<int>(op.in.w), c.ic},
                                                   c, false, dnn::Epilogue{});
            scratch_bytes = std::max(scratch_bytes, p->scratch_bytes());
            weights += p->weights_bytes();
            s.convs.push_back(std::move(p));
          }
          break;
        }
        case OpKind::kLinear: {
          for (std::int64_t i = 0; i < inst; ++i) {
            const auto& w = gw.block(blocks[static_cast<std::size_t>(i)], op.weight_params);
            Linear l;
            l.in = static_cast<int>(op.in.c);
            l.out = static_cast<int>(op.out.c);
            std::size_t wn = static_cast<std::size_t>(op.weight_params - op.out.c);
            l.w.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(wn));
            l.b.assign(w.begin() + static_cast<std::ptrdiff_t>(wn), w.end());
            auto p = std::make_unique<dnn::LinearOp>(n_per * op.in.h * op.in.w, l, false, dnn::Epilogue{});
            scratch_bytes = std::max(scratch_bytes, p->scratch_bytes());
            weights += p->weights_bytes();
            s.linears.push_back(std::move(p));
          }
          break;
        }
        case OpKind::kAffine: {
          for (std::int64_t i = 0; i < inst; ++i) {
            auto w = gw.block(blocks[static_cast<std::size_t>(i)], op.weight_params);
            for (std::int64_t c = 0; c < op.out.c; ++c) w[static_cast<std::size_t>(c)] += 1.0f;  // scales near 1
            s.affine.insert(s.affine.end(), w.begin(), w.end());
            weights += w.size() * sizeof(float);
          }
          break;
        }
        case OpKind::kRelu:
        case OpKind::kAdd:
        case OpKind::kConcat:
        case OpKind::kGlobalPool:
        case OpKind::kBatchConcat:
        case OpKind::kBatchSplit:
        case OpKind::kReshape: break;
        default: throw std::invalid_argument(fmt::format("live: op '{}' ({}) is not supported", op.name, graphs::to_string(op.kind)));
      }
      if (!graphs::is_view(op.kind) && op.kind != OpKind::kOutput) {
        buffers[v] = alloc(static_cast<std::size_t>(op.out.elements()) * sizeof(float));
        data[v] = buffers[v].get();
      }
      steps.push_back(std::move(s));
    }
    scratch = alloc(scratch_bytes);
  }

  void exec(const Step& s) {
    Node v = s.v;
    const Op& op = g[v];
    auto in = graphs::inputs_of(g, v);
    float* out = data[v];
    std::int64_t inst = op.instances;
    switch (op.kind) {
      case OpKind::kInput: break;
      case OpKind::kOutput: data[v] = data[in.front()]; break;
      case OpKind::kReshape: data[v] = data[in.front()]; break;
      case OpKind::kBatchSplit: {
        std::int64_t per = g[in.front()].out.elements() / op.slices;
        data[v] = data[in.front()] + per * op.slice;
        break;
      }
      case OpKind::kBatchConcat: {
        float* p = out;
        for (Node u : in) {
          std::size_t n = static_cast<std::size_t>(g[u].out.elements());
          std::memcpy(p, data[u], n * sizeof(float));
          p += n;
        }
        break;
      }
      case OpKind::kConv:
      case OpKind::kLinear: {
        std::int64_t in_per = op.in.elements() / inst, out_per = op.out.elements() / inst;
        for (std::int64_t i = 0; i < inst; ++i) {
          const float* src = data[in.front()] + in_per * i;
          float* dst = out + out_per * i;
          if (op.kind == OpKind::kConv) s.convs[static_cast<std::size_t>(i)]->run(src, dst, scratch.get());
          else s.linears[static_cast<std::size_t>(i)]->run(src, dst, scratch.get());
        }
        break;
      }
      case OpKind::kAffine: {
        std::int64_t c = op.out.c, per = op.out.elements() / inst;
        const float* x = data[in.front()];
        for (std::int64_t i = 0; i < inst; ++i) {
          const float* sc = s.affine.data() + 2 * c * i;
          const float* bi = sc + c;
          for (std::int64_t e = 0; e < per; ++e) out[per * i + e] = x[per * i + e] * sc[e % c] + bi[e % c];
        }
        break;
      }
      case OpKind::kRelu: {
        const float* x = data[in.front()];
        for (std::int64_t e = 0; e < op.out.elements(); ++e) out[e] = std::max(0.0f, x[e]);
        break;
      }
      case OpKind::kAdd: {
        std::size_t n = static_cast<std::size_t>(op.out.elements());
        std::memcpy(out, data[in.front()], n * sizeof(float));
        for (std::size_t j = 1; j < in.size(); ++j)
          for (std::size_t e = 0; e < n; ++e) out[e] += data[in[j]][e];
        break;
      }
      case OpKind::kConcat: {
        std::int64_t pixels = op.out.n * op.out.h * op.out.w, off = 0;
        for (Node u : in) {
          std::int64_t cu = g[u].out.c;
          for (std::int64_t p = 0; p < pixels; ++p)
            std::memcpy(out + p * op.out.c + off, data[u] + p * cu, static_cast<std::size_t>(cu) * sizeof(float));
          off += cu;
        }
        break;
      }
      case OpKind::kGlobalPool: {
        const Op& x = g[in.front()];
        std::int64_t hw = x.out.h * x.out.w, c = x.out.c;
        for (std::int64_t b = 0; b < x.out.n; ++b)
          for (std::int64_t ch = 0; ch < c; ++ch) {
            float sum = 0;
            for (std::int64_t p = 0; p < hw; ++p) sum += data[in.front()][(b * hw + p) * c + ch];
            out[b * c + ch] = sum / static_cast<float>(hw);
          }
        break;
      }
      default: break;
    }
  }
};

GraphRunner::GraphRunner(const Graph& g, GraphWeights& weights) : impl_(std::make_unique<Impl>(g, weights)) {}
GraphRunner::~GraphRunner() = default;
std::size_t GraphRunner::weights_bytes() const { return impl_->weights; }

std::vector<std::vector<float>> GraphRunner::run(const std::vector<std::vector<float>>& inputs) {
  Impl& m = *impl_;
  if (inputs.size() != m.inputs.size()) {
    throw std::invalid_argument(fmt::format("live graph: {} inputs given, {} expected", inputs.size(), m.inputs.size()));
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Op& op = m.g[m.inputs[i]];
    if (static_cast<std::int64_t>(inputs[i].size()) != op.out.elements()) {
      throw std::invalid_argument(fmt::format("live graph: input {} has {} values, {} expected", i, inputs[i].size(), op.out.elements()));
    }
    std::memcpy(m.data[m.inputs[i]], inputs[i].data(), inputs[i].size() * sizeof(float));
  }
  for (const auto& s : m.steps) m.exec(s);
  std::vector<std::vector<float>> out;
  for (Node v : m.outputs) {
    const float* p = m.data[v];
    out.emplace_back(p, p + m.g[v].out.elements());
  }
  return out;
}

}  // namespace live
