#include "experiments/live/model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "experiments/live/quant.h"
#include "experiments/live/reference.h"
#include "sim/rng.h"

namespace live {
namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};

// Weights ~ normal(0, gain / sqrt(fan_in)); biases ~ normal(0, 0.05). Normal-range floats only.
struct Init {
  std::uint64_t seed;
  std::string model;
  int next_id = 0;

  std::vector<float> normal(std::size_t n, double stddev, int id, const char* what) {
    sim::Rng rng = sim::Rng::stream(seed, fmt::format("live/{}/{}/{}", model, id, what));
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.normal(0.0, stddev));
    return v;
  }
  Conv conv(int ic, int oc, int k, int stride, double gain) {
    Conv c;
    c.id = next_id++;
    c.ic = ic, c.oc = oc, c.k = k, c.stride = stride, c.pad = k / 2;
    c.w = normal(static_cast<std::size_t>(oc) * k * k * ic, gain / std::sqrt(double(k * k * ic)), c.id, "w");
    c.b = normal(static_cast<std::size_t>(oc), 0.05, c.id, "b");
    return c;
  }
  Linear linear(int in, int out, double gain) {
    Linear l;
    l.id = next_id++;
    l.in = in, l.out = out;
    l.w = normal(static_cast<std::size_t>(out) * in, gain / std::sqrt(double(in)), l.id, "w");
    l.b = normal(static_cast<std::size_t>(out), 0.05, l.id, "b");
    return l;
  }
  LayerNorm layer_norm(int c) {
    int id = next_id++;
    LayerNorm n;
    n.gamma = normal(static_cast<std::size_t>(c), 0.1, id, "gamma");
    for (auto& g : n.gamma) g += 1.0f;
    n.beta = normal(static_cast<std::size_t>(c), 0.1, id, "beta");
    return n;
  }
};

int conv_out(int in, const Conv& c) { return (in + 2 * c.pad - c.k) / c.stride + 1; }

std::vector<int> top_rows_by_l1(const std::vector<float>& w, int rows, int cols, int keep) {
  std::vector<double> norm(static_cast<std::size_t>(rows), 0.0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) norm[static_cast<std::size_t>(r)] += std::abs(w[static_cast<std::size_t>(r) * cols + c]);
  std::vector<int> idx(static_cast<std::size_t>(rows));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return norm[a] > norm[b]; });
  idx.resize(static_cast<std::size_t>(keep));
  std::sort(idx.begin(), idx.end());
  return idx;
}

// Keeps output rows `rows` of a weight laid out [out][inner].
std::vector<float> take_rows(const std::vector<float>& w, std::size_t inner, const std::vector<int>& rows) {
  std::vector<float> r;
  for (int i : rows) r.insert(r.end(), w.begin() + static_cast<long>(i * inner), w.begin() + static_cast<long>((i + 1) * inner));
  return r;
}
// Keeps input channels `keep` of a weight laid out [out][spatial][in].
std::vector<float> take_inputs(const std::vector<float>& w, int in, const std::vector<int>& keep) {
  std::vector<float> r;
  for (std::size_t base = 0; base < w.size(); base += static_cast<std::size_t>(in))
    for (int i : keep) r.push_back(w[base + static_cast<std::size_t>(i)]);
  return r;
}

int kept(int n, double sparsity) { return std::max(1, static_cast<int>(std::lround((1.0 - sparsity) * n))); }

void prune_pair_conv(Conv& first, Conv& second, double sparsity) {
  auto keep = top_rows_by_l1(first.w, first.oc, first.k * first.k * first.ic, kept(first.oc, sparsity));
  first.w = take_rows(first.w, static_cast<std::size_t>(first.k * first.k * first.ic), keep);
  first.b = take_rows(first.b, 1, keep);
  first.oc = static_cast<int>(keep.size());
  second.w = take_inputs(second.w, second.ic, keep);
  second.ic = first.oc;
}
void prune_pair_linear(Linear& first, Linear& second, double sparsity) {
  auto keep = top_rows_by_l1(first.w, first.out, first.in, kept(first.out, sparsity));
  first.w = take_rows(first.w, static_cast<std::size_t>(first.in), keep);
  first.b = take_rows(first.b, 1, keep);
  first.out = static_cast<int>(keep.size());
  second.w = take_inputs(second.w, second.in, keep);
  second.in = first.out;
}

