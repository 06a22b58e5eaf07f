#include "hw-models/stitching/xgb_regressor.h"

#include <xgboost/c_api.h>

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace stitching {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(fmt::format("xgboost {}: {}", what, XGBGetLastError()));
}

DMatrixHandle matrix(const std::vector<float>& data, std::size_t rows, int columns) {
  DMatrixHandle d = nullptr;
  check(XGDMatrixCreateFromMat(data.data(), rows, static_cast<bst_ulong>(columns), std::numeric_limits<float>::quiet_NaN(), &d),
        "DMatrix");
  return d;
}

}  // namespace

XgbRegressor::XgbRegressor(const std::vector<float>& data, std::size_t rows, int columns, const std::vector<float>& label,
                           const std::vector<float>& margin, const XgbSettings& st)
    : columns_(columns) {
  DMatrixHandle d = matrix(data, rows, columns);
  BoosterHandle b = nullptr;
  auto set = [&](const char* key, const std::string& value) { check(XGBoosterSetParam(b, key, value.c_str()), key); };
  try {
    check(XGDMatrixSetFloatInfo(d, "label", label.data(), rows), "label");
    check(XGDMatrixSetFloatInfo(d, "base_margin", margin.data(), rows), "base_margin");
    check(XGBoosterCreate(&d, 1, &b), "create");
    set("nthread", "1");
    set("verbosity", "0");
    set("objective", "reg:squarederror");
    set("tree_method", "exact");
    set("base_score", "0");
    set("seed", "0");
    set("max_depth", std::to_string(st.max_depth));
    set("eta", fmt::format("{}", st.eta));
    set("lambda", fmt::format("{}", st.lambda));
    if (!st.interaction_constraints.empty()) set("interaction_constraints", st.interaction_constraints);
    for (int i = 0; i < st.rounds; ++i) check(XGBoosterUpdateOneIter(b, i, d), "update");
  } catch (...) {
    XGDMatrixFree(d);
    if (b) XGBoosterFree(b);
    throw;
  }
  XGDMatrixFree(d);
  booster_ = b;
}

XgbRegressor::~XgbRegressor() {
  if (booster_) XGBoosterFree(static_cast<BoosterHandle>(booster_));
}

std::vector<double> XgbRegressor::trees(const std::vector<float>& data, std::size_t rows) const {
  DMatrixHandle d = matrix(data, rows, columns_);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  int rc = XGBoosterPredictFromDMatrix(
      static_cast<BoosterHandle>(booster_), d,
      R"({"type": 1, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})", &shape, &dim, &out);
  std::vector<double> result;
  if (rc == 0) result.assign(out, out + rows);
  XGDMatrixFree(d);
  check(rc, "predict");
  return result;
}

}  // namespace stitching
