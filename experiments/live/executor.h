// The executor: a subgraph of a (variant) model compiled into a list of steps over oneDNN and
// sparse ops, plus the workspace one execution needs.
//
// A SubgraphPlan holds weights and primitives and is immutable after construction, so several
// threads may run one plan at once, each with its own Workspace. Memory accounting is exact for
// what this code allocates: weights_bytes() (reordered weights, sparse indices, biases) and
// workspace_bytes() (every activation buffer plus the largest scratchpad) are what the profile
// reports as weights and activation memory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "experiments/live/model.h"

namespace live {

class Workspace {
 public:
  explicit Workspace(const std::vector<std::size_t>& buffer_bytes, std::size_t scratch_bytes);
  void* buffer(int id) const { return buffers_[static_cast<std::size_t>(id)].get(); }
  void* scratch() const { return scratch_.get(); }

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::vector<std::unique_ptr<void, Free>> buffers_;
  std::unique_ptr<void, Free> scratch_;
};

class SubgraphPlan {
 public:
  // Compiles subgraph `subgraph` of `model` (int8 if model.int8) for `batch` samples.
  SubgraphPlan(const Model& model, int subgraph, int batch);
  ~SubgraphPlan();
  SubgraphPlan(const SubgraphPlan&) = delete;
  SubgraphPlan& operator=(const SubgraphPlan&) = delete;

  std::unique_ptr<Workspace> make_workspace() const;
  // in: batch * input_elements() fp32 values; out: batch * output_elements().
  void run(Workspace& ws, const float* in, float* out) const;

  std::int64_t input_elements() const { return input_.elements() * batch_; }
  std::int64_t output_elements() const { return output_.elements() * batch_; }
  std::size_t weights_bytes() const { return weights_bytes_; }
  std::size_t workspace_bytes() const;

 private:
  friend struct PlanBuilder;
  int batch_ = 1;
  Shape input_, output_;
  std::vector<std::size_t> buffer_bytes_;  // buffer 0 is the input, output_buffer_ the output
  int output_buffer_ = 0;
  std::size_t scratch_bytes_ = 0;
  std::size_t weights_bytes_ = 0;
  std::vector<std::function<void(const Workspace&)>> steps_;
};

// A stitched variant: plans[s] runs subgraph s (of any zoo variant); the fp32 boundary tensor of
// one plan is the input of the next.
std::vector<float> run_chain(const std::vector<const SubgraphPlan*>& plans, const std::vector<Workspace*>& workspaces,
                             const std::vector<float>& in);

}  // namespace live
