#include "experiments/request_flow.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace experiments {

RequestFlow::RequestFlow(const Experiment& experiment, hw::ExecutionModel& exec, TimeSource time, bool record_intervals,
                         RecordOutput output)
    : exp_(experiment),
      exec_(exec),
      time_(time),
      record_intervals_(record_intervals),
      output_(std::move(output)),
      stats_(experiment.tasks.size()) {
  latency_ = exp_.latency.build();
  scheduler_ = policies::make_scheduler(exp_.scheduler);
  selector_ = exp_.selector.build();
  preloader_ = exp_.preloader.build();
  blocks_ = hw::WeightBlocks(*exp_.profile);
  for (const auto& p : exp_.platform.processors) processor_map_.push_back(exp_.profile->find_processor(p.name));
  for (const auto& t : exp_.tasks) slo_.push_back(t.slo);
}

RequestFlow::~RequestFlow() = default;

void RequestFlow::start() {
  hw::ExecutionContext ctx;
  ctx.engine = time_.engine;
  ctx.platform = &exp_.platform;
  ctx.profile = exp_.profile.get();
  ctx.latency = latency_.get();
  ctx.blocks = &blocks_;
  ctx.seed = exp_.seed;
  ctx.listener = this;
  ctx.record_intervals = record_intervals_;
  if (record_intervals_ && !output_.keep_all) ctx.on_interval = [this](const hw::BusyInterval& iv) { on_interval(iv); };
  exec_.bind(ctx);
  scheduler_->bind(*this);
  selector_->bind(*this);
  preload();
}

sim::Time RequestFlow::expected_latency(int model, int variant, int subgraph, int processor) const {
  int pp = processor_map_[static_cast<std::size_t>(processor)];
  if (pp < 0) return sim::Time::max();
  const hw::LatencyDist* d = exp_.profile->latency(model, variant, subgraph, pp);
  return d ? latency_->expected(*d) : sim::Time::max();
}

void RequestFlow::preload() {
  // The planner's anticipated plans feed hotness (planners that do not anticipate offer the plan
  // they would use now).
  std::vector<std::vector<policies::Plan>> anticipated = selector_->anticipated_plans(*this);
  // Leave room for the largest unit plus every slot's activations, so on-demand loads can
  // always proceed next to the preloaded set.
  std::int64_t largest = 0, act = 0;
  for (const auto& t : exp_.tasks) {
    for (const auto& u : exp_.profile->models[static_cast<std::size_t>(t.model)].memory) {
      largest = std::max(largest, u.weights_bytes);
      act = std::max(act, u.activation_bytes);
    }
  }
  int slots = 0;
  for (const auto& p : exp_.platform.processors) slots += p.slots;
  std::int64_t budget = exp_.platform.memory_capacity_bytes - largest - act * slots;
  for (const auto& u : preloader_->choose(*this, anticipated, budget)) {
    std::int64_t w = policies::unit_weights(*this, u);
    if (preloaded_bytes_ + w > budget) continue;
    hw::WeightBlockId block = blocks_.block(u.model, u.variant, u.subgraph);
    if (exec_.resident(block)) continue;
    if (exec_.preload(block, w)) preloaded_bytes_ += w;
  }
}

std::int32_t RequestFlow::intern(const policies::Plan& plan, int task) {
  // Plans are per task: the same variant indices mean different models for different tasks.
  std::string key(1, static_cast<char>(task));
  key.append(reinterpret_cast<const char*>(plan.variant.data()), plan.variant.size());
  key.append(reinterpret_cast<const char*>(plan.processor.data()), plan.processor.size());
  auto it = plan_index_.find(key);
  if (it != plan_index_.end()) return it->second;
  auto id = static_cast<std::int32_t>(plans_.size());
  plans_.push_back(plan);
  plan_index_.emplace(std::move(key), id);
  return id;
}

sim::Time RequestFlow::boundary_delay(int model, int subgraph, int prev_variant, int variant, int processor) const {
  const auto& m = exp_.profile->models[static_cast<std::size_t>(model)];
  const std::string& from = m.variants[static_cast<std::size_t>(prev_variant)].precision;
  const std::string& to = m.variants[static_cast<std::size_t>(variant)].precision;
  if (from == to) return sim::Time::zero();
  double ms = hw::precision_change_ms(*exp_.profile, model, subgraph, from, to,
                                      exp_.platform.processors[static_cast<std::size_t>(processor)].name);
  return sim::from_ms(ms >= 0 ? ms : exp_.precision_change_ms);
}

void RequestFlow::change_slo(const workloads::SloChange& change) { slo_[change.task] = change.slo; }