void zero_smallest(std::vector<float>& w, double sparsity) {
  auto n = static_cast<std::size_t>(std::floor(sparsity * static_cast<double>(w.size())));
  if (n == 0) return;
  std::vector<float> mag(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) mag[i] = std::abs(w[i]);
  std::nth_element(mag.begin(), mag.begin() + static_cast<long>(n - 1), mag.end());
  float threshold = mag[n - 1];
  std::size_t zeroed = 0;  // ties at the threshold: zero only as many as needed
  for (auto& x : w) {
    if (zeroed < n && std::abs(x) <= threshold) {
      x = 0;
      ++zeroed;
    }
  }
}

// Calls f(Conv&) / f(Linear&) for every layer of a block.
template <class F>
void for_each_layer(Block& b, F&& f) {
  std::visit(Overload{[&](StemBlock& x) { f(x.conv); },
                      [&](BottleneckBlock& x) {
                        f(x.a), f(x.b), f(x.c);
                        if (x.proj) f(*x.proj);
                      },
                      [&](PoolHeadBlock& x) { f(x.fc); }, [&](EmbedBlock& x) { f(x.fc); },
                      [&](EncoderBlock& x) { f(x.qkv), f(x.proj), f(x.fc1), f(x.fc2); },
                      [&](TokenHeadBlock& x) { f(x.fc); }, [&](MlpBlock& x) { f(x.fc1), f(x.fc2); }},
             b);
}

}  // namespace

Shape block_output(const Block& block, const Shape& in) {
  return std::visit(Overload{[&](const StemBlock& x) { return Shape{conv_out(in.h, x.conv), conv_out(in.w, x.conv), x.conv.oc}; },
                             [&](const BottleneckBlock& x) { return Shape{conv_out(in.h, x.b), conv_out(in.w, x.b), x.c.oc}; },
                             [&](const PoolHeadBlock& x) { return Shape{1, 1, x.fc.out}; },
                             [&](const EmbedBlock& x) { return Shape{in.h, in.w, x.fc.out}; },
                             [&](const EncoderBlock&) { return in; },
                             [&](const TokenHeadBlock& x) { return Shape{1, 1, x.fc.out}; },
                             [&](const MlpBlock& x) { return Shape{in.h, in.w, x.fc2.out}; }},
                    block);
}

Shape Model::shape_after(int b) const {
  Shape s = input;
  for (int i = 0; i <= b; ++i) s = block_output(blocks[static_cast<std::size_t>(i)], s);
  return s;
}

double Model::block_macs(int b) const {
  Shape in = shape_after(b - 1);
  Shape out = block_output(blocks[static_cast<std::size_t>(b)], in);
  auto conv = [](const Conv& c, const Shape& o) { return double(o.h) * o.w * c.oc * c.k * c.k * c.ic; };
  auto lin = [](const Linear& l, double rows) { return rows * l.in * l.out; };
  double rows = double(in.h) * in.w;
  return std::visit(
      Overload{[&](const StemBlock& x) { return conv(x.conv, out); },
               [&](const BottleneckBlock& x) {
                 Shape mid{in.h, in.w, x.a.oc};
                 return conv(x.a, mid) + conv(x.b, out) + conv(x.c, out) + (x.proj ? conv(*x.proj, out) : 0.0);
               },
               [&](const PoolHeadBlock& x) { return lin(x.fc, 1); }, [&](const EmbedBlock& x) { return lin(x.fc, rows); },
               [&](const EncoderBlock& x) {
                 return lin(x.qkv, rows) + lin(x.proj, rows) + lin(x.fc1, rows) + lin(x.fc2, rows) +
                        2.0 * rows * rows * x.proj.in;
               },
               [&](const TokenHeadBlock& x) { return lin(x.fc, 1); },
               [&](const MlpBlock& x) { return lin(x.fc1, rows) + lin(x.fc2, rows); }},
      blocks[static_cast<std::size_t>(b)]);
}

