// Cache model "reuse_curve": a measured forgetting curve. After an idle time g, with a share u of
// the other processors' slots executing, a unit runs at
//   warm + F * (cold - warm),   F = cold_fraction(g) * (1 + corun_penalty * u),
// i.e. its sampled (warm) time times 1 + F * (cold_mean_ms / mean_ms - 1). cold_fraction is
// interpolated linearly in g between the measured points, is 0 at g = 0 and stays at its last
// value beyond the last point (a unit that never ran is at that value). The co-run term scales
// only the cold part: a warm unit is compute-bound and barely notices its neighbours, a cold one
// waits on memory that the neighbours share.
// Units without a cold latency in the profile are not slowed down. `stitchsim profile run
// --backend onednn` measures the curve for this machine and writes it into the platform file.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hw-models/cache_model.h"
#include "sim/registry.h"

namespace hw {
namespace {

class ReuseCurveCacheModel final : public CacheModel {
 public:
  ReuseCurveCacheModel(std::vector<double> gap_ms, std::vector<double> fraction, double corun_penalty)
      : gap_ms_(std::move(gap_ms)), fraction_(std::move(fraction)), corun_penalty_(corun_penalty) {}

  double slowdown(const LatencyDist& d, sim::Time idle, double corun) const override {
    if (d.cold_mean_ms <= 0 || d.mean_ms <= 0 || d.cold_mean_ms <= d.mean_ms) return 1.0;
    double f = cold_fraction(idle) * (1.0 + corun_penalty_ * std::clamp(corun, 0.0, 1.0));
    return 1.0 + f * (d.cold_mean_ms / d.mean_ms - 1.0);
  }

  double cold_fraction(sim::Time idle) const {
    if (idle == sim::Time::max()) return fraction_.back();
    double g = std::max(0.0, idle.to_ms());
    if (g >= gap_ms_.back()) return fraction_.back();
    double prev_g = 0, prev_f = 0;
    for (std::size_t i = 0; i < gap_ms_.size(); ++i) {
      if (g <= gap_ms_[i]) return prev_f + (fraction_[i] - prev_f) * (g - prev_g) / (gap_ms_[i] - prev_g);
      prev_g = gap_ms_[i], prev_f = fraction_[i];
    }
    return fraction_.back();
  }

 private:
  std::vector<double> gap_ms_, fraction_;
  double corun_penalty_;
};

std::vector<double> read_numbers(const sim::ConfigNode& node, double min, double max) {
  if (node.size() == 0) node.fail("needs at least one number");
  std::vector<double> out;
  for (const auto& e : node.elements()) out.push_back(e.as_double(min, max));
  return out;
}

const sim::Registration<CacheModel> kRegistration{
    "reuse_curve",
    "an idle unit runs between its warm and cold latency, by a measured curve over idle time",
    {sim::param_json("gap_ms", sim::Json::array({1.0}), "idle times of the curve's points, increasing, > 0 (ms)"),
     sim::param_json("cold_fraction", sim::Json::array({1.0}),
                     "share of the warm-to-cold slowdown at each idle time (0 = warm, 1 = cold; may exceed 1)"),
     sim::param_double("corun_penalty", 0.0, "",
                       "relative growth of the cold share when every other processor is executing", 0.0, 10.0)},
    [](const sim::Params& p) {
      auto g_node = p.node("gap_ms");
      auto f_node = p.node("cold_fraction");
      std::vector<double> g = read_numbers(g_node, 1e-6, 1e9);
      std::vector<double> f = read_numbers(f_node, 0.0, 10.0);
      if (f.size() != g.size()) {
        f_node.fail(fmt::format("has {} entries but gap_ms has {}", f.size(), g.size()));
      }
      for (std::size_t i = 1; i < g.size(); ++i)
        if (g[i] <= g[i - 1]) g_node.at(i).fail("gap_ms must be strictly increasing");
      return std::make_unique<ReuseCurveCacheModel>(std::move(g), std::move(f), p.get_double("corun_penalty"));
    }};

}  // namespace
}  // namespace hw
