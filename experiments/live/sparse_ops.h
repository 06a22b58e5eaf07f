// Unstructured-sparse fully connected layers and 1x1 convolutions: Eigen compressed sparse
// weights times dense activations. Only the non-zero weights are stored and multiplied, so the
// work falls with sparsity; the kernel is scalar, so it beats the dense oneDNN kernel only at
// very high sparsity (the profile measures where).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace live {

class SparseLinearOp {
 public:
  enum class Act { kNone, kRelu, kGelu };
  // y[rows][out] (+)= x[rows][in] * w^T + b, then `act`. w is [out][in] with zeros; `sum` adds to
  // the existing y (residual).
  SparseLinearOp(std::int64_t rows, int in, int out, const std::vector<float>& w, const std::vector<float>& b, bool sum,
                 Act act);
  ~SparseLinearOp();
  void run(const float* x, float* y) const;
  std::size_t weights_bytes() const;
  std::int64_t nonzeros() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace live