Model make_resnet(const std::string& name, const ResnetSize& size, std::uint64_t seed) {
  if (size.stage_blocks.size() != size.stage_channels.size() || size.stage_blocks.empty()) {
    throw std::invalid_argument("resnet: stage_blocks and stage_channels need the same, non-zero length");
  }
  Init init{seed, name};
  Model m;
  m.name = name;
  m.kind = "resnet";
  m.input = {size.input_hw, size.input_hw, size.in_channels};
  m.blocks.push_back(StemBlock{init.conv(size.in_channels, size.stem_channels, 3, 2, std::sqrt(2.0))});
  int cin = size.stem_channels;
  for (std::size_t st = 0; st < size.stage_blocks.size(); ++st) {
    int cout = size.stage_channels[st];
    for (int i = 0; i < size.stage_blocks[st]; ++i) {
      int stride = (i == 0 && st > 0) ? 2 : 1;
      BottleneckBlock b;
      int mid = cout / 2;
      b.a = init.conv(cin, mid, 1, 1, std::sqrt(2.0));
      b.b = init.conv(mid, mid, 3, stride, std::sqrt(2.0));
      b.c = init.conv(mid, cout, 1, 1, 0.5);  // small residual branch keeps activations in range
      if (stride != 1 || cin != cout) b.proj = init.conv(cin, cout, 1, stride, 1.0);
      m.blocks.push_back(std::move(b));
      cin = cout;
    }
  }
  m.blocks.push_back(PoolHeadBlock{init.linear(cin, size.classes, 1.0)});
  cut_evenly(m, 1);
  return m;
}

Model make_transformer(const std::string& name, const TransformerSize& size, std::uint64_t seed) {
  if (size.dim % size.heads != 0) throw std::invalid_argument("transformer: dim must be a multiple of heads");
  Init init{seed, name};
  Model m;
  m.name = name;
  m.kind = "transformer";
  m.input = {size.tokens, 1, size.input_dim};
  m.blocks.push_back(EmbedBlock{init.linear(size.input_dim, size.dim, 1.0)});
  for (int l = 0; l < size.layers; ++l) {
    EncoderBlock e;
    e.heads = size.heads;
    e.ln1 = init.layer_norm(size.dim);
    e.qkv = init.linear(size.dim, 3 * size.dim, 1.0);
    e.proj = init.linear(size.dim, size.dim, 0.5);
    e.ln2 = init.layer_norm(size.dim);
    e.fc1 = init.linear(size.dim, size.ffn_dim, std::sqrt(2.0));
    e.fc2 = init.linear(size.ffn_dim, size.dim, 0.5);
    m.blocks.push_back(std::move(e));
  }
  TokenHeadBlock h;
  h.ln = init.layer_norm(size.dim);
  h.fc = init.linear(size.dim, size.classes, 1.0);
  m.blocks.push_back(std::move(h));
  cut_evenly(m, 1);
  return m;
}

std::vector<float> random_input(const Model& m, int batch, std::uint64_t seed, std::uint64_t stream) {
  sim::Rng rng = sim::Rng::stream(seed, "live/" + m.name + "/input", stream);
  std::vector<float> x(static_cast<std::size_t>(m.input.elements() * batch));
  for (auto& v : x) v = static_cast<float>(m.input_unsigned ? rng.uniform() : rng.normal());
  return x;
}

void cut_evenly(Model& m, int subgraphs) {
  int n = static_cast<int>(m.blocks.size());
  if (subgraphs < 1 || subgraphs > n) {
    throw std::invalid_argument(fmt::format("model '{}' has {} blocks, cannot cut it into {} subgraphs", m.name, n, subgraphs));
  }
  std::vector<double> prefix(static_cast<std::size_t>(n) + 1, 0.0);
  for (int b = 0; b < n; ++b) prefix[static_cast<std::size_t>(b) + 1] = prefix[static_cast<std::size_t>(b)] + m.block_macs(b);
  m.cuts = {0};
  for (int s = 1; s < subgraphs; ++s) {
    double target = prefix.back() * s / subgraphs;
    int b = m.cuts.back() + 1;
    // Leave at least one block for each remaining subgraph.
    while (b < n - (subgraphs - s) && prefix[static_cast<std::size_t>(b)] < target) ++b;
    if (b > m.cuts.back() + 1 && target - prefix[static_cast<std::size_t>(b) - 1] < prefix[static_cast<std::size_t>(b)] - target) --b;
    m.cuts.push_back(b);
  }
  m.cuts.push_back(n);
}