void RequestFlow::arrive(int task, sim::Time at) {
  auto t = static_cast<std::size_t>(task);
  RequestRecord rec;
  rec.id = next_id_++;
  rec.task = task;
  rec.arrival = at;
  rec.deadline = at + slo_[t].latency();
  rec.min_accuracy = slo_[t].min_accuracy;
  const policies::Plan plan = selector_->choose(*this, task);
  rec.plan = intern(plan, task);
  requests_.push_back(rec);
  if (exp_.outputs.decisions_max_rows > 0) {
    sim::Time predicted;
    int subgraphs = exp_.profile->models[static_cast<std::size_t>(exp_.tasks[t].model)].subgraph_count;
    for (int s = 0; s < subgraphs; ++s) {
      int v = plan.variant[static_cast<std::size_t>(s)], pinned = plan.processor[static_cast<std::size_t>(s)];
      sim::Time best = sim::Time::max();
      for (int p = 0; p < processor_count(); ++p)
        if (pinned < 0 || p == pinned) best = std::min(best, expected_latency(exp_.tasks[t].model, v, s, p));
      if (best != sim::Time::max()) predicted += best;
    }
    record({at, rec.id, -1, -1, 0, predicted.to_ms(), "plan_predicted_ms", "plan", "", selector_->explain(*this, task)});
  }
  ++outstanding_;
  ready_.push_back(policies::ReadyJob{rec.id, task, exp_.tasks[t].model, plan.variant[0], 0, -1, rec.arrival,
                                      rec.deadline, plan.processor[0]});
  decide();
}

void RequestFlow::on_job_finished(const hw::JobSpec& spec, const hw::JobTiming& timing) {
  RequestRecord& rec = request(spec.request);
  if (spec.subgraph == 0) rec.start = timing.started;
  int subgraphs = exp_.profile->models[static_cast<std::size_t>(spec.model)].subgraph_count;
  if (scheduler_->wants_observations()) {
    policies::JobObservation seen;
    seen.request = spec.request;
    seen.task = rec.task;
    seen.model = spec.model;
    seen.variant = spec.variant;
    seen.subgraph = spec.subgraph;
    seen.processor = spec.processor;
    seen.last = spec.subgraph + 1 >= subgraphs;
    seen.expected = expected_latency(spec.model, spec.variant, spec.subgraph, spec.processor);
    seen.measured = timing.finished - timing.exec_start;
    seen.waited = timing.exec_start - timing.enqueued;
    scheduler_->observe(*this, seen);
  }
  if (spec.subgraph + 1 < subgraphs) {
    const policies::Plan& plan = plans_[static_cast<std::size_t>(rec.plan)];
    auto next = static_cast<std::size_t>(spec.subgraph + 1);
    ready_.push_back(policies::ReadyJob{rec.id, rec.task, spec.model, plan.variant[next], spec.subgraph + 1,
                                        spec.processor, rec.arrival, rec.deadline, plan.processor[next]});
  } else {
    rec.finish = timing.finished;
    --outstanding_;
    retire();
  }
  decide();
  if (outstanding_ == 0 && on_idle_) on_idle_();
}

void RequestFlow::retire() {
  while (!requests_.empty() && (requests_.front().finished() || requests_.front().dropped())) {
    const RequestRecord& r = requests_.front();
    const policies::Plan& plan = plans_[static_cast<std::size_t>(r.plan)];
    int subgraphs = exp_.profile->models[static_cast<std::size_t>(task(r.task).model)].subgraph_count;
    stats_.add(r, plan.accuracy, plan.stitched(subgraphs));
    if (output_.keep_all || r.id < output_.keep_first_requests) kept_.push_back(r);
    if (output_.on_request) output_.on_request(r, plan);
    requests_.pop_front();
    ++first_id_;
  }
}

void RequestFlow::on_interval(const hw::BusyInterval& iv) {
  if (iv.request < output_.keep_first_requests) kept_intervals_.push_back(iv);
  if (output_.on_interval) output_.on_interval(iv);
}

