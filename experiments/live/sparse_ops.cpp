#include "experiments/live/sparse_ops.h"

#include <cmath>

#include <Eigen/Dense>
#include <Eigen/Sparse>

namespace live {

struct SparseLinearOp::Impl {
  std::int64_t rows;
  int in, out;
  Eigen::SparseMatrix<float, Eigen::ColMajor> w;  // [out][in]: each input column scatters into an output row
  std::vector<float> b;
  bool sum;
  Act act;
};

SparseLinearOp::SparseLinearOp(std::int64_t rows, int in, int out, const std::vector<float>& w,
                               const std::vector<float>& b, bool sum, Act act)
    : impl_(std::make_unique<Impl>(Impl{rows, in, out, {}, b, sum, act})) {
  std::vector<Eigen::Triplet<float>> nz;
  for (int o = 0; o < out; ++o)
    for (int i = 0; i < in; ++i) {
      float v = w[static_cast<std::size_t>(o) * in + i];
      if (v != 0.0f) nz.emplace_back(o, i, v);
    }
  impl_->w.resize(out, in);
  impl_->w.setFromTriplets(nz.begin(), nz.end());
  impl_->w.makeCompressed();
}
SparseLinearOp::~SparseLinearOp() = default;

void SparseLinearOp::run(const float* x, float* y) const {
  const Impl& p = *impl_;
  // Row-major [rows][in] is column-major [in][rows]: one column per row of activations.
  Eigen::Map<const Eigen::MatrixXf> X(x, p.in, p.rows);
  Eigen::Map<Eigen::MatrixXf> Y(y, p.out, p.rows);
  if (p.sum) {
    Y.noalias() += p.w * X;
  } else {
    Y.noalias() = p.w * X;
  }
  for (std::int64_t r = 0; r < p.rows; ++r) {
    float* row = y + r * p.out;
    for (int o = 0; o < p.out; ++o) {
      float v = row[o] + p.b[static_cast<std::size_t>(o)];
      if (p.act == Act::kRelu) v = std::max(v, 0.0f);
      if (p.act == Act::kGelu) v = 0.5f * v * (1.0f + std::erf(v * 0.70710678f));
      row[o] = v;
    }
  }
}

std::size_t SparseLinearOp::weights_bytes() const {
  const auto& w = impl_->w;
  return static_cast<std::size_t>(w.nonZeros()) * (sizeof(float) + sizeof(int)) +
         static_cast<std::size_t>(w.outerSize() + 1) * sizeof(int) + impl_->b.size() * sizeof(float);
}
std::int64_t SparseLinearOp::nonzeros() const { return impl_->w.nonZeros(); }

}  // namespace live
