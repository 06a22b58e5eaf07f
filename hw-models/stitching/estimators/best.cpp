// The best-validated accuracy estimator: cross-validates each candidate estimator on the
// model's measured stitched samples and uses the one with the lowest CV mean absolute error
// (ties: the earlier candidate). Its margin (with "cv_p95") is the chosen candidate's CV p95
// absolute error from that same selection run. Without enough measured stitched samples to
// cross-validate, it uses the first candidate (margin 0 unless fixed).
//
// This is what a planner should name when it does not know which estimator suits a model: the
// choice follows the measurements, per model.
#include <fmt/format.h>

#include "hw-models/stitching/accuracy.h"
#include "sim/registry.h"

namespace stitching {
namespace {

class BestEstimator final : public AccuracyEstimator {
 public:
  BestEstimator(std::vector<std::unique_ptr<AccuracyEstimator>> candidates, std::vector<std::string> names, int folds,
                std::uint64_t seed)
      : candidates_(std::move(candidates)), names_(std::move(names)), folds_(folds), seed_(seed) {}

  AccuracyModel fit_function(const hw::ModelProfile& m, const std::vector<AccuracySample>& samples) const override {
    std::size_t best = 0;
    CvError best_cv;
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      CvError cv = cross_validate(*candidates_[i], m, samples, folds_, seed_);
      if (cv.samples == 0) break;  // too few samples: the first candidate, uncalibrated
      if (i == 0 || cv.mae < best_cv.mae) {
        best = i;
        best_cv = cv;
      }
    }
    AccuracyModel model = candidates_[best]->fit_function(m, samples);
    model.cv = {best_cv.samples, best_cv.mae, best_cv.rmse, best_cv.p95_abs, best_cv.max_abs};
    model.chosen = names_[best];
    return model;
  }

 private:
  std::vector<std::unique_ptr<AccuracyEstimator>> candidates_;
  std::vector<std::string> names_;
  int folds_;
  std::uint64_t seed_;
};

const sim::Registration<AccuracyEstimator> kRegistration{
    "best",
    "the candidate estimator with the lowest k-fold CV error on the model's measured stitched accuracies",
    with_margin_params({sim::param_json("candidates", sim::Json::array({"analytic", "xgboost"}),
                                        "accuracy estimators to choose from (names or {\"name\": ...} objects)"),
                        sim::param_int("folds", 5, "", "cross-validation folds of the selection", 2, 1000),
                        sim::param_int("seed", 1, "", "seed of the selection's folds", 0, 1e15)}),
    [](const sim::Params& p) {
      std::vector<std::unique_ptr<AccuracyEstimator>> candidates;
      std::vector<std::string> names;
      sim::ConfigNode list = p.node("candidates");
      if (!list.is_array() || list.size() == 0) list.fail("needs a non-empty list of accuracy estimators");
      for (const auto& c : list.elements()) {
        if ((c.is_string() && c.as_string() == "best") || (c.is_object() && c.has("name") && c.at("name").is_string() &&
                                                          c.at("name").as_string() == "best")) {
          c.fail("'best' cannot choose among itself");
        }
        sim::Json resolved;
        candidates.push_back(make_accuracy_estimator(c, &resolved));
        names.push_back(resolved.value("name", ""));
      }
      auto e = std::make_unique<BestEstimator>(std::move(candidates), std::move(names), static_cast<int>(p.get_int("folds")),
                                               static_cast<std::uint64_t>(p.get_int("seed")));
      e->set_margin(read_margin(p));
      return e;
    }};

}  // namespace
}  // namespace stitching
