#include "hw-models/execution_models/mts.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/registry.h"

namespace hw {

Mts::Mts(sim::Time window, int max_batch, double marginal_share, std::vector<std::string> family)
    : window_(window), max_batch_(max_batch), marginal_share_(marginal_share), family_names_(std::move(family)) {}

void Mts::bind(const ExecutionContext& context) {
  if (!context.engine) throw std::logic_error("the mts execution model needs the simulation engine");
  ctx_ = context;
  ExecutionContext inner = context;
  inner.listener = this;
  inner_.bind(inner);
  double share = marginal_share_;
  inner_.set_batch_scale([share](std::uint32_t k) { return 1.0 + static_cast<double>(k - 1) * share; });
  const auto& models = ctx_.profile->models;
  family_of_.assign(models.size(), 0);
  for (const auto& name : family_names_) {
    bool found = std::any_of(models.begin(), models.end(), [&](const auto& m) { return m.name == name; });
    if (!found) throw std::invalid_argument(fmt::format("mts: family model '{}' is not in the profile", name));
  }
  for (std::size_t m = 0; m < models.size(); ++m) {
    bool in_family = std::find(family_names_.begin(), family_names_.end(), models[m].name) != family_names_.end();
    family_of_[m] = family_names_.empty() ? static_cast<int>(m) : (in_family ? 0 : -1);
  }
}

std::size_t Mts::queue_length(int p) const {
  std::size_t n = inner_.queue_length(p);
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (std::get<3>(keys_[i]) == p) n += pending_[i].jobs.size();
  return n;
}

void Mts::submit(const JobSpec& spec) {
  int family = family_of_[static_cast<std::size_t>(spec.model)];
  if (family < 0 || max_batch_ <= 1) {
    inner_.submit(spec);
    return;
  }
  Key key{family, spec.variant, spec.subgraph, spec.processor};
  auto [it, fresh] = key_index_.emplace(key, keys_.size());
  if (fresh) {
    keys_.push_back(key);
    pending_.emplace_back();
  }
  std::size_t k = it->second;
  Pending& p = pending_[k];
  p.jobs.push_back(spec);
  if (p.jobs.size() == 1) {
    ctx_.engine->schedule_at(ctx_.engine->now() + window_, sim::priority::kLow, this,
                             (static_cast<std::uint64_t>(k) << 32) | p.generation);
  }
  if (static_cast<int>(p.jobs.size()) >= max_batch_) flush(k);
}

void Mts::on_event(std::uint64_t tag) {
  auto k = static_cast<std::size_t>(tag >> 32);
  auto generation = static_cast<std::uint32_t>(tag & 0xffffffffu);
  if (pending_[k].generation == generation && !pending_[k].jobs.empty()) flush(k);
}

void Mts::flush(std::size_t k) {
  Pending& p = pending_[k];
  ++p.generation;  // a window event still scheduled for this group is now stale
  std::vector<JobSpec> jobs;
  jobs.swap(p.jobs);
  JobSpec merged = jobs.front();
  merged.batch = static_cast<std::uint32_t>(jobs.size());
  if (jobs.size() > 1) {
    ++merged_jobs_;
    merged_requests_ += jobs.size();
  }
  members_[merged.job] = std::move(jobs);
  inner_.submit(merged);
}

void Mts::on_job_finished(const JobSpec& spec, const JobTiming& timing) {
  auto it = members_.find(spec.job);
  if (it == members_.end()) {
    ctx_.listener->on_job_finished(spec, timing);
    return;
  }
  std::vector<JobSpec> jobs = std::move(it->second);
  members_.erase(it);
  for (const auto& j : jobs) ctx_.listener->on_job_finished(j, timing);
}

namespace {
const sim::Registration<ExecutionModel> kRegistration{
    "mts",
    "the soc model with weight-shared family requests merged into one stitched-graph job over a window (MTS)",
    {sim::param_duration("window", "2ms", "how long a job waits for others of its family to merge with"),
     sim::param_int("max_batch", 8, "", "most requests in one merged job (1: no merging)", 1, 64),
     sim::param_double("marginal_share", 0.25, "",
                       "share of one request's execution time each further request adds to a merged job "
                       "(from `stitchsim mts` speedup.csv: (mts_ms(N)/mts_ms(1) - 1)/(N - 1))",
                       0.0, 1.0),
     sim::param_json("family", sim::Json::array(),
                     "model names forming one weight-shared family (empty: requests of one model merge)")},
    [](const sim::Params& p) {
      std::vector<std::string> family;
      for (const auto& n : p.get_json("family")) {
        if (!n.is_string()) p.node("family").fail("must be an array of model names");
        family.push_back(n.get<std::string>());
      }
      return std::make_unique<Mts>(p.get_duration("window"), static_cast<int>(p.get_int("max_batch")),
                                   p.get_double("marginal_share"), std::move(family));
    }};
}  // namespace

}  // namespace hw
