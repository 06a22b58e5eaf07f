#include "experiments/live/onednn_ops.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include <dnnl.hpp>
#include <fmt/format.h>

#include "experiments/live/quant.h"

namespace live::dnn {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
// Streams are not thread-safe; one per thread.
dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

dt to_dt(DType t) {
  switch (t) {
    case DType::kU8: return dt::u8;
    case DType::kS8: return dt::s8;
    case DType::kF32: break;
  }
  return dt::f32;
}

// Post-ops and output scales shared by conv and matmul. Output scales: per output channel
// (mask bit `channel_dim`) when given, else none.
dnnl::primitive_attr make_attr(const Epilogue& e, const std::vector<float>& out_scales, int channel_dim) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (!out_scales.empty()) attr.set_output_scales(1 << channel_dim, out_scales);
  dnnl::post_ops ops;
  if (e.sum) ops.append_sum(1.0f);
  if (e.act == Act::kRelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  if (e.act == Act::kGelu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
  attr.set_post_ops(ops);
  return attr;
}

// Copies user data of `user_md` into a new memory of `target_md` (a oneDNN reorder).
memory reordered(const memory::desc& user_md, const void* data, const memory::desc& target_md) {
  memory user(user_md, engine(), const_cast<void*>(data));
  memory out(target_md, engine());
  dnnl::reorder(user, out).execute(stream(), user, out);
  stream().wait();
  return out;
}

memory scratch_mem(const memory::desc& md, void* p) { return memory(md, engine(), p); }

// Runs a primitive with weights and bias (convolution, matmul) on caller-owned buffers and waits.
template <class Pd, class Prim>
void execute_weighted(const Pd& pd, const Prim& prim, const memory& weights, const memory& bias, const void* src,
                      void* dst, void* scratch) {
  memory s(pd.src_desc(), engine(), const_cast<void*>(src));
  memory d(pd.dst_desc(), engine(), dst);
  prim.execute(stream(), {{DNNL_ARG_SRC, s},
                          {DNNL_ARG_WEIGHTS, weights},
                          {DNNL_ARG_BIAS, bias},
                          {DNNL_ARG_DST, d},
                          {DNNL_ARG_SCRATCHPAD, scratch_mem(pd.scratchpad_desc(), scratch)}});
  stream().wait();
}

// The weight codes and epilogue of one layer: fp32 passes through; int8 quantizes per row.
struct LayerWeights {
  std::vector<float> w_f32, bias;
  std::vector<std::int8_t> w_s8;
  std::vector<float> out_scales;  // empty for fp32
};
LayerWeights prepare(const std::vector<float>& w, const std::vector<float>& b, int rows, int cols, bool int8,
                     float in_scale, const Epilogue& e) {
  LayerWeights lw;
  if (!int8) {
    lw.w_f32 = w;
    lw.bias = b;
    return lw;
  }
  if (in_scale <= 0) throw std::logic_error("int8 layer without calibration (in_scale 0)");
  RowQuantized q = quantize_rows(w, rows, cols);
  float dst_scale = e.dst == DType::kF32 ? 1.0f : e.dst_scale;
  Int8Epilogue ep = int8_epilogue(b, q.scale, in_scale, dst_scale);
  lw.w_s8 = std::move(q.q);
  lw.bias = std::move(ep.bias_acc);
  lw.out_scales = std::move(ep.out_scale);
  return lw;
}

}  // namespace

std::size_t size_of(DType t) { return t == DType::kF32 ? 4 : 1; }

// ---- convolution ----
struct ConvOp::Impl {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
  memory weights, bias;
};

ConvOp::ConvOp(int batch, const Shape& in, const Conv& c, bool int8, const Epilogue& e) {
  int oh = (in.h + 2 * c.pad - c.k) / c.stride + 1, ow = (in.w + 2 * c.pad - c.k) / c.stride + 1;
  dt src_t = int8 ? (c.in_unsigned ? dt::u8 : dt::s8) : dt::f32;
  dt wei_t = int8 ? dt::s8 : dt::f32;
  memory::desc src_md({batch, c.ic, in.h, in.w}, src_t, tag::nhwc);
  memory::desc wei_any({c.oc, c.ic, c.k, c.k}, wei_t, tag::any);
  memory::desc bias_md({c.oc}, dt::f32, tag::a);
  memory::desc dst_md({batch, c.oc, oh, ow}, to_dt(int8 ? e.dst : DType::kF32), tag::nhwc);
  LayerWeights lw = prepare(c.w, c.b, c.oc, c.k * c.k * c.ic, int8, c.in_scale, e);
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
                                    wei_any, bias_md, dst_md, {c.stride, c.stride}, {c.pad, c.pad}, {c.pad, c.pad});
  auto attr = make_attr(e, lw.out_scales, 1);
  impl_ = std::make_unique<Impl>(Impl{dnnl::convolution_forward::primitive_desc(d, attr, engine()), {}, {}, {}});
  impl_->prim = dnnl::convolution_forward(impl_->pd);
  memory::desc user_w({c.oc, c.ic, c.k, c.k}, wei_t, tag::ohwi);
  impl_->weights = reordered(user_w, int8 ? static_cast<const void*>(lw.w_s8.data()) : lw.w_f32.data(), impl_->pd.weights_desc());
  impl_->bias = reordered(bias_md, lw.bias.data(), bias_md);
}
ConvOp::~ConvOp() = default;

