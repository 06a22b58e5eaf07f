#include "experiments/live/reference.h"

#include <cmath>
#include <cstdint>

#include "experiments/live/quant.h"

namespace live {
namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};

using Vec = std::vector<float>;

// Computes out[r][o] = sum_i x[r][i] * w[o][i] + b[o] for `rows` rows, or its int8 form.
// `lhs` returns input element (r, i) for layer inputs that are not plain rows (convolutions).
struct Ref {
  const Model& m;
  LayerObserver* obs;
  int batch;

  void observe(int id, const Vec& x) const {
    if (obs) obs->on_layer_input(id, x.data(), x.size());
  }

  // For int8: replaces x by its dequantized quantized value and returns the integer codes.
  Vec quantized_input(const Vec& x, float scale, bool is_unsigned) const {
    Vec q(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) q[i] = quantize(x[i], scale, is_unsigned);
    return q;
  }

  // Generic dot-product layer: `patch(r, buf)` fills the input patch of output row r (length
  // in_len, zero padded); weights [out][in_len].
  template <class Layer, class Patch>
  Vec dense(const Layer& L, int out, int in_len, std::int64_t rows, Patch patch) const {
    Vec y(static_cast<std::size_t>(rows * out));
    Vec p(static_cast<std::size_t>(in_len));
    if (!m.int8) {
      for (std::int64_t r = 0; r < rows; ++r) {
        patch(r, p);
        for (int o = 0; o < out; ++o) {
          double acc = 0;
          const float* w = L.w.data() + static_cast<std::size_t>(o) * in_len;
          for (int i = 0; i < in_len; ++i) acc += double(p[static_cast<std::size_t>(i)]) * w[i];
          y[static_cast<std::size_t>(r * out + o)] = static_cast<float>(acc) + L.b[static_cast<std::size_t>(o)];
        }
      }
      return y;
    }
    RowQuantized wq = quantize_rows(L.w, out, in_len);
    Int8Epilogue e = int8_epilogue(L.b, wq.scale, L.in_scale, 1.0f);
    for (std::int64_t r = 0; r < rows; ++r) {
      patch(r, p);  // already integer codes
      for (int o = 0; o < out; ++o) {
        std::int32_t acc = 0;
        const std::int8_t* w = wq.q.data() + static_cast<std::size_t>(o) * in_len;
        for (int i = 0; i < in_len; ++i) acc += static_cast<std::int32_t>(p[static_cast<std::size_t>(i)]) * w[i];
        y[static_cast<std::size_t>(r * out + o)] =
            (static_cast<float>(acc) + e.bias_acc[static_cast<std::size_t>(o)]) * e.out_scale[static_cast<std::size_t>(o)];
      }
    }
    return y;
  }

  Vec linear(const Linear& L, const Vec& x_in) const {
    observe(L.id, x_in);
    const Vec x = m.int8 ? quantized_input(x_in, L.in_scale, L.in_unsigned) : x_in;
    std::int64_t rows = static_cast<std::int64_t>(x.size()) / L.in;
    return dense(L, L.out, L.in, rows, [&](std::int64_t r, Vec& p) {
      std::copy(x.begin() + r * L.in, x.begin() + (r + 1) * L.in, p.begin());
    });
  }

  Vec conv(const Conv& C, const Vec& x_in, const Shape& in, Shape& out) const {
    observe(C.id, x_in);
    const Vec x = m.int8 ? quantized_input(x_in, C.in_scale, C.in_unsigned) : x_in;
    out = {(in.h + 2 * C.pad - C.k) / C.stride + 1, (in.w + 2 * C.pad - C.k) / C.stride + 1, C.oc};
    std::int64_t rows = std::int64_t(batch) * out.h * out.w;
    return dense(C, C.oc, C.k * C.k * C.ic, rows, [&](std::int64_t r, Vec& p) {
      std::int64_t n = r / (out.h * out.w), oy = (r / out.w) % out.h, ox = r % out.w;
      std::size_t k = 0;
      for (int ky = 0; ky < C.k; ++ky)
        for (int kx = 0; kx < C.k; ++kx) {
          std::int64_t iy = oy * C.stride - C.pad + ky, ix = ox * C.stride - C.pad + kx;
          bool inside = iy >= 0 && iy < in.h && ix >= 0 && ix < in.w;
          for (int c = 0; c < C.ic; ++c, ++k)
            p[k] = inside ? x[static_cast<std::size_t>(((n * in.h + iy) * in.w + ix) * in.c + c)] : 0.0f;
        }
    });
  }

