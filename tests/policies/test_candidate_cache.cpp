// Candidate sets are cached per profile instance, never by address: a profile freed and another
// built in the same storage must get its own candidates.
#include <gtest/gtest.h>

#include <optional>

#include "bench/synthetic_planner.h"
#include "policies/planning.h"

namespace {

std::vector<std::int64_t> latencies(const std::vector<policies::Candidate>& cs) {
  std::vector<std::int64_t> out;
  for (const auto& c : cs) out.push_back(c.latency_ns);
  return out;
}

TEST(CandidateCache, ANewProfileAtAFreedProfilesAddressGetsItsOwnCandidates) {
  policies::CandidateOptions options;
  options.stitched = true;
  std::optional<synthetic_planner::PlannerView> view;
  view.emplace(3, 2, 11);
  const auto first = latencies(policies::task_candidates(*view, 0, options));
  const hw::Profile* address = &view->profile();
  view.reset();
  view.emplace(3, 2, 12);  // other latencies, same storage
  ASSERT_EQ(&view->profile(), address);
  const auto second = latencies(policies::task_candidates(*view, 0, options));
  EXPECT_NE(second, first);
  // What a profile with that content gets when nothing was cached for it.
  synthetic_planner::PlannerView fresh(3, 2, 12);
  EXPECT_EQ(second, latencies(policies::task_candidates(fresh, 0, options)));
  // A copy of a profile is another instance.
  hw::Profile copy = fresh.profile();
  EXPECT_NE(copy.instance.value(), fresh.profile().instance.value());
  EXPECT_TRUE(copy == fresh.profile());
}

}  // namespace