void ConvOp::run(const void* src, void* dst, void* scratch) const {
  execute_weighted(impl_->pd, impl_->prim, impl_->weights, impl_->bias, src, dst, scratch);
}
std::size_t ConvOp::weights_bytes() const {
  return impl_->pd.weights_desc().get_size() + impl_->bias.get_desc().get_size();
}
std::size_t ConvOp::scratch_bytes() const { return impl_->pd.scratchpad_desc().get_size(); }

// ---- linear (matmul) ----
struct LinearOp::Impl {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;
  memory weights, bias;
};

LinearOp::LinearOp(std::int64_t rows, const Linear& l, bool int8, const Epilogue& e) {
  dt src_t = int8 ? (l.in_unsigned ? dt::u8 : dt::s8) : dt::f32;
  dt wei_t = int8 ? dt::s8 : dt::f32;
  memory::desc src_md({rows, l.in}, src_t, tag::ab);
  memory::desc wei_any({l.in, l.out}, wei_t, tag::any);
  memory::desc bias_md({1, l.out}, dt::f32, tag::ab);
  memory::desc dst_md({rows, l.out}, to_dt(int8 ? e.dst : DType::kF32), tag::ab);
  LayerWeights lw = prepare(l.w, l.b, l.out, l.in, int8, l.in_scale, e);
  dnnl::matmul::desc d(src_md, wei_any, bias_md, dst_md);
  auto attr = make_attr(e, lw.out_scales, 1);
  impl_ = std::make_unique<Impl>(Impl{dnnl::matmul::primitive_desc(d, attr, engine()), {}, {}, {}});
  impl_->prim = dnnl::matmul(impl_->pd);
  memory::desc user_w({l.in, l.out}, wei_t, tag::ba);  // stored [out][in]
  impl_->weights = reordered(user_w, int8 ? static_cast<const void*>(lw.w_s8.data()) : lw.w_f32.data(), impl_->pd.weights_desc());
  impl_->bias = reordered(bias_md, lw.bias.data(), bias_md);
}
LinearOp::~LinearOp() = default;

void LinearOp::run(const void* src, void* dst, void* scratch) const {
  execute_weighted(impl_->pd, impl_->prim, impl_->weights, impl_->bias, src, dst, scratch);
}
std::size_t LinearOp::weights_bytes() const {
  return impl_->pd.weights_desc().get_size() + impl_->bias.get_desc().get_size();
}
std::size_t LinearOp::scratch_bytes() const { return impl_->pd.scratchpad_desc().get_size(); }

// ---- attention ----
struct AttentionOp::Impl {
  int dim = 0;
  memory::desc q_md, k_md, v_md, s_md, o_md;
  dnnl::matmul::primitive_desc qk_pd, sv_pd;
  dnnl::matmul qk, sv;
  dnnl::softmax_forward::primitive_desc sm_pd;
  dnnl::softmax_forward sm;
};

