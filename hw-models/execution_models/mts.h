// The `mts` execution model: requests of a weight-shared family served as merged-graph jobs
// (MTS), on top of the `soc` model.
//
// A job whose model belongs to a family waits up to `window` for jobs of the same family, variant,
// subgraph and processor; the group (at most `max_batch` jobs, flushed early when full) runs as
// one `soc` job with JobSpec::batch = k, timed as the first member's drawn execution time x
// (1 + (k - 1) x marginal_share): `marginal_share` is what one more task adds to a stitched
// graph's time, taken from the cost model (`stitchsim mts`, speedup.csv: (mts_ms(N) / mts_ms(1)
// - 1) / (N - 1)). Every member is reported finished with the merged job's timing. The merged
// job pins the first member's weight block: the family's weights are taken as stored once in it
// (exact when the members are requests of one model, the default family; for a family of several
// models the task-specific banks are not counted). Jobs of models outside any family pass through
// to `soc` unchanged.
//
// Parameters: window, max_batch, marginal_share, family (model names forming one family; empty:
// every model is its own family, so requests of one model merge).
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "hw-models/execution_models/soc.h"

namespace hw {

class Mts final : public ExecutionModel, public ExecutionListener, public sim::EventHandler {
 public:
  Mts(sim::Time window, int max_batch, double marginal_share, std::vector<std::string> family);

  void bind(const ExecutionContext& context) override;
  void submit(const JobSpec& spec) override;

  int busy_slots(int p) const override { return inner_.busy_slots(p); }
  std::size_t queue_length(int p) const override;
  sim::Time backlog(int p) const override { return inner_.backlog(p); }
  sim::Time expected_load(int model, int variant, int subgraph) const override {
    return inner_.expected_load(model, variant, subgraph);
  }
  std::int64_t memory_used_bytes() const override { return inner_.memory_used_bytes(); }
  bool preload(WeightBlockId block, std::int64_t weights_bytes) override { return inner_.preload(block, weights_bytes); }
  bool resident(WeightBlockId block) const override { return inner_.resident(block); }
  ExecutionStats stats(sim::Time end) const override { return inner_.stats(end); }

  void on_job_finished(const JobSpec& spec, const JobTiming& timing) override;
  void on_event(std::uint64_t tag) override;

  // Merged jobs started so far and the requests they served.
  std::uint64_t merged_jobs() const { return merged_jobs_; }
  std::uint64_t merged_requests() const { return merged_requests_; }

 private:
  using Key = std::tuple<int, int, int, int>;  // family, variant, subgraph, processor
  struct Pending {
    std::vector<JobSpec> jobs;
    std::uint32_t generation = 0;
  };
  void flush(std::size_t key_index);

  sim::Time window_;
  int max_batch_;
  double marginal_share_;
  std::vector<std::string> family_names_;
  ExecutionContext ctx_;
  Soc inner_;
  std::vector<int> family_of_;  // per profile model: family id
  std::map<Key, std::size_t> key_index_;
  std::vector<Key> keys_;
  std::vector<Pending> pending_;
  std::map<std::uint64_t, std::vector<JobSpec>> members_;  // merged job id -> its jobs
  std::uint64_t merged_jobs_ = 0, merged_requests_ = 0;
};

}  // namespace hw