Model apply_variant(const Model& base, const VariantSpec& spec) {
  if (spec.precision != "fp32" && spec.precision != "int8") {
    throw std::invalid_argument(fmt::format("precision '{}' is not supported by the live backend (fp32, int8)", spec.precision));
  }
  if (spec.pruning == "unstructured" && spec.precision == "int8") {
    throw std::invalid_argument("unstructured sparsity runs in fp32 only (the sparse kernels are fp32)");
  }
  if (spec.pruning != "none" && (spec.sparsity <= 0 || spec.sparsity >= 1)) {
    throw std::invalid_argument("a pruned variant needs 0 < sparsity < 1");
  }
  Model m = base;
  m.int8 = spec.precision == "int8";
  for (auto& block : m.blocks) {
    if (spec.pruning == "structured") {
      std::visit(Overload{[&](BottleneckBlock& x) {
                            prune_pair_conv(x.a, x.b, spec.sparsity);
                            prune_pair_conv(x.b, x.c, spec.sparsity);
                          },
                          [&](EncoderBlock& x) { prune_pair_linear(x.fc1, x.fc2, spec.sparsity); },
                          [&](MlpBlock& x) { prune_pair_linear(x.fc1, x.fc2, spec.sparsity); }, [](auto&) {}},
                 block);
    } else if (spec.pruning == "unstructured") {
      for_each_layer(block, [&](auto& layer) {
        zero_smallest(layer.w, spec.sparsity);
        if constexpr (std::is_same_v<std::decay_t<decltype(layer)>, Conv>) {
          layer.sparse = layer.k == 1 && layer.stride == 1;
        } else {
          layer.sparse = true;
        }
      });
    } else if (spec.pruning != "none") {
      throw std::invalid_argument(fmt::format("pruning '{}' is not one of none, structured, unstructured", spec.pruning));
    }
  }
  return m;
}

namespace {
struct AbsMax final : LayerObserver {
  std::vector<float> absmax;
  void on_layer_input(int id, const float* x, std::size_t n) override {
    if (static_cast<std::size_t>(id) >= absmax.size()) absmax.resize(static_cast<std::size_t>(id) + 1, 0.0f);
    for (std::size_t i = 0; i < n; ++i) absmax[static_cast<std::size_t>(id)] = std::max(absmax[static_cast<std::size_t>(id)], std::abs(x[i]));
  }
};
}  // namespace

void calibrate(Model& m, const std::vector<float>& inputs, int batch) {
  Model fp32 = m;
  fp32.int8 = false;
  AbsMax obs;
  reference_forward(fp32, 0, static_cast<int>(fp32.blocks.size()), inputs, batch, &obs);
  // Which layer inputs are non-negative follows from the structure (ReLU outputs).
  bool nonneg = m.input_unsigned;
  auto set = [&](auto& layer, bool is_unsigned) {
    float mx = static_cast<std::size_t>(layer.id) < obs.absmax.size() ? obs.absmax[static_cast<std::size_t>(layer.id)] : 0.0f;
    layer.in_unsigned = is_unsigned;
    layer.in_scale = mx > 0 ? mx / quant_max(is_unsigned) : 1.0f;
  };
  for (auto& block : m.blocks) {
    std::visit(Overload{[&](StemBlock& x) { set(x.conv, nonneg), nonneg = true; },
                        [&](BottleneckBlock& x) {
                          set(x.a, nonneg), set(x.b, true), set(x.c, true);
                          if (x.proj) set(*x.proj, nonneg);
                          nonneg = true;
                        },
                        [&](PoolHeadBlock& x) { set(x.fc, nonneg), nonneg = false; },
                        [&](EmbedBlock& x) { set(x.fc, nonneg), nonneg = false; },
                        [&](EncoderBlock& x) {
                          set(x.qkv, false), set(x.proj, false), set(x.fc1, false), set(x.fc2, false);
                          nonneg = false;
                        },
                        [&](TokenHeadBlock& x) { set(x.fc, false), nonneg = false; },
                        [&](MlpBlock& x) {
                          set(x.fc1, nonneg), set(x.fc2, true);
                          nonneg = x.relu_out;
                        }},
               block);
  }
}

}  // namespace live
