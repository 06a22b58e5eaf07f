// A gradient-boosted regression ensemble through the XGBoost C API (Debian libxgboost), trained
// on a dense float matrix with a per-row base margin. Shared by the xgboost estimators.
// Deterministic: one thread, exact tree method, seed 0, so the same data gives the same trees on
// any machine thread count.
#pragma once

#include <string>
#include <vector>

namespace stitching {

struct XgbSettings {
  int rounds = 300;
  int max_depth = 3;
  double eta = 0.1;
  double lambda = 1.0;
  std::string interaction_constraints;  // XGBoost's JSON form; empty: none
};

class XgbRegressor {
 public:
  // data: rows x columns, row-major. Fits sum(trees) to label - margin.
  XgbRegressor(const std::vector<float>& data, std::size_t rows, int columns, const std::vector<float>& label,
               const std::vector<float>& margin, const XgbSettings& settings);
  ~XgbRegressor();
  XgbRegressor(const XgbRegressor&) = delete;
  XgbRegressor& operator=(const XgbRegressor&) = delete;
  // Sum of the trees (no margin) per row.
  std::vector<double> trees(const std::vector<float>& data, std::size_t rows) const;

 private:
  int columns_;
  void* booster_ = nullptr;
};

}  // namespace stitching
