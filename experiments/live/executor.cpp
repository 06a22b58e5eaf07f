#include "experiments/live/executor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "experiments/live/onednn_ops.h"
#include "experiments/live/sparse_ops.h"

namespace live {

void Workspace::Free::operator()(void* p) const { std::free(p); }

namespace {
void* aligned(std::size_t bytes) {
  std::size_t n = (std::max<std::size_t>(bytes, 1) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, n);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, n);  // touch every page now, not during a timed run
  return p;
}

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
}  // namespace

Workspace::Workspace(const std::vector<std::size_t>& bytes, std::size_t scratch_bytes) {
  for (auto b : bytes) buffers_.emplace_back(aligned(b));
  scratch_.reset(aligned(scratch_bytes));
}

struct PlanBuilder {
  SubgraphPlan& plan;
  const Model& model;
  int batch;

  int alloc(std::size_t bytes) {
    plan.buffer_bytes_.push_back(bytes);
    return static_cast<int>(plan.buffer_bytes_.size()) - 1;
  }
  int alloc_f32(std::int64_t elements) { return alloc(static_cast<std::size_t>(elements) * 4); }
  void step(std::function<void(const Workspace&)> f) { plan.steps_.push_back(std::move(f)); }
  void note(std::size_t weights, std::size_t scratch) {
    plan.weights_bytes_ += weights;
    plan.scratch_bytes_ = std::max(plan.scratch_bytes_, scratch);
  }
  static dnn::DType code_type(bool is_unsigned) { return is_unsigned ? dnn::DType::kU8 : dnn::DType::kS8; }

  void copy(int src, int dst, std::int64_t elements) {
    step([=](const Workspace& ws) { std::memcpy(ws.buffer(dst), ws.buffer(src), static_cast<std::size_t>(elements) * 4); });
  }
  // fp32 buffer -> int8 codes of (scale, signedness); returns the codes buffer.
  int quantize(int src, std::int64_t elements, float scale, bool is_unsigned) {
    int q = alloc(static_cast<std::size_t>(elements));
    auto op = std::make_shared<dnn::QuantizeOp>(elements, scale, is_unsigned);
    step([=](const Workspace& ws) { op->run(static_cast<const float*>(ws.buffer(src)), ws.buffer(q)); });
    return q;
  }

  // A linear layer from fp32 `src` into `dst`: sparse, int8 (quantizing first) or fp32 dense.
  void linear(const Linear& l, int src, int dst, std::int64_t rows, dnn::Epilogue e) {
    if (l.sparse) {
      auto act = e.act == dnn::Act::kRelu ? SparseLinearOp::Act::kRelu
                 : e.act == dnn::Act::kGelu ? SparseLinearOp::Act::kGelu
                                            : SparseLinearOp::Act::kNone;
      auto op = std::make_shared<SparseLinearOp>(rows, l.in, l.out, l.w, l.b, e.sum, act);
      note(op->weights_bytes(), 0);
      step([=](const Workspace& ws) { op->run(static_cast<const float*>(ws.buffer(src)), static_cast<float*>(ws.buffer(dst))); });
      return;
    }
    int from = model.int8 ? quantize(src, rows * l.in, l.in_scale, l.in_unsigned) : src;
    auto op = std::make_shared<dnn::LinearOp>(rows, l, model.int8, e);
    note(op->weights_bytes(), op->scratch_bytes());
    step([=](const Workspace& ws) { op->run(ws.buffer(from), ws.buffer(dst), ws.scratch()); });
  }

  // A convolution from `src` (fp32, or int8 codes when src_is_codes) into `dst`.
  void conv(const Conv& c, int src, bool src_is_codes, int dst, const Shape& in, dnn::Epilogue e) {
    if (c.sparse && !model.int8) {
      std::int64_t rows = std::int64_t(batch) * in.h * in.w;
      auto act = e.act == dnn::Act::kRelu ? SparseLinearOp::Act::kRelu : SparseLinearOp::Act::kNone;
      auto op = std::make_shared<SparseLinearOp>(rows, c.ic, c.oc, c.w, c.b, e.sum, act);
      note(op->weights_bytes(), 0);
      step([=](const Workspace& ws) { op->run(static_cast<const float*>(ws.buffer(src)), static_cast<float*>(ws.buffer(dst))); });
      return;
    }
    int from = src;
    if (model.int8 && !src_is_codes) from = quantize(src, std::int64_t(batch) * in.elements(), c.in_scale, c.in_unsigned);
    auto op = std::make_shared<dnn::ConvOp>(batch, in, c, model.int8, e);
    note(op->weights_bytes(), op->scratch_bytes());
    step([=](const Workspace& ws) { op->run(ws.buffer(from), ws.buffer(dst), ws.scratch()); });
  }

