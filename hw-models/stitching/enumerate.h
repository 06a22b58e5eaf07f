// Exhaustive enumeration of a design space: every feasible (stitched variant, placement) pair
// with its accuracy, latency and memory.
//
// Contract: pairs are visited in lexicographic order of (x_0, p_0, x_1, p_1, ...) for x_0 in
// the requested range, so splitting the range over threads and concatenating the chunks in
// range order gives the same sequence as one thread. Costs are accumulated along the prefix
// (one step per subgraph), with the same expressions as the frontier search, so both report
// bit-identical values. Pairs over the memory budget, on a processor without a latency entry,
// or on a placement the rule forbids are skipped.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "hw-models/stitching/accuracy.h"
#include "hw-models/stitching/space.h"

namespace stitching {

struct Evaluated {
  const int* variants;    // [S]
  const int* processors;  // [S]
  double accuracy;
  bool measured;  // accuracy is a measured value, not the estimator's
  std::int64_t latency_ns;
  std::int64_t memory_bytes;
};

template <class Visit>
class Enumerator {
 public:
  Enumerator(const StitchSpace& space, const PlacementAutomaton& automaton, const AccuracyModel& accuracy,
             const MeasuredAccuracy& measured, Visit& visit)
      : sp_(space), au_(automaton), acc_(accuracy), meas_(measured), visit_(visit) {}

  // Visits every feasible pair whose first subgraph uses a variant in [first_begin, first_end).
  void run(int first_begin, int first_end) { go(0, PlacementAutomaton::kStart, 0, acc_.base, 0, 0, 0, first_begin, first_end); }

 private:
  void go(int s, int state, int trie, double acc, std::int64_t lat, std::int64_t w, std::int64_t act, int vb, int ve) {
    if (s == sp_.subgraphs) {
      bool measured = trie != MeasuredAccuracy::kOff;
      visit_(Evaluated{x_.data(), p_.data(), measured ? meas_.value(trie) : acc, measured, lat, w + act});
      return;
    }
    const int prev_v = s ? x_[static_cast<std::size_t>(s - 1)] : 0;
    const int prev_p = s ? p_[static_cast<std::size_t>(s - 1)] : 0;
    for (int v = vb; v < ve; ++v) {
      const std::int64_t w2 = w + sp_.weights(s, v);
      const std::int64_t act2 = std::max(act, sp_.activation(s, v));
      if (w2 + act2 > sp_.memory_budget_bytes) continue;
      const double acc2 = acc + acc_.step(s, prev_v, v);
      const int trie2 = meas_.child(trie, v);
      x_[static_cast<std::size_t>(s)] = v;
      for (int p = 0; p < sp_.processors; ++p) {
        const std::int64_t u = sp_.unit_latency(s, v, p);
        const int state2 = au_.step(state, p);
        if (u < 0 || state2 < 0) continue;
        p_[static_cast<std::size_t>(s)] = p;
        const std::int64_t lat2 = lat + u + (s ? sp_.boundary_ns(s, prev_v, prev_p, v, p) : 0);
        go(s + 1, state2, trie2, acc2, lat2, w2, act2, 0, sp_.variants);
      }
    }
  }

  const StitchSpace& sp_;
  const PlacementAutomaton& au_;
  const AccuracyModel& acc_;
  const MeasuredAccuracy& meas_;
  Visit& visit_;
  std::array<int, kMaxSubgraphs> x_{}, p_{};
};

template <class Visit>
void enumerate(const StitchSpace& space, const PlacementAutomaton& automaton, const AccuracyModel& accuracy,
               const MeasuredAccuracy& measured, Visit& visit, int first_begin, int first_end) {
  Enumerator<Visit>(space, automaton, accuracy, measured, visit).run(first_begin, first_end);
}

}  // namespace stitching
