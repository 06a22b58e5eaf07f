#include "policies/queueing.h"

#include <cmath>
#include <limits>

namespace policies::queueing {

double erlang_c(int c, double a) {
  if (a <= 0) return 0.0;
  if (a >= c) return 1.0;
  // Erlang B by its stable recursion, then C = B / (1 - rho (1 - B)).
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  double rho = a / c;
  return b / (1.0 - rho * (1.0 - b));
}

Wait wait(const Station& s) {
  Wait w;
  // Below one job in 10^9 s the station is empty (what is left after adding and removing the
  // same class in floating point).
  if (s.rate <= 1e-9 || s.load <= 1e-12) return w;
  double rho = s.utilisation();
  if (rho >= kSaturation) {
    w.saturated = true;
    w.p_wait = 1.0;
    w.mean_s = std::numeric_limits<double>::infinity();
    return w;
  }
  double es = s.load / s.rate, es2 = s.second / s.rate;
  w.p_wait = erlang_c(s.slots, s.load);
  w.mean_s = w.p_wait * es / (s.slots * (1.0 - rho)) * es2 / (2.0 * es * es);
  return w;
}

void PathWait::add(const Wait& w) {
  saturated = saturated || w.saturated;
  mean_s += w.mean_s;
  p_wait = 1.0 - (1.0 - p_wait) * (1.0 - w.p_wait);
}

double PathWait::tail(double x_s) const {
  if (saturated) return 1.0;
  if (x_s < 0) return 1.0;
  if (p_wait <= 0 || mean_s <= 0) return 0.0;
  const double e = x_s * p_wait / mean_s;
  // exp(-40) < 5e-18: nothing a violation rate could show, and exp is the planner's largest cost.
  return e > 40.0 ? 0.0 : p_wait * std::exp(-e);
}

double PathWait::quantile(double q) const {
  if (saturated) return std::numeric_limits<double>::infinity();
  if (p_wait <= 1.0 - q || mean_s <= 0) return 0.0;
  return mean_s / p_wait * std::log(p_wait / (1.0 - q));
}

}  // namespace policies::queueing