  // Mean over the positions of each sample: [batch][positions][c] -> [batch][c].
  void mean_positions(int src, int dst, const Shape& s) {
    int n = batch;
    step([=](const Workspace& ws) {
      const auto* x = static_cast<const float*>(ws.buffer(src));
      auto* y = static_cast<float*>(ws.buffer(dst));
      int positions = s.h * s.w;
      for (int b = 0; b < n; ++b) {
        float* out = y + static_cast<std::size_t>(b) * s.c;
        std::fill(out, out + s.c, 0.0f);
        for (int p = 0; p < positions; ++p) {
          const float* row = x + (static_cast<std::size_t>(b) * positions + p) * s.c;
          for (int c = 0; c < s.c; ++c) out[c] += row[c];
        }
        for (int c = 0; c < s.c; ++c) out[c] /= float(positions);
      }
    });
  }

  void layer_norm(const LayerNorm& ln, int src, int dst, std::int64_t rows) {
    auto g = std::make_shared<std::vector<float>>(ln.gamma), bta = std::make_shared<std::vector<float>>(ln.beta);
    float eps = ln.eps;
    plan.weights_bytes_ += (g->size() + bta->size()) * 4;
    step([=](const Workspace& ws) {
      const auto* x = static_cast<const float*>(ws.buffer(src));
      auto* y = static_cast<float*>(ws.buffer(dst));
      std::size_t c = g->size();
      for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = x + static_cast<std::size_t>(r) * c;
        float* out = y + static_cast<std::size_t>(r) * c;
        float mean = 0, var = 0;
        for (std::size_t i = 0; i < c; ++i) mean += in[i];
        mean /= float(c);
        for (std::size_t i = 0; i < c; ++i) var += (in[i] - mean) * (in[i] - mean);
        float inv = 1.0f / std::sqrt(var / float(c) + eps);
        for (std::size_t i = 0; i < c; ++i) out[i] = (in[i] - mean) * inv * (*g)[i] + (*bta)[i];
      }
    });
  }

  // Emits block `b`; returns its output buffer.
  int block(const Block& blk, int x, const Shape& in) {
    Shape out = block_output(blk, in);
    std::int64_t in_rows = std::int64_t(batch) * in.h * in.w;
    const bool q = model.int8;
    using dnn::Act;
    using dnn::DType;
    return std::visit(
        Overload{
            [&](const StemBlock& s) {
              int y = alloc_f32(std::int64_t(batch) * out.elements());
              conv(s.conv, x, false, y, in, {false, Act::kRelu, DType::kF32, 1.0f});
              return y;
            },
            [&](const BottleneckBlock& s) {
              Shape mid1{in.h, in.w, s.a.oc};
              int y = alloc_f32(std::int64_t(batch) * out.elements());
              int ta, tb, qa = -1;
              if (q) {
                // a and b write int8 codes straight for their successor (requantizing epilogue).
                qa = quantize(x, std::int64_t(batch) * in.elements(), s.a.in_scale, s.a.in_unsigned);
                ta = alloc(static_cast<std::size_t>(std::int64_t(batch) * mid1.elements()));
                conv(s.a, qa, true, ta, in, {false, Act::kRelu, code_type(s.b.in_unsigned), s.b.in_scale});
                tb = alloc(static_cast<std::size_t>(std::int64_t(batch) * out.h * out.w * s.b.oc));
                conv(s.b, ta, true, tb, mid1, {false, Act::kRelu, code_type(s.c.in_unsigned), s.c.in_scale});
              } else {
                ta = alloc_f32(std::int64_t(batch) * mid1.elements());
                conv(s.a, x, false, ta, in, {false, Act::kRelu, DType::kF32, 1.0f});
                tb = alloc_f32(std::int64_t(batch) * out.h * out.w * s.b.oc);
                conv(s.b, ta, false, tb, mid1, {false, Act::kRelu, DType::kF32, 1.0f});
              }
              if (s.proj) {
                bool reuse = q && s.proj->in_scale == s.a.in_scale && s.proj->in_unsigned == s.a.in_unsigned;
                conv(*s.proj, reuse ? qa : x, reuse, y, in, {false, Act::kNone, DType::kF32, 1.0f});
              } else {
                copy(x, y, std::int64_t(batch) * in.elements());
              }
              conv(s.c, tb, q, y, Shape{out.h, out.w, s.b.oc}, {true, Act::kRelu, DType::kF32, 1.0f});
              return y;
            },
            [&](const PoolHeadBlock& s) {
              int pooled = alloc_f32(std::int64_t(batch) * in.c);
              mean_positions(x, pooled, in);
              int y = alloc_f32(std::int64_t(batch) * out.elements());
              linear(s.fc, pooled, y, batch, {});
              return y;
            },
            [&](const EmbedBlock& s) {
              int y = alloc_f32(std::int64_t(batch) * out.elements());
              linear(s.fc, x, y, in_rows, {});
              return y;
            },
            [&](const EncoderBlock& s) {
              int d = in.c;
              int l1 = alloc_f32(in_rows * d);
              layer_norm(s.ln1, x, l1, in_rows);
              int qkv = alloc_f32(in_rows * 3 * d);
              linear(s.qkv, l1, qkv, in_rows, {});
              auto att = std::make_shared<dnn::AttentionOp>(batch, in.h, d, s.heads);
              note(0, att->scratch_bytes());
              int scores = alloc(att->scores_bytes());
              int ao = alloc_f32(in_rows * d);
              step([=](const Workspace& ws) {
                att->run(static_cast<const float*>(ws.buffer(qkv)), static_cast<float*>(ws.buffer(scores)),
                         static_cast<float*>(ws.buffer(ao)), ws.scratch());
              });
              int y = alloc_f32(in_rows * d);
              copy(x, y, in_rows * d);
              linear(s.proj, ao, y, in_rows, {true, Act::kNone, DType::kF32, 1.0f});
              int l2 = alloc_f32(in_rows * d);
              layer_norm(s.ln2, y, l2, in_rows);
              int h = alloc_f32(in_rows * s.fc1.out);
              linear(s.fc1, l2, h, in_rows, {false, Act::kGelu, DType::kF32, 1.0f});
              linear(s.fc2, h, y, in_rows, {true, Act::kNone, DType::kF32, 1.0f});
              return y;
            },
            [&](const TokenHeadBlock& s) {
              int pooled = alloc_f32(std::int64_t(batch) * in.c);
              mean_positions(x, pooled, in);
              int normed = alloc_f32(std::int64_t(batch) * in.c);
              layer_norm(s.ln, pooled, normed, batch);
              int y = alloc_f32(std::int64_t(batch) * out.elements());
              linear(s.fc, normed, y, batch, {});
              return y;
            },
            [&](const MlpBlock& s) {
              int h = alloc_f32(in_rows * s.fc1.out);
              linear(s.fc1, x, h, in_rows, {false, Act::kRelu, DType::kF32, 1.0f});
              int y = alloc_f32(in_rows * s.fc2.out);
              linear(s.fc2, h, y, in_rows, {false, s.relu_out ? Act::kRelu : Act::kNone, DType::kF32, 1.0f});
              return y;
            }},
        blk);
  }
};

