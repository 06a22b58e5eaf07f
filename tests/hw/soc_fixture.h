// An execution model (by default `soc`) bound to its own engine, platform and profile, recording
// completions: for tests that work out timelines by hand.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "hw-models/execution_models/soc.h"
#include "hw-models/latency_model.h"
#include "hw-models/weight_blocks.h"
#include "sim/engine.h"

namespace soc_test {

struct Done {
  hw::JobSpec spec;
  hw::JobTiming timing;
};

struct Recorder : hw::ExecutionListener {
  std::vector<Done> done;
  void on_job_finished(const hw::JobSpec& s, const hw::JobTiming& t) override { done.push_back({s, t}); }
};

template <class Model>
struct ModelFixture {
  hw::Platform platform;
  hw::Profile profile;
  std::unique_ptr<hw::LatencyModel> latency =
      hw::make_latency_model(sim::ConfigNode(sim::Json("profile_table"), "e.json", "$.latency_model"));
  hw::WeightBlocks blocks;
  sim::Engine engine;
  Recorder rec;
  Model soc;  // the model under test (named for the first user)

  // `edit_blocks` may share weight blocks before the model is bound.
  ModelFixture(hw::Platform p, hw::Profile pr, const std::function<void(hw::WeightBlocks&)>& edit_blocks = {})
      : ModelFixture(std::move(p), std::move(pr), Model{}, edit_blocks) {}
  ModelFixture(hw::Platform p, hw::Profile pr, Model model, const std::function<void(hw::WeightBlocks&)>& edit_blocks = {})
      : platform(std::move(p)), profile(std::move(pr)), blocks(profile), soc(std::move(model)) {
    if (edit_blocks) edit_blocks(blocks);
    hw::ExecutionContext c;
    c.engine = &engine;
    c.platform = &platform;
    c.profile = &profile;
    c.latency = latency.get();
    c.blocks = &blocks;
    c.listener = &rec;
    c.record_intervals = true;
    soc.bind(c);
  }
  void submit_at(double at_ms, hw::JobSpec spec) {
    engine.schedule_fn(sim::from_ms(at_ms), sim::priority::kNormal, [this, spec] { soc.submit(spec); });
  }
  std::vector<hw::JobTiming> timings() const {
    std::vector<hw::JobTiming> out;
    for (const auto& d : rec.done) out.push_back(d.timing);
    return out;
  }
};

using SocFixture = ModelFixture<hw::Soc>;

}  // namespace soc_test
