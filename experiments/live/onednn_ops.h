// The only door to oneDNN: every oneDNN call of the project is behind these classes (nothing else
// includes dnnl.hpp), so a change of library version or backend touches one file.
//
// Each op owns its weights (reordered once, at construction, into the layout the primitive
// prefers) and its primitive. run() is const and may run concurrently on several threads as long
// as each call has its own buffers and scratch. Activations are plain row-major (NHWC for convs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "experiments/live/model.h"

namespace live::dnn {

enum class DType { kF32, kU8, kS8 };
enum class Act { kNone, kRelu, kGelu };  // GELU is the erf form

std::size_t size_of(DType t);

// What follows the multiply: optionally add the existing dst (residual), then an activation,
// then conversion to dst (for u8 / s8: divided by dst_scale, rounded, saturated).
struct Epilogue {
  bool sum = false;
  Act act = Act::kNone;
  DType dst = DType::kF32;
  float dst_scale = 1.0f;
};

// Convolution over `batch` NHWC images of shape `in`. int8: the input is u8 or s8 codes of
// conv.in_scale (conv.in_unsigned), weights are quantized per output channel (quant.h).
class ConvOp {
 public:
  ConvOp(int batch, const Shape& in, const Conv& conv, bool int8, const Epilogue& epilogue);
  ~ConvOp();
  void run(const void* src, void* dst, void* scratch) const;
  std::size_t weights_bytes() const;
  std::size_t scratch_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// y[rows][out] = x[rows][in] * w^T + b, through a oneDNN matmul.
class LinearOp {
 public:
  LinearOp(std::int64_t rows, const Linear& linear, bool int8, const Epilogue& epilogue);
  ~LinearOp();
  void run(const void* src, void* dst, void* scratch) const;
  std::size_t weights_bytes() const;
  std::size_t scratch_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Multi-head self-attention core over a fused qkv tensor [batch][tokens][3 * dim] (q, k, v
// blocks of `dim`, heads contiguous inside each): out[batch][tokens][dim] =
// softmax(q k^T / sqrt(dim / heads)) v per head, in fp32.
class AttentionOp {
 public:
  AttentionOp(int batch, int tokens, int dim, int heads);
  ~AttentionOp();
  // `scores` holds batch * heads * tokens * tokens floats.
  void run(const float* qkv, float* scores, float* out, void* scratch) const;
  std::size_t scores_bytes() const;
  std::size_t scratch_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// fp32 -> u8 / s8 codes of `scale` (a oneDNN reorder with an output scale).
class QuantizeOp {
 public:
  QuantizeOp(std::int64_t count, float scale, bool is_unsigned);
  ~QuantizeOp();
  void run(const float* src, void* dst) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "oneDNN 2.6.3 (CPU runtime OMP, max ISA avx512_core_amx)" style, for profile descriptions.
std::string library_description();

}  // namespace live::dnn