SubgraphPlan::SubgraphPlan(const Model& model, int subgraph, int batch) : batch_(batch) {
  if (subgraph < 0 || subgraph >= model.subgraph_count()) throw std::out_of_range("subgraph index out of range");
  input_ = model.subgraph_input(subgraph);
  output_ = model.subgraph_output(subgraph);
  PlanBuilder b{*this, model, batch};
  int x = b.alloc_f32(input_elements());
  Shape s = input_;
  for (int i = model.cuts[static_cast<std::size_t>(subgraph)]; i < model.cuts[static_cast<std::size_t>(subgraph) + 1]; ++i) {
    const Block& blk = model.blocks[static_cast<std::size_t>(i)];
    x = b.block(blk, x, s);
    s = block_output(blk, s);
  }
  output_buffer_ = x;
}

SubgraphPlan::~SubgraphPlan() = default;

std::unique_ptr<Workspace> SubgraphPlan::make_workspace() const {
  return std::make_unique<Workspace>(buffer_bytes_, scratch_bytes_);
}

std::size_t SubgraphPlan::workspace_bytes() const {
  std::size_t total = scratch_bytes_;
  for (auto b : buffer_bytes_) total += b;
  return total;
}

void SubgraphPlan::run(Workspace& ws, const float* in, float* out) const {
  std::memcpy(ws.buffer(0), in, static_cast<std::size_t>(input_elements()) * 4);
  for (const auto& s : steps_) s(ws);
  std::memcpy(out, ws.buffer(output_buffer_), static_cast<std::size_t>(output_elements()) * 4);
}

std::vector<float> run_chain(const std::vector<const SubgraphPlan*>& plans, const std::vector<Workspace*>& workspaces,
                             const std::vector<float>& in) {
  std::vector<float> x = in, y;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (static_cast<std::int64_t>(x.size()) != plans[i]->input_elements()) {
      throw std::invalid_argument("run_chain: boundary tensor size does not match the next subgraph's input");
    }
    y.assign(static_cast<std::size_t>(plans[i]->output_elements()), 0.0f);
    plans[i]->run(*workspaces[i], x.data(), y.data());
    std::swap(x, y);
  }
  return x;
}

}  // namespace live
