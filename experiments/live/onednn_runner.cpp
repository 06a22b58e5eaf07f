// OnednnRunner: a unit's load compiles its subgraph (reordered weights, primitives); a run
// executes it on the request's activations, kept per request between its subgraphs.
#include "experiments/live/onednn_runner.h"

#include <deque>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "experiments/live/executor.h"
#include "sim/config.h"

namespace live {
namespace {

class CompiledUnit final : public LoadedUnit {
 public:
  explicit CompiledUnit(std::unique_ptr<SubgraphPlan> plan) : plan_(std::move(plan)) {}
  std::int64_t weights_bytes() const override { return static_cast<std::int64_t>(plan_->weights_bytes()); }
  std::int64_t workspace_bytes() const override { return static_cast<std::int64_t>(plan_->workspace_bytes()); }
  const SubgraphPlan& plan() const { return *plan_; }

 private:
  std::unique_ptr<SubgraphPlan> plan_;
};

class OnednnRunner final : public JobRunner {
 public:
  OnednnRunner(const Zoo& zoo, const hw::Profile& profile, const std::vector<bool>& used, std::uint64_t seed,
               const std::string& config_file)
      : zoo_(zoo), profile_(profile) {
    for (std::size_t m = 0; m < profile.models.size(); ++m) {
      const auto& pm = profile.models[m];
      std::vector<const Model*> variants(pm.variants.size(), nullptr);
      int zm = zoo.find_model(pm.name);
      for (std::size_t v = 0; v < pm.variants.size() && zm >= 0; ++v) {
        const auto& z = zoo.models()[static_cast<std::size_t>(zm)];
        for (std::size_t k = 0; k < z.spec.variants.size(); ++k)
          if (z.spec.variants[k].name == pm.variants[v].name) variants[v] = &z.variants[k];
      }
      bool use = m < used.size() && used[m];
      for (std::size_t v = 0; v < variants.size() && use; ++v) {
        if (!variants[v]) {
          throw sim::ConfigError(config_file, "$.zoo",
                                 fmt::format("model '{}' variant '{}' of profile {} is not in the zoo config {}", pm.name,
                                             pm.variants[v].name, profile.file, zoo.config().file));
        }
        if (variants[v]->subgraph_count() != pm.subgraph_count) {
          throw sim::ConfigError(config_file, "$.zoo",
                                 fmt::format("model '{}' has {} subgraphs in the zoo but {} in the profile", pm.name,
                                             variants[v]->subgraph_count(), pm.subgraph_count));
        }
      }
      // Every task of a model starts from the same input (its first variant's shape).
      inputs_.push_back(use ? random_input(*variants[0], zoo.config().batch, seed, 7) : std::vector<float>{});
      models_.push_back(std::move(variants));
    }
  }

  std::unique_ptr<LoadedUnit> load(int model, int variant, int subgraph) override {
    const Model& m = *models_[static_cast<std::size_t>(model)][static_cast<std::size_t>(variant)];
    return std::make_unique<CompiledUnit>(std::make_unique<SubgraphPlan>(m, subgraph, zoo_.config().batch));
  }

  Clock::time_point run(const hw::JobSpec& s, LoadedUnit& unit, int slot_key, Clock::time_point,
                        Clock::time_point) override {
    const SubgraphPlan& plan = static_cast<CompiledUnit&>(unit).plan();
    std::vector<float> out;
    const std::vector<float>* input;
    Workspace* ws;
    {
      std::lock_guard lk(mu_);
      if (activations_.size() <= s.request) activations_.resize(s.request + 1);
      input = s.subgraph == 0 ? &inputs_[static_cast<std::size_t>(s.model)] : &activations_[s.request];
      auto& pool = spare_[static_cast<std::size_t>(plan.output_elements())];
      if (!pool.empty()) {
        out = std::move(pool.back());
        pool.pop_back();
      }
      auto& w = workspaces_[{slot_key, &plan}];
      if (!w) w = plan.make_workspace();
      ws = w.get();
    }
    out.resize(static_cast<std::size_t>(plan.output_elements()));  // no-op for a pooled buffer
    Clock::time_point exec_start = Clock::now();
    plan.run(*ws, input->data(), out.data());
    std::lock_guard lk(mu_);
    std::swap(activations_[s.request], out);  // `out` now holds the request's previous activations
    if (!out.empty()) spare_[out.size()].push_back(std::move(out));
    return exec_start;
  }

  bool allocates() const override { return true; }

  void request_done(std::uint64_t request) override {
    std::lock_guard lk(mu_);
    if (request >= activations_.size()) return;
    auto& done = activations_[request];
    if (!done.empty()) spare_[done.size()].push_back(std::move(done));
  }

 private:
  const Zoo& zoo_;
  const hw::Profile& profile_;
  std::vector<std::vector<const Model*>> models_;  // [profile model][variant]
  std::vector<std::vector<float>> inputs_;         // [profile model]
  std::mutex mu_;                                   // guards everything below
  std::deque<std::vector<float>> activations_;     // [request]; stable addresses
  // Activation buffers no request holds any more, by element count, reused so a job never writes
  // to freshly mapped pages nor zero-fills a buffer (costs the profile's back-to-back runs never see).
  std::map<std::size_t, std::vector<std::vector<float>>> spare_;
  std::map<std::pair<int, const SubgraphPlan*>, std::unique_ptr<Workspace>> workspaces_;  // per slot and unit
};

}  // namespace

std::unique_ptr<JobRunner> make_onednn_runner(const Zoo& zoo, const hw::Profile& profile,
                                              const std::vector<bool>& used_models, std::uint64_t seed,
                                              const std::string& config_file) {
  return std::make_unique<OnednnRunner>(zoo, profile, used_models, seed, config_file);
}

}  // namespace live
