// Request-level ordering: the base of schedulers that decide by a key of the *request* (its
// arrival, deadline, predicted work, ...) rather than by when its next job became ready.
//
// Why: a request is a chain of jobs, and its next job is ready only when the previous one ends,
// so a scheduler that serves ready jobs in readiness order interleaves all requests in flight
// layer by layer (round robin between requests). Here, whenever a processor has a free slot and
// nothing queued, it takes the ready job whose request has the lowest key; jobs are never queued
// ahead, so a decision is made at every job boundary.
//
// Preemption at job boundaries: with `preemptive` (the default), a request with a lower key that
// becomes ready overtakes a request already under way at its next job boundary. Without it, a
// request that has started keeps going first (requests under way before any not yet started,
// each group in key order), so requests finish in the order they start.
//
// Processor: the job's pinned processor if its plan pins one, else, among processors with a free
// slot, the one where it is expected to finish first (max(load, hand-off) + execution); a job no
// free processor can run waits. Ties in key go to the earlier arrival, then the lower request id,
// so decisions are deterministic.
#pragma once

#include <vector>

#include "policies/scheduler.h"

namespace policies {

class RequestOrderScheduler : public Scheduler {
 public:
  explicit RequestOrderScheduler(bool preemptive) : preemptive_(preemptive) {}

 protected:
  bool orders_pinned_jobs() const override { return true; }
  void assign(const SystemView& view, const std::vector<bool>& skip, Decisions& out) final;

  // Fills key[k] for each ready job index candidates[k] (lower goes first). Called only when
  // some processor has a free slot.
  virtual void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) = 0;
  // Names the key in decision records ("arrival_ms", ...).
  virtual const char* key_name() const = 0;

 private:
  bool preemptive_;
  std::vector<int> free_;
  std::vector<std::size_t> candidates_, order_;
  std::vector<double> key_;
};

// Orders requests by predicted work on the fastest processors (the run's latency model, queues
// ignored): from the request's first job (`from_start`, sjf: the key is fixed at arrival) or
// from its ready job to the end (srpt: what remains).
class PredictedWorkOrder final : public RequestOrderScheduler {
 public:
  PredictedWorkOrder(bool preemptive, bool from_start) : RequestOrderScheduler(preemptive), from_start_(from_start) {}

 protected:
  void rank(const SystemView& view, const std::vector<std::size_t>& candidates, std::vector<double>& key) override;
  const char* key_name() const override { return from_start_ ? "predicted_total_ms" : "predicted_remaining_ms"; }

 private:
  bool from_start_;
};

// Parameters of every request-ordered scheduler (with the common ones).
std::vector<sim::ParamSpec> request_order_params(std::vector<sim::ParamSpec> own = {});

}  // namespace policies