  static void relu(Vec& x) {
    for (auto& v : x) v = std::max(v, 0.0f);
  }
  static void gelu(Vec& x) {
    for (auto& v : x) v = 0.5f * v * (1.0f + std::erf(v * 0.70710678f));
  }
  static void add(Vec& x, const Vec& y) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  }
  static Vec layer_norm(const LayerNorm& n, const Vec& x) {
    std::size_t c = n.gamma.size();
    Vec y(x.size());
    for (std::size_t r = 0; r < x.size() / c; ++r) {
      double mean = 0, var = 0;
      for (std::size_t i = 0; i < c; ++i) mean += x[r * c + i];
      mean /= double(c);
      for (std::size_t i = 0; i < c; ++i) var += (x[r * c + i] - mean) * (x[r * c + i] - mean);
      var /= double(c);
      double inv = 1.0 / std::sqrt(var + n.eps);
      for (std::size_t i = 0; i < c; ++i) y[r * c + i] = static_cast<float>((x[r * c + i] - mean) * inv) * n.gamma[i] + n.beta[i];
    }
    return y;
  }
  // Mean over the h*w (or tokens) positions of each sample.
  Vec mean_positions(const Vec& x, const Shape& s) const {
    Vec y(static_cast<std::size_t>(batch * s.c), 0.0f);
    for (int n = 0; n < batch; ++n)
      for (int p = 0; p < s.h * s.w; ++p)
        for (int c = 0; c < s.c; ++c) y[static_cast<std::size_t>(n * s.c + c)] += x[static_cast<std::size_t>((n * s.h * s.w + p) * s.c + c)];
    for (auto& v : y) v /= float(s.h * s.w);
    return y;
  }
  Vec attention(const Vec& qkv, int tokens, int dim, int heads) const {
    int dh = dim / heads;
    Vec out(static_cast<std::size_t>(batch) * tokens * dim);
    Vec p(static_cast<std::size_t>(tokens));
    float scale = 1.0f / std::sqrt(float(dh));
    auto at = [&](int n, int t, int part, int h, int d) {
      return qkv[static_cast<std::size_t>((n * tokens + t) * 3 * dim + part * dim + h * dh + d)];
    };
    for (int n = 0; n < batch; ++n)
      for (int h = 0; h < heads; ++h)
        for (int t = 0; t < tokens; ++t) {
          float mx = -1e30f;
          for (int u = 0; u < tokens; ++u) {
            double s = 0;
            for (int d = 0; d < dh; ++d) s += double(at(n, t, 0, h, d)) * at(n, u, 1, h, d);
            p[static_cast<std::size_t>(u)] = static_cast<float>(s) * scale;
            mx = std::max(mx, p[static_cast<std::size_t>(u)]);
          }
          double sum = 0;
          for (auto& v : p) sum += (v = std::exp(v - mx));
          for (int d = 0; d < dh; ++d) {
            double acc = 0;
            for (int u = 0; u < tokens; ++u) acc += double(p[static_cast<std::size_t>(u)]) * at(n, u, 2, h, d);
            out[static_cast<std::size_t>((n * tokens + t) * dim + h * dh + d)] = static_cast<float>(acc / sum);
          }
        }
    return out;
  }

  Vec block(const Block& b, const Vec& x, const Shape& in) const {
    return std::visit(
        Overload{[&](const StemBlock& s) {
                   Shape o;
                   Vec y = conv(s.conv, x, in, o);
                   relu(y);
                   return y;
                 },
                 [&](const BottleneckBlock& s) {
                   Shape o1, o2, o3, op;
                   Vec a = conv(s.a, x, in, o1);
                   relu(a);
                   Vec bb = conv(s.b, a, o1, o2);
                   relu(bb);
                   Vec c = conv(s.c, bb, o2, o3);
                   add(c, s.proj ? conv(*s.proj, x, in, op) : x);
                   relu(c);
                   return c;
                 },
                 [&](const PoolHeadBlock& s) { return linear(s.fc, mean_positions(x, in)); },
                 [&](const EmbedBlock& s) { return linear(s.fc, x); },
                 [&](const EncoderBlock& s) {
                   Vec att = attention(linear(s.qkv, layer_norm(s.ln1, x)), in.h, in.c, s.heads);
                   Vec y = linear(s.proj, att);
                   add(y, x);
                   Vec h = linear(s.fc1, layer_norm(s.ln2, y));
                   gelu(h);
                   Vec z = linear(s.fc2, h);
                   add(z, y);
                   return z;
                 },
                 [&](const TokenHeadBlock& s) { return linear(s.fc, layer_norm(s.ln, mean_positions(x, in))); },
                 [&](const MlpBlock& s) {
                   Vec h = linear(s.fc1, x);
                   relu(h);
                   Vec y = linear(s.fc2, h);
                   if (s.relu_out) relu(y);
                   return y;
                 }},
        b);
  }
};

}  // namespace

std::vector<float> reference_forward(const Model& model, int first_block, int end_block, const std::vector<float>& in,
                                     int batch, LayerObserver* observer) {
  Ref ref{model, observer, batch};
  Vec x = in;
  Shape s = model.shape_after(first_block - 1);
  for (int b = first_block; b < end_block; ++b) {
    x = ref.block(model.blocks[static_cast<std::size_t>(b)], x, s);
    s = block_output(model.blocks[static_cast<std::size_t>(b)], s);
  }
  return x;
}

}  // namespace live