void RequestFlow::decide() {
  if (ready_.empty()) return;
  scheduler_->schedule(*this, decisions_);
  if (decisions_.assignments.empty() && decisions_.drops.empty()) return;
  remove_.assign(ready_.size(), 0);
  const bool explain = exp_.outputs.decisions_max_rows > 0;
  const auto competing = static_cast<std::int32_t>(ready_.size());
  for (const auto& d : decisions_.drops) {
    if (d.ready_index >= ready_.size() || remove_[d.ready_index]) throw std::logic_error("scheduler: bad drop index");
    remove_[d.ready_index] = 1;
    const policies::ReadyJob& j = ready_[d.ready_index];
    request(j.request).drop_reason = d.reason;
    --outstanding_;
    if (explain) record({now(), j.request, j.subgraph, -1, competing, std::nan(""), "", "drop", d.reason, ""});
  }
  // Submitting may start jobs at once but never re-enters decide(): completions come later.
  for (const auto& a : decisions_.assignments) {
    if (a.ready_index >= ready_.size() || remove_[a.ready_index]) throw std::logic_error("scheduler: bad assignment");
    remove_[a.ready_index] = 1;
    const policies::ReadyJob& j = ready_[a.ready_index];
    if (explain) record({now(), j.request, j.subgraph, a.processor, competing, a.key, a.key_name, "assign", "", ""});
    submit(j, a.processor);
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < ready_.size(); ++i)
    if (!remove_[i]) ready_[w++] = ready_[i];
  ready_.resize(w);
  if (!decisions_.drops.empty()) retire();
}

void RequestFlow::submit(const policies::ReadyJob& j, int processor) {
  if (!can_run(j.model, j.variant, j.subgraph, processor)) {
    throw std::logic_error("scheduler assigned a job to a processor that cannot run it");
  }
  RequestRecord& rec = request(j.request);
  if (j.subgraph < 16) rec.processors |= static_cast<std::uint64_t>(processor + 1) << (4 * j.subgraph);
  hw::JobSpec spec;
  spec.job = next_job_++;
  spec.request = j.request;
  spec.rng_stream = j.request * 64 + static_cast<std::uint64_t>(j.subgraph);
  spec.model = j.model;
  spec.variant = j.variant;
  spec.subgraph = j.subgraph;
  spec.processor = processor;
  spec.prev_processor = j.prev_processor;
  if (j.subgraph > 0) {
    int prev_variant = plans_[static_cast<std::size_t>(rec.plan)].variant[static_cast<std::size_t>(j.subgraph - 1)];
    spec.boundary_delay = boundary_delay(j.model, j.subgraph, prev_variant, j.variant, processor);
  }
  exec_.submit(spec);
}

bool RequestFlow::record(const DecisionRecord& d) {
  if (decisions_recorded_ >= exp_.outputs.decisions_max_rows) {
    records_truncated_ = true;
    return false;
  }
  ++decisions_recorded_;
  if (output_.keep_all) records_.push_back(d);
  if (output_.on_decision) output_.on_decision(d);
  return true;
}

RunResult RequestFlow::finish(sim::Time end, std::uint64_t events) {
  retire();
  if (!requests_.empty()) throw std::logic_error("a request neither finished nor dropped");
  RunResult r;
  r.end_time = end;
  r.requests = std::move(kept_);
  r.stats = std::move(stats_);
  r.plans = plans_;
  r.preloaded_bytes = preloaded_bytes_;
  hw::ExecutionStats st = exec_.stats(end);
  r.intervals = output_.keep_all ? std::move(st.intervals) : std::move(kept_intervals_);
  r.utilization = std::move(st.utilization);
  r.jobs_per_processor = std::move(st.jobs_per_processor);
  r.peak_memory_bytes = st.peak_memory_bytes;
  r.average_memory_bytes = st.average_memory_bytes;
  r.loads = st.loads;
  r.hits = st.hits;
  r.evictions = st.evictions;
  r.peak_demand_bytes = st.peak_demand_bytes;
  r.swap_bytes = st.swap_bytes;
  r.events = events;
  r.decisions = std::move(records_);
  r.decisions_truncated = records_truncated_;
  return r;
}

std::string plan_label(const policies::Plan& plan, const hw::ModelProfile& model) {
  if (!plan.stitched(model.subgraph_count)) return model.variants[static_cast<std::size_t>(plan.variant[0])].name;
  std::string out;
  for (int s = 0; s < model.subgraph_count; ++s) {
    if (s) out += '|';
    out += model.variants[static_cast<std::size_t>(plan.variant[static_cast<std::size_t>(s)])].name;
  }
  return out;
}

std::string processor_path(const RequestRecord& r, const hw::Platform& platform, int subgraphs) {
  std::string out;
  for (int s = 0; s < std::min(subgraphs, 16); ++s) {
    auto p = static_cast<int>((r.processors >> (4 * s)) & 0xf);
    if (p == 0) break;
    if (!out.empty()) out += '>';
    out += platform.processors[static_cast<std::size_t>(p - 1)].name;
  }
  return out;
}

}  // namespace experiments
