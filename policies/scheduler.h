// Scheduling policies: which ready job runs on which processor, and which requests to drop.
//
// The public schedule() is non-virtual: it does the bookkeeping every policy shares (optional
// early drop of requests that can no longer meet their deadline, and sending jobs whose plan pins
// a processor there) and then calls the one hook a policy implements, assign(). A new policy
// therefore cannot forget either.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "policies/view.h"
#include "sim/params.h"
#include "sim/registry.h"

namespace policies {

struct Assignment {
  std::size_t ready_index = 0;  // index into view.ready_jobs()
  int processor = 0;
  // Why: the policy's ordering key for this job (lower went first; NaN when the policy has
  // none) and a static label naming it ("arrival_ms", "deadline_ms", "slack_ms", ...). Recorded in
  // the decisions table when the run asks for it.
  double key = std::numeric_limits<double>::quiet_NaN();
  const char* key_name = "";
};

struct Drop {
  std::size_t ready_index = 0;
  const char* reason = "";  // static string, e.g. "deadline_unreachable"
};

// One finished job as a policy may observe it (run-time feedback): what was expected and what
// was measured, on the execution model's clock.
struct JobObservation {
  std::uint64_t request = 0;
  int task = 0, model = 0, variant = 0, subgraph = 0, processor = 0;
  bool last = false;           // the request's last job
  sim::Time expected;          // the latency model's expected execution time
  sim::Time measured;          // execution start to end as it happened
  sim::Time waited;            // enqueue to execution start (slot, load, hand-off)
};

struct Decisions {
  std::vector<Assignment> assignments;
  std::vector<Drop> drops;
  void clear() {
    assignments.clear();
    drops.clear();
  }
};

class Scheduler {
 public:
  static constexpr const char* kRegistryKind = "scheduler";
  virtual ~Scheduler() = default;

  // Fills `out` (cleared first). Each ready job appears at most once, in assignments or drops;
  // jobs in neither stay ready and are offered again at the next decision point.
  void schedule(const SystemView& view, Decisions& out);

  // Called once before the run: checks parameters against the platform and tasks (a
  // processor name that does not exist, ...) and resolves names to indices. Throws ConfigError.
  virtual void bind(const SystemView& view) { (void)view; }

  // Called by the request flow after every finished job, before the next decision. A policy
  // that refines predictions at run time (Dysta) keeps what it learns here; it must not keep
  // references into the view.
  virtual void observe(const SystemView& view, const JobObservation& job) {
    (void)view;
    (void)job;
  }
  // True when observe() does something: the request flow builds an observation (a latency
  // lookup per job) only for such policies, so the others keep it off the per-job path.
  virtual bool wants_observations() const { return false; }

  void set_early_drop(bool on) { early_drop_ = on; }

 protected:
  // Policies that order work themselves (request-level ordering) return true: jobs whose plan
  // pins a processor are then left to assign() (still checked for feasibility) instead of being
  // queued on their processor at once.
  virtual bool orders_pinned_jobs() const { return false; }

  // The policy's decision over ready jobs that survived early drop. `skip[i]` marks jobs
  // already dropped, which must not be assigned.
  virtual void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) = 0;

 private:
  bool early_drop_ = false;
  std::vector<bool> skip_;
};

// Parameters shared by every scheduler, appended to each one's own declaration.
std::vector<sim::ParamSpec> with_common_params(std::vector<sim::ParamSpec> own);
std::unique_ptr<Scheduler> make_scheduler(const sim::ConfigNode& node, sim::Json* resolved = nullptr);
// Builds a validated scheduler configuration (applies the common parameters).
std::unique_ptr<Scheduler> make_scheduler(const sim::Component<Scheduler>& component);

// Helpers for policies.
// Processor with the lowest expected backlog + load + hand-off + execution for `job`, or -1.
int fastest_finish_processor(const SystemView& view, const ReadyJob& job);

}  // namespace policies
