// How much stitching improves on the zoo: the zoo-only frontier (every zoo variant on every
// allowed placement) against the stitched frontier.
#pragma once

#include <vector>

#include "hw-models/stitching/frontier.h"

namespace stitching {

// Frontier over the zoo variants only (the diagonal tuples), with their measured accuracies.
std::vector<FrontierPoint> zoo_frontier(const StitchSpace& space, const std::vector<double>& zoo_accuracy);

// Gains in the accuracy-latency plane (memory within the budget, otherwise ignored):
//  - new_points: stitched-frontier points whose tuple is not a zoo variant;
//  - accuracy gain: max over zoo-frontier points z of (best stitched accuracy at latency <=
//    latency(z)) - (best zoo accuracy at latency <= latency(z));
//  - latency cut: max over z of (least zoo latency at accuracy >= accuracy(z)) - (least stitched
//    latency at accuracy >= accuracy(z)); the share is of that least zoo latency.
// The zoo side is the best any zoo point does there, not z itself: the zoo frontier also keeps
// slow points that win on memory, and measuring against them alone credited stitching with
// other zoo variants' speed (up to -47 % on the default config before this was fixed).
// Both are 0 when stitching finds nothing better; `*_zoo` / `*_stitched` index the points that
// realise them (-1 when none).
struct StitchingGain {
  int new_points = 0;
  double accuracy_gain = 0;
  int accuracy_gain_zoo = -1, accuracy_gain_stitched = -1;
  double latency_cut_ms = 0;
  double latency_cut_share = 0;  // of the zoo point's latency
  int latency_cut_zoo = -1, latency_cut_stitched = -1;
};
StitchingGain stitching_gain(const std::vector<FrontierPoint>& stitched, const std::vector<FrontierPoint>& zoo);

}  // namespace stitching