AttentionOp::AttentionOp(int batch, int tokens, int dim, int heads) {
  const memory::dim n = batch, h = heads, t = tokens, dh = dim / heads, row = 3 * dim;
  auto impl = std::make_unique<Impl>();
  impl->dim = dim;
  // Views into the fused qkv rows: no copies, strides pick each head's columns.
  impl->q_md = memory::desc({n, h, t, dh}, dt::f32, memory::dims{t * row, dh, row, 1});
  impl->k_md = memory::desc({n, h, dh, t}, dt::f32, memory::dims{t * row, dh, 1, row});
  impl->v_md = memory::desc({n, h, t, dh}, dt::f32, memory::dims{t * row, dh, row, 1});
  impl->s_md = memory::desc({n, h, t, t}, dt::f32, tag::abcd);
  impl->o_md = memory::desc({n, h, t, dh}, dt::f32, memory::dims{t * dim, dh, dim, 1});
  dnnl::primitive_attr qk_attr;
  qk_attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  qk_attr.set_output_scales(0, {1.0f / std::sqrt(static_cast<float>(dh))});
  impl->qk_pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(impl->q_md, impl->k_md, impl->s_md), qk_attr, engine());
  dnnl::primitive_attr plain;
  plain.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  impl->sv_pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(impl->s_md, impl->v_md, impl->o_md), plain, engine());
  impl->sm_pd = dnnl::softmax_forward::primitive_desc(
      dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, impl->s_md, 3), plain, engine());
  impl->qk = dnnl::matmul(impl->qk_pd);
  impl->sv = dnnl::matmul(impl->sv_pd);
  impl->sm = dnnl::softmax_forward(impl->sm_pd);
  impl_ = std::move(impl);
}
AttentionOp::~AttentionOp() = default;

void AttentionOp::run(const float* qkv, float* scores, float* out, void* scratch) const {
  auto* base = const_cast<float*>(qkv);
  memory q(impl_->q_md, engine(), base), k(impl_->k_md, engine(), base + impl_->dim),
      v(impl_->v_md, engine(), base + 2 * impl_->dim), s(impl_->s_md, engine(), scores), o(impl_->o_md, engine(), out);
  auto& st = stream();
  impl_->qk.execute(st, {{DNNL_ARG_SRC, q}, {DNNL_ARG_WEIGHTS, k}, {DNNL_ARG_DST, s},
                         {DNNL_ARG_SCRATCHPAD, scratch_mem(impl_->qk_pd.scratchpad_desc(), scratch)}});
  impl_->sm.execute(st, {{DNNL_ARG_SRC, s}, {DNNL_ARG_DST, s},
                         {DNNL_ARG_SCRATCHPAD, scratch_mem(impl_->sm_pd.scratchpad_desc(), scratch)}});
  impl_->sv.execute(st, {{DNNL_ARG_SRC, s}, {DNNL_ARG_WEIGHTS, v}, {DNNL_ARG_DST, o},
                         {DNNL_ARG_SCRATCHPAD, scratch_mem(impl_->sv_pd.scratchpad_desc(), scratch)}});
  st.wait();
}
std::size_t AttentionOp::scores_bytes() const { return impl_->s_md.get_size(); }
std::size_t AttentionOp::scratch_bytes() const {
  return std::max({impl_->qk_pd.scratchpad_desc().get_size(), impl_->sv_pd.scratchpad_desc().get_size(),
                   impl_->sm_pd.scratchpad_desc().get_size()});
}

// ---- quantize ----
struct QuantizeOp::Impl {
  memory::desc src_md, dst_md;
  dnnl::reorder prim;
};

QuantizeOp::QuantizeOp(std::int64_t count, float scale, bool is_unsigned) {
  auto impl = std::make_unique<Impl>();
  impl->src_md = memory::desc({count}, dt::f32, tag::a);
  impl->dst_md = memory::desc({count}, is_unsigned ? dt::u8 : dt::s8, tag::a);
  dnnl::primitive_attr attr;
  attr.set_output_scales(0, {1.0f / scale});
  impl->prim = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), impl->src_md, engine(), impl->dst_md, attr));
  impl_ = std::move(impl);
}
QuantizeOp::~QuantizeOp() = default;

void QuantizeOp::run(const float* src, void* dst) const {
  memory s(impl_->src_md, engine(), const_cast<float*>(src)), d(impl_->dst_md, engine(), dst);
  impl_->prim.execute(stream(), s, d);
  stream().wait();
}

std::string library_description() {
  const dnnl_version_t* v = dnnl_version();
  const char* isa = "unknown";
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: isa = "sse41"; break;
    case dnnl::cpu_isa::avx: isa = "avx"; break;
    case dnnl::cpu_isa::avx2: isa = "avx2"; break;
    case dnnl::cpu_isa::avx2_vnni: isa = "avx2_vnni"; break;
    case dnnl::cpu_isa::avx512_core: isa = "avx512_core"; break;
    case dnnl::cpu_isa::avx512_core_vnni: isa = "avx512_core_vnni"; break;
    case dnnl::cpu_isa::avx512_core_bf16: isa = "avx512_core_bf16"; break;
    case dnnl::cpu_isa::avx512_core_amx: isa = "avx512_core_amx"; break;
    default: break;
  }
  return fmt::format("oneDNN {}.{}.{} (CPU runtime {}, ISA {})", v->major, v->minor, v->patch,
                     v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other", isa);
}

}  // namespace live::dnn
