// Checks of a profile beyond what the reader validates per entry, and summaries for
// `stitchsim profile show` / `check`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hw-models/platform.h"
#include "hw-models/profile.h"

namespace hw {

// One problem, phrased like a ConfigError: "FILE: $.json.path: message".
struct ProfileProblem {
  std::string path;
  std::string message;
};

// What an experiment needs from a profile: per task the model and the configured variant.
struct ProfileNeed {
  std::string where;  // JSON path in the config, e.g. $.tasks[0]
  std::string model, variant;
};

// Cross-entry checks: variant subgraph cuts that differ from the model's, whole-model runs that
// the subgraph latencies do not sum to (relative tolerance 1e-6), zoo variants with a subgraph
// no processor can run, processors without a kind.
std::vector<ProfileProblem> check_profile(const Profile& profile);
// What a config needs: every platform processor known to the profile (with the same kind),
// every task's model and variant present, every subgraph of the variant runnable on some platform
// processor and fitting in the platform's memory.
std::vector<ProfileProblem> check_profile_needs(const Profile& profile, const Platform& platform,
                                                const std::vector<ProfileNeed>& needs);

// How many values carry each provenance kind ("measured", "derived", "estimated"). Every
// latency, memory, layer, run, per-layer time, accuracy and boundary entry counts once.
std::map<std::string, std::int64_t> count_provenance(const Profile& profile);

}  // namespace hw
