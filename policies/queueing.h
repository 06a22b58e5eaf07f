// Waiting-time model the planners use to predict a request's latency under load.
//
// Every subgraph of a planned request is one non-preemptive job queued on the processor its plan
// pins; the queue of a processor is served first come, first served (the simulator's queues are
// FIFO, and every scheduler that does not order pinned jobs itself - all but the request-ordering
// ones - queues them at once). A processor p with c_p slots is modelled as an M/G/c queue whose
// job classes are the subgraph jobs of all tasks on p: class j arrives at rate lambda_j (the
// task's request rate) and needs s_j seconds (deterministic per class). Assumptions, stated:
//  - Poisson arrivals at each processor. Periodic tasks arrive more regularly than that, so the
//    predicted waits are on the safe (high) side for them.
//  - Stations are independent (the waits of one request at two processors are not correlated).
//
// Mean wait (Allen-Cunneen / Lee-Longton M/G/c approximation, exact for c = 1, where it is
// Pollaczek-Khinchine):
//     a = sum_j lambda_j s_j (offered load, in busy slots), rho = a / c,
//     E[S] = a / Lambda, E[S^2] = sum_j lambda_j s_j^2 / Lambda, Lambda = sum_j lambda_j,
//     W = ErlangC(c, a) * E[S] / (c (1 - rho)) * E[S^2] / (2 E[S]^2).
// For c = 1: ErlangC = rho and W = Lambda E[S^2] / (2 (1 - rho)) = R / (1 - rho), where
// R = sum_j lambda_j s_j^2 / 2 is the mean residual work found by an arrival: one long job in
// the mix (speech on the CPU) blocks every short one behind it, which the old M/M/1 inflation
// of each job's own time, exec / (1 - rho), did not see.
//
// Tail (the SLO-relevant quantity): a job waits at all with probability pi = ErlangC(c, a)
// (= rho for one slot), and given that it waits, the wait is taken as exponential with mean
// W / pi. This is exact for M/M/1 and the standard exponential approximation of the M/G/1
// wait otherwise (its tail is asymptotically exponential). A request that visits several
// stations adds their waits; their sum is approximated the same way with
//     pi_total = 1 - prod_i (1 - pi_i),  mean_total = sum_i W_i,
// so P(latency > L) = pi_total * exp(-(L - D) / (mean_total / pi_total)) for L >= D, 1 below,
// where D is the request's latency without waiting (execution and boundary costs). The q-th
// percentile is D + (mean_total / pi_total) * ln(pi_total / (1 - q)) when pi_total > 1 - q,
// else D. A station at or above saturation (rho >= kSaturation) waits forever: every request
// through it violates.
#pragma once

#include <cstddef>
#include <vector>

namespace policies::queueing {

// Above this utilisation per slot a station is treated as saturated.
inline constexpr double kSaturation = 0.999;

// Accumulated job classes at one station. add() with a negative rate removes a class.
struct Station {
  int slots = 1;
  double rate = 0;    // Lambda, jobs/s
  double load = 0;    // a = sum lambda s, busy slots (seconds of work per second)
  double second = 0;  // sum lambda s^2, s
  void add(double rate_per_s, double service_s) {
    rate += rate_per_s;
    load += rate_per_s * service_s;
    second += rate_per_s * service_s * service_s;
  }
  double utilisation() const { return load / slots; }
};

struct Wait {
  double mean_s = 0;  // W
  double p_wait = 0;  // pi: probability that a job waits at all
  bool saturated = false;
};

// Erlang C: probability that an arrival waits in M/M/c with offered load a (a < c).
double erlang_c(int c, double a);

// The wait of a job joining `station` (see the header comment).
Wait wait(const Station& station);

// Sum of the waits of one request at its stations.
struct PathWait {
  double mean_s = 0;
  double p_wait = 0;
  bool saturated = false;
  void add(const Wait& w);
  // P(wait > x_s) under the exponential tail approximation.
  double tail(double x_s) const;
  // Smallest x with P(wait > x) <= 1 - q (q in (0,1)); infinity when saturated.
  double quantile(double q) const;
};

}  // namespace policies::queueing
