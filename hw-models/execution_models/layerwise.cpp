#include "hw-models/execution_models/layerwise.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "hw-models/latency_model.h"
#include "sim/engine.h"
#include "sim/registry.h"

namespace hw {

namespace {
constexpr double kMegabyte = 1e6;  // EdgeCaffe's limits and peaks are MB; we read MB as 10^6 bytes
}

Layerwise::Mode Layerwise::parse_mode(const std::string& name) {
  if (name == "masa") return Mode::kMasa;
  if (name == "partial") return Mode::kPartial;
  if (name == "linear") return Mode::kLinear;
  if (name == "bulk") return Mode::kBulk;
  if (name == "deepeye") return Mode::kDeepEye;
  if (name == "deepeye_frugal") return Mode::kDeepEyeFrugal;
  if (name == "concurrent_bulk") return Mode::kConcurrentBulk;
  throw std::invalid_argument("unknown layerwise mode '" + name + "'");
}

const char* Layerwise::mode_name(Mode mode) {
  switch (mode) {
    case Mode::kMasa: return "masa";
    case Mode::kPartial: return "partial";
    case Mode::kLinear: return "linear";
    case Mode::kBulk: return "bulk";
    case Mode::kDeepEye: return "deepeye";
    case Mode::kDeepEyeFrugal: return "deepeye_frugal";
    case Mode::kConcurrentBulk: return "concurrent_bulk";
  }
  return "?";
}

bool Layerwise::is_fc(const std::string& kind) const {
  return kind == "fc-stage" || kind == "InnerProduct" || kind == "Gemm" || kind == "MatMul" || kind == "FullyConnected";
}

std::vector<sim::Time> Layerwise::split_time(sim::Time total, const std::vector<double>& weights) {
  std::vector<sim::Time> out(weights.size());
  if (weights.empty()) return out;
  double sum = 0;
  for (double w : weights) sum += std::max(0.0, w);
  std::int64_t given = 0;
  for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
    double share = sum > 0 ? std::max(0.0, weights[i]) / sum : 1.0 / static_cast<double>(weights.size());
    out[i] = sim::Time{static_cast<std::int64_t>(std::llround(static_cast<double>(total.ns) * share))};
    out[i] = std::min(out[i], sim::Time{total.ns - given});  // rounding never overshoots the total
    given += out[i].ns;
  }
  out.back() = sim::Time{total.ns - given};
  return out;
}

sim::Time Layerwise::swap_delay(std::int64_t touched_bytes, std::int64_t demand_bytes, std::int64_t limit_bytes,
                                double read_bytes_per_s, double write_bytes_per_s, std::int64_t* traffic_bytes) {
  if (traffic_bytes) *traffic_bytes = 0;
  if (demand_bytes <= limit_bytes || demand_bytes <= 0 || touched_bytes <= 0) return sim::Time::zero();
  double share = static_cast<double>(demand_bytes - limit_bytes) / static_cast<double>(demand_bytes);
  double paged = static_cast<double>(touched_bytes) * share;  // bytes read in, and as many written out
  if (traffic_bytes) *traffic_bytes = static_cast<std::int64_t>(std::llround(2 * paged));
  double seconds = paged / read_bytes_per_s + paged / write_bytes_per_s;
  return sim::Time{static_cast<std::int64_t>(std::llround(seconds * 1e9))};
}

void Layerwise::bind(const ExecutionContext& context) {
  if (!context.engine) throw std::logic_error("the layerwise execution model needs the simulation engine");
  ctx_ = context;
  engine_ = context.engine;
  latency_stream_hash_ = job_latency_stream_hash();
  limit_bytes_ = opt_.memory_limit_bytes > 0 ? opt_.memory_limit_bytes : ctx_.platform->memory_capacity_bytes;
  if (limit_bytes_ > ctx_.platform->memory_capacity_bytes) {
    throw sim::ConfigError("", "$.execution_model.memory_limit_mb",
                           fmt::format("the memory limit ({} bytes) exceeds the platform's capacity ({} bytes)",
                                       limit_bytes_, ctx_.platform->memory_capacity_bytes));
  }
  if (opt_.locked_bytes > limit_bytes_) {
    throw sim::ConfigError("", "$.execution_model.locked_mb",
                           fmt::format("the locked footprint ({} bytes) exceeds the memory limit ({} bytes)",
                                       opt_.locked_bytes, limit_bytes_));
  }
  demand_bytes_ = peak_demand_bytes_ = peak_resident_bytes_ = admitted_bytes_ = opt_.locked_bytes;
  processor_map_.clear();
  procs_.assign(ctx_.platform->processors.size(), Proc{});
  for (std::size_t p = 0; p < ctx_.platform->processors.size(); ++p) {
    processor_map_.push_back(ctx_.profile->find_processor(ctx_.platform->processors[p].name));
    Proc& proc = procs_[p];
    int workers = opt_.workers > 0 ? opt_.workers : ctx_.platform->processors[p].slots;
    switch (opt_.mode) {
      case Mode::kMasa:
      case Mode::kPartial:
      case Mode::kConcurrentBulk: proc.pools.resize(1); proc.pools[0].workers = workers; break;
      case Mode::kLinear:
      case Mode::kBulk: proc.pools.resize(1); proc.pools[0].workers = 1; break;
      case Mode::kDeepEye:
      case Mode::kDeepEyeFrugal: proc.pools.resize(2); proc.pools[0].workers = proc.pools[1].workers = 1; break;
    }
    int slot = 0;
    for (auto& pool : proc.pools) {
      pool.running.assign(static_cast<std::size_t>(pool.workers), kNone);
      pool.first_slot = slot;
      slot += pool.workers;
    }
    if (slot > ctx_.platform->processors[p].slots) {
      throw sim::ConfigError("", "$.execution_model",
                             fmt::format("layerwise mode {} needs {} workers on processor '{}', which has {} slots",
                                         mode_name(opt_.mode), slot, ctx_.platform->processors[p].name,
                                         ctx_.platform->processors[p].slots));
    }
  }
  last_change_ = engine_->now();
}

int Layerwise::busy_slots(int p) const {
  int busy = 0;
  for (const auto& pool : procs_[static_cast<std::size_t>(p)].pools)
    for (auto s : pool.running) busy += s != kNone;
  return busy;
}

std::size_t Layerwise::queue_length(int p) const {
  return static_cast<std::size_t>(procs_[static_cast<std::size_t>(p)].unstarted);
}

sim::Time Layerwise::backlog(int p) const {
  // Expected remaining work of the processor's unfinished networks, spread over its workers: the
  // running steps' remaining time plus the expected time of the EXECs not yet started.
  sim::Time now = engine_->now();
  std::int64_t remaining = 0;
  int workers = 0;
  const Proc& proc = procs_[static_cast<std::size_t>(p)];
  for (const auto& pool : proc.pools) {
    workers += pool.workers;
    for (auto s : pool.running)
      if (s != kNone) remaining += std::max<std::int64_t>(0, (steps_[s].end - now).ns);
  }
  for (auto n : proc.unfinished) remaining += nets_[n].pending_exec_ns;
  return sim::Time{workers > 0 ? remaining / workers : remaining};
}

std::int64_t Layerwise::expected_exec_ns(const Net& net, std::size_t layer) const {
  const LayerCost& c = net.layers[layer];
  if (c.exec) return ctx_.latency->expected(*c.exec).ns;
  if (net.derived) return net.derived_exec[layer].ns;
  return ctx_.latency->expected(*net.unit_exec).ns;
}

sim::Time Layerwise::expected_load(int model, int variant, int subgraph) const {
  // Expected load time of the unit's layers that are not resident (all of them without `cache`).
  Net net = unit_net({model, variant, subgraph});
  sim::Time total;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    if (opt_.cache && cache_.count(cache_key(net.block, l))) continue;
    const LayerCost& c = net.layers[l];
    if (c.load) total += ctx_.latency->expected(*c.load);
    else if (c.derived_load.ns >= 0) total += c.derived_load;
    else total += net.unit_load;
  }
  return total;
}

Layerwise::Net Layerwise::unit_net(const WeightBlocks::Unit& unit) const {
  Net net;
  JobSpec spec;
  spec.model = unit.model;
  spec.variant = unit.variant;
  spec.subgraph = unit.subgraph;
  unit_layers(net, spec, false);
  return net;
}

bool Layerwise::resident(WeightBlockId block) const {
  if (!opt_.cache) return false;
  Net net = unit_net(ctx_.blocks->owner(block));
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    if (!cache_.count(cache_key(block, l))) return false;
  return true;
}

bool Layerwise::preload(WeightBlockId block, std::int64_t) {
  if (!opt_.cache) return false;  // without a cache every network loads its own layers
  Net net = unit_net(ctx_.blocks->owner(block));
  std::int64_t need = 0;
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    if (!cache_.count(cache_key(block, l))) need += net.layers[l].weights_bytes;
  if (demand_bytes_ + need > limit_bytes_) return false;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    auto [it, fresh] = cache_.try_emplace(cache_key(block, l));
    if (fresh) it->second.bytes = net.layers[l].weights_bytes;
    else if (it->second.pins == 0 && !it->second.preloaded) lru_.erase({it->second.stamp, it->first});
    it->second.preloaded = true;
    it->second.ready = engine_->now();
  }
  set_demand(demand_bytes_ + need);
  return true;
}

void Layerwise::make_room(std::int64_t bytes) {
  while (demand_bytes_ + bytes > limit_bytes_ && !lru_.empty()) {
    auto victim = lru_.begin()->second;
    lru_.erase(lru_.begin());
    auto it = cache_.find(victim);
    set_demand(demand_bytes_ - it->second.bytes);
    cache_.erase(it);
    ++evictions_;
  }
}

void Layerwise::unpin(std::uint64_t key) {
  CacheEntry& e = cache_.at(key);
  if (--e.pins > 0 || e.preloaded) return;
  e.stamp = ++stamp_;
  lru_.insert({e.stamp, key});
}

void Layerwise::set_demand(std::int64_t bytes) {
  sim::Time now = engine_->now();
  demand_area_ += static_cast<double>(std::min(demand_bytes_, limit_bytes_)) * static_cast<double>((now - last_change_).ns);
  last_change_ = now;
  demand_bytes_ = bytes;
  peak_demand_bytes_ = std::max(peak_demand_bytes_, demand_bytes_);
  peak_resident_bytes_ = std::max(peak_resident_bytes_, std::min(demand_bytes_, limit_bytes_));
}

std::uint32_t Layerwise::add_step(std::uint32_t net, std::int32_t layer, StepKind kind, std::uint8_t pool, bool whole) {
  Step s;
  s.net = net;
  s.layer = layer;
  s.kind = kind;
  s.pool = pool;
  s.whole = whole;
  s.id = next_step_id_++;
  steps_.push_back(std::move(s));
  return static_cast<std::uint32_t>(steps_.size() - 1);
}

void Layerwise::depend(std::uint32_t before, std::uint32_t after) {
  Step& b = steps_[before];
  Step& a = steps_[after];
  // A finished predecessor constrains nothing; a step already queued or running cannot wait any
  // more (only possible with zero-time steps inside one instant).
  if (b.done || a.ready_at.ns >= 0) return;
  b.next.push_back(after);
  ++a.waiting;
}

void Layerwise::build(std::uint32_t n) {
  Net& net = nets_[n];
  Proc& proc = procs_[static_cast<std::size_t>(net.proc)];
  auto layers = static_cast<std::int32_t>(net.layers.size());
  net.first_step = static_cast<std::uint32_t>(steps_.size());
  std::uint32_t init = add_step(n, -1, kInit, 0);
  switch (opt_.mode) {
    case Mode::kMasa:
    case Mode::kPartial: {
      std::int64_t prev = init;
      for (std::int32_t l = 0; l < layers; ++l) {
        std::uint32_t load = add_step(n, l, kLoad, 0);
        std::uint32_t exec = add_step(n, l, kExec, 0);
        depend(init, load);
        depend(static_cast<std::uint32_t>(prev), exec);
        depend(load, exec);
        prev = exec;
      }
      break;
    }
    case Mode::kLinear: {
      std::uint32_t prev = init;
      for (std::int32_t l = 0; l < layers; ++l) {
        std::uint32_t load = add_step(n, l, kLoad, 0);
        depend(prev, load);
        std::uint32_t exec = add_step(n, l, kExec, 0);
        depend(load, exec);
        prev = exec;
      }
      break;
    }
    case Mode::kBulk:
    case Mode::kConcurrentBulk: {
      std::uint32_t load = add_step(n, -1, kLoad, 0, true);
      depend(init, load);
      std::uint32_t exec = add_step(n, -1, kExec, 0, true);
      depend(load, exec);
      break;
    }
    case Mode::kDeepEye:
    case Mode::kDeepEyeFrugal: {
      std::int32_t conv = 0;
      while (conv < layers && !net.layers[static_cast<std::size_t>(conv)].fc) ++conv;
      std::uint32_t prev_load = init;
      std::int64_t prev_exec = -1;
      net.conv_load_first = net.conv_load_last = net.conv_exec_first = net.conv_exec_last = init;
      for (std::int32_t l = 0; l < conv; ++l) {
        std::uint32_t load = add_step(n, l, kLoad, 0);
        depend(prev_load, load);
        std::uint32_t exec = add_step(n, l, kExec, 0);
        if (prev_exec >= 0) depend(static_cast<std::uint32_t>(prev_exec), exec);
        if (l == 0) net.conv_load_first = load, net.conv_exec_first = exec;
        net.conv_load_last = load;
        net.conv_exec_last = exec;
        prev_load = load;
        prev_exec = exec;
      }
      // A model without conv layers: its FC chain waits for INIT only.
      std::int64_t prev_fc_load = -1, prev_fc_exec = -1;
      for (std::int32_t l = conv; l < layers; ++l) {
        std::uint32_t load = add_step(n, l, kLoad, 1);
        depend(prev_fc_load < 0 ? init : static_cast<std::uint32_t>(prev_fc_load), load);
        std::uint32_t exec = add_step(n, l, kExec, 1);
        depend(load, exec);
        if (prev_fc_exec >= 0) depend(static_cast<std::uint32_t>(prev_fc_exec), exec);
        else depend(net.conv_exec_last, exec);
        if (l == conv) net.fc_load_first = load;
        net.fc_load_last = load;
        net.fc_exec_last = exec;
        prev_fc_load = load;
        prev_fc_exec = exec;
      }
      if (net.fc_load_first >= 0) {
        // The first FC EXEC waits for every FC LOAD of its network.
        depend(static_cast<std::uint32_t>(net.fc_load_last), static_cast<std::uint32_t>(net.fc_load_first) + 1);
      }
      break;
    }
  }
  net.last_step = static_cast<std::uint32_t>(steps_.size() - 1);

  // Links between networks.
  if (opt_.mode == Mode::kLinear || opt_.mode == Mode::kBulk) {
    if (proc.last_chain_step >= 0) depend(static_cast<std::uint32_t>(proc.last_chain_step), init);
    proc.last_chain_step = net.last_step;
  }
  if (opt_.mode == Mode::kDeepEye || opt_.mode == Mode::kDeepEyeFrugal) {
    std::int64_t now = engine_->now().ns;
    if (now != proc.set_time_ns) {
      proc.set_time_ns = now;
      proc.set_first_net = n;
      proc.set_nets.clear();
      ++proc.set_id;
    }
    net.set = proc.set_id;
    const Net& first = nets_[proc.set_first_net];
    if (n != proc.set_first_net) {
      const Net& prev = nets_[proc.set_nets.back()];
      // Conv loads chain over the set; conv executions run network after network.
      depend(prev.conv_load_last, net.conv_load_first);
      depend(prev.conv_exec_last, net.conv_exec_first);
      // FC loads after the latest FC loads of the set (frugal: and after its FC executions).
      std::int64_t fc_load = -1, fc_exec = -1;
      for (auto k = proc.set_nets.rbegin(); k != proc.set_nets.rend(); ++k) {
        if (fc_load < 0) fc_load = nets_[*k].fc_load_last;
        if (fc_exec < 0) fc_exec = nets_[*k].fc_exec_last;
      }
      if (net.fc_load_first >= 0 && fc_load >= 0) depend(static_cast<std::uint32_t>(fc_load), static_cast<std::uint32_t>(net.fc_load_first));
      if (opt_.mode == Mode::kDeepEyeFrugal && net.fc_load_first >= 0 && fc_exec >= 0)
        depend(static_cast<std::uint32_t>(fc_exec), static_cast<std::uint32_t>(net.fc_load_first));
    }
    // Every conv weight of the set is loaded before its first conv executes.
    if (first.conv_exec_first != first.first_step) depend(net.conv_load_last, first.conv_exec_first);
    proc.set_nets.push_back(n);
  }
  for (std::uint32_t s = net.first_step; s <= net.last_step; ++s)
    if (steps_[s].waiting == 0) make_ready(s);
}

void Layerwise::make_ready(std::uint32_t s) {
  Step& st = steps_[s];
  st.ready_at = engine_->now();
  const Net& net = nets_[st.net];
  Pool& pool = procs_[static_cast<std::size_t>(net.proc)].pools[st.pool];
  if (opt_.mode == Mode::kMasa) {
    Key key{net.sort_key, static_cast<int>(st.kind), st.id, s};
    (st.kind == kExec ? pool.exec : pool.other).insert(key);
  } else {
    pool.other.insert(Key{st.ready_at.ns, 0, st.id, s});
  }
}

void Layerwise::unit_layers(Net& net, const JobSpec& spec, bool with_exec) const {
  const ModelProfile& m = ctx_.profile->models[static_cast<std::size_t>(spec.model)];
  const UnitMemory& mem = m.unit_memory(spec.variant, spec.subgraph);
  int pp = with_exec ? processor_map_[static_cast<std::size_t>(spec.processor)] : -1;
  net.block = ctx_.blocks ? ctx_.blocks->block(spec.model, spec.variant, spec.subgraph) : 0;
  net.layers.clear();
  net.derived = false;
  auto layer_count = static_cast<int>(m.layers.size());
  bool has_layers = !m.layers.empty() && !m.subgraph_cuts.empty();
  bool per_layer = has_layers && !m.layer_latency.empty() && !m.layer_load.empty();
  if (has_layers) {
    int from = m.subgraph_cuts[static_cast<std::size_t>(spec.subgraph)];
    int to = m.subgraph_cuts[static_cast<std::size_t>(spec.subgraph + 1)];
    std::int64_t layer_weights = 0;
    for (int l = from; l < to; ++l) layer_weights += m.layers[static_cast<std::size_t>(l)].weight_bytes;
    // Variants scale the dense layer weights so that the layers sum to the unit's weights.
    double scale = layer_weights > 0 ? static_cast<double>(mem.weights_bytes) / static_cast<double>(layer_weights) : 0.0;
    std::vector<double> weights;
    for (int l = from; l < to; ++l) {
      LayerCost c;
      if (per_layer) {
        // pp < 0: a query for load times only (expected_load, preload), no execution tables needed.
        const auto& load = m.layer_load[static_cast<std::size_t>(spec.variant * layer_count + l)];
        if (!load) per_layer = false;
        else c.load = &*load;
        if (pp >= 0) {
          const auto& exec = m.layer_latency[static_cast<std::size_t>(
              (spec.variant * layer_count + l) * static_cast<int>(ctx_.profile->processors.size()) + pp)];
          if (!exec) per_layer = false;
          else c.exec = &*exec;
        }
      }
      c.weights_bytes = static_cast<std::int64_t>(std::llround(static_cast<double>(m.layers[static_cast<std::size_t>(l)].weight_bytes) * scale));
      c.fc = is_fc(m.layers[static_cast<std::size_t>(l)].kind);
      c.macs = static_cast<double>(m.layers[static_cast<std::size_t>(l)].macs);
      weights.push_back(static_cast<double>(m.layers[static_cast<std::size_t>(l)].weight_bytes));
      net.layers.push_back(c);
    }
    if (!net.layers.empty()) {
      // Rounding: the layers' weights sum to the unit's.
      std::int64_t sum = 0;
      for (const auto& c : net.layers) sum += c.weights_bytes;
      if (layer_weights == 0) {
        for (std::size_t l = 0; l < net.layers.size(); ++l) net.layers[l].weights_bytes = l + 1 == net.layers.size() ? mem.weights_bytes : 0;
      } else {
        net.layers.back().weights_bytes += mem.weights_bytes - sum;
      }
    }
    if (!per_layer && !net.layers.empty()) {
      // The derived split (see the header): loads by weight bytes, executions by MACs at first EXEC.
      net.derived = true;
      for (auto& c : net.layers) c.exec = c.load = nullptr;
      sim::Time load = unit_load_time(*ctx_.platform, *ctx_.profile, spec.model, spec.variant, spec.subgraph);
      auto parts = split_time(load, weights);
      for (std::size_t l = 0; l < parts.size(); ++l) net.layers[l].derived_load = parts[l];
    }
  }
  if (net.layers.empty()) {
    net.layers.assign(1, LayerCost{nullptr, nullptr, mem.weights_bytes, false});
    net.unit_load = unit_load_time(*ctx_.platform, *ctx_.profile, spec.model, spec.variant, spec.subgraph);
  }
}

void Layerwise::submit(const JobSpec& spec) {
  int pp = processor_map_[static_cast<std::size_t>(spec.processor)];
  const ModelProfile& m = ctx_.profile->models[static_cast<std::size_t>(spec.model)];
  const LatencyDist* unit = pp < 0 ? nullptr : ctx_.profile->latency(spec.model, spec.variant, spec.subgraph, pp);
  if (!unit) throw std::logic_error("job submitted to a processor that cannot run it");
  Net net;
  net.spec = spec;
  net.proc = spec.processor;
  net.timing.enqueued = engine_->now();
  net.rng = sim::Rng::stream(ctx_.seed, latency_stream_hash_, spec.rng_stream);
  net.unit_exec = unit;
  const UnitMemory& mem = m.unit_memory(spec.variant, spec.subgraph);
  net.activation_bytes = mem.activation_bytes;
  net.peak_bytes = mem.weights_bytes + mem.activation_bytes;
  net.sort_key = ctx_.latency->expected(*unit).ns;
  unit_layers(net, spec, true);
  if (net.derived) {
    // One draw of the unit's latency, split over the layers by MACs.
    std::vector<double> macs;
    for (const auto& c : net.layers) macs.push_back(c.macs);
    net.derived_exec = split_time(ctx_.latency->sample(*unit, net.rng), macs);
  }
  // Every layer's LOAD and EXEC time drawn now, in layer order, from the job's own stream: the
  // same request gets the same per-layer times in every mode whatever order its steps run in
  // (common random numbers, so modes are compared on equal draws).
  bool unit_only = !net.derived && net.layers.size() == 1 && net.layers[0].exec == nullptr;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const LayerCost& c = net.layers[l];
    net.draw_load.push_back(unit_only ? net.unit_load : net.derived ? c.derived_load : ctx_.latency->sample(*c.load, net.rng));
    net.draw_exec.push_back(unit_only ? ctx_.latency->sample(*net.unit_exec, net.rng)
                            : net.derived ? net.derived_exec[l] : ctx_.latency->sample(*c.exec, net.rng));
  }
  net.hit.assign(net.layers.size(), 0);
  net.pinned.assign(net.layers.size(), 0);
  for (std::size_t l = 0; l < net.layers.size(); ++l) net.pending_exec_ns += expected_exec_ns(net, l);
  auto id = static_cast<std::uint32_t>(nets_.size());
  procs_[static_cast<std::size_t>(spec.processor)].unfinished.push_back(id);
  nets_.push_back(std::move(net));
  ++procs_[static_cast<std::size_t>(spec.processor)].unstarted;
  build(id);
  dispatch(spec.processor);
}

namespace {
// Expected values instead of draws, for predictions.
class ExpectedLatency final : public LatencyModel {
 public:
  explicit ExpectedLatency(const LatencyModel& base) : base_(base) {}
  sim::Time sample(const LatencyDist& d, sim::Rng&) const override { return base_.expected(d); }
  sim::Time expected(const LatencyDist& d) const override { return base_.expected(d); }

 private:
  const LatencyModel& base_;
};
struct FinishTime final : ExecutionListener {
  sim::Time at;
  void on_job_finished(const JobSpec&, const JobTiming& t) override { at = t.finished; }
};
}  // namespace

sim::Time Layerwise::predict_alone(const JobSpec& spec, int lookahead) const {
  // The network runs alone (nothing else is admitted while it is active), so its own DAG on an
  // empty model with the same limit, expected times and a fixed look-ahead predicts its makespan.
  sim::Engine engine;
  ExpectedLatency latency(*ctx_.latency);
  FinishTime finish;
  ExecutionContext c = ctx_;
  c.engine = &engine;
  c.latency = &latency;
  c.listener = &finish;
  c.record_intervals = false;
  c.on_interval = nullptr;
  Options o = opt_;
  o.oversize = lookahead > 0 ? Oversize::kLookahead : Oversize::kOff;
  o.oversize_lookahead = lookahead;
  o.cache = false;
  Layerwise alone(o);
  alone.bind(c);
  alone.submit(spec);
  engine.run();
  return finish.at;
}

bool Layerwise::pick(int proc, Pool& pool, std::uint32_t* step) {
  (void)proc;
  if (opt_.mode != Mode::kMasa) {
    if (pool.other.empty()) return false;
    *step = std::get<3>(*pool.other.begin());
    pool.other.erase(pool.other.begin());
    return true;
  }
  if (!pool.exec.empty()) {
    *step = std::get<3>(*pool.exec.begin());
    pool.exec.erase(pool.exec.begin());
    return true;
  }
  // LOAD and INIT in SNF order; an INIT that does not fit is passed over (EdgeCaffe's rule).
  std::int64_t free = std::max<std::int64_t>(0, limit_bytes_ - admitted_bytes_);
  for (auto it = pool.other.begin(); it != pool.other.end(); ++it) {
    std::uint32_t s = std::get<3>(*it);
    const Step& st = steps_[s];
    const Net& net = nets_[st.net];
    if (st.kind == kInit) {
      if (!(active_ == 0 || net.peak_bytes <= free || net.peak_bytes == 0)) continue;
    }
    if (st.kind == kLoad && net.lookahead > 0) {
      // Our look-ahead: a LOAD that would overcommit waits until it is at most k layers ahead
      // of the executing one (LOAD_0 .. LOAD_{done+k} are always allowed, so execution proceeds).
      std::int64_t w = net.layers[static_cast<std::size_t>(st.layer)].weights_bytes;
      if (demand_bytes_ + w > limit_bytes_ && st.layer > net.execs_done + net.lookahead) continue;
    }
    *step = s;
    pool.other.erase(it);
    return true;
  }
  return false;
}

void Layerwise::dispatch(int p) {
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  for (std::size_t k = 0; k < proc.pools.size(); ++k) {
    Pool& pool = proc.pools[k];
    for (std::size_t w = 0; w < pool.running.size(); ++w) {
      if (pool.running[w] != kNone) continue;
      std::uint32_t s;
      if (!pick(p, pool, &s)) break;
      start(p, static_cast<int>(k), static_cast<int>(w), s);
    }
  }
}

sim::Time Layerwise::step_time(Net& net, const Step& s, std::int64_t* touched) {
  auto n = static_cast<std::int32_t>(net.layers.size());
  std::int64_t act_share = n > 0 ? net.activation_bytes / n : 0;
  sim::Time t;
  *touched = 0;
  if (s.kind == kInit) return opt_.init_time;
  std::int32_t from = s.whole ? 0 : s.layer, to = s.whole ? n : s.layer + 1;
  sim::Time wait;  // cache: a resident layer still being loaded by another network
  for (std::int32_t l = from; l < to; ++l) {
    const LayerCost& c = net.layers[static_cast<std::size_t>(l)];
    if (s.kind == kLoad) {
      if (net.hit[static_cast<std::size_t>(l)]) {
        wait = std::max(wait, cache_.at(cache_key(net.block, static_cast<std::size_t>(l))).ready - engine_->now());
        continue;
      }
      t += net.draw_load[static_cast<std::size_t>(l)];
      *touched += c.weights_bytes;
    } else {
      t += net.draw_exec[static_cast<std::size_t>(l)];
      *touched += c.weights_bytes + act_share;
    }
  }
  t = std::max(t, wait);
  if (s.kind == kExec && s.whole) *touched += net.activation_bytes - act_share * n;  // rounding rest
  return t;
}

void Layerwise::start(int p, int pool_index, int worker, std::uint32_t s) {
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  Pool& pool = proc.pools[static_cast<std::size_t>(pool_index)];
  Step& st = steps_[s];
  Net& net = nets_[st.net];
  sim::Time now = engine_->now();
  if (st.kind == kInit) {
    ++active_;
    --proc.unstarted;
    net.timing.started = now;
    if (opt_.mode == Mode::kMasa) {
      // Admitted over the free memory (only possible when no network is active): its LOADs are
      // gated in pick() once they would overcommit.
      net.oversize = net.peak_bytes > limit_bytes_ - admitted_bytes_;
      if (net.oversize) {
        ++oversize_;
        if (opt_.oversize == Oversize::kLookahead) net.lookahead = opt_.oversize_lookahead;
        if (opt_.oversize == Oversize::kPredict) {
          // Eager loading overlaps more loads with execution; the look-ahead defers the
          // overcommit. Which pays off depends on the network's layers: take the faster plan.
          JobSpec spec = net.spec;
          net.lookahead = predict_alone(spec, opt_.oversize_lookahead) < predict_alone(spec, 0) ? opt_.oversize_lookahead : 0;
          if (net.lookahead > 0) ++lookahead_chosen_;
        }
      }
      admitted_bytes_ += net.peak_bytes;
      net.admitted = true;
    }
    net.held_bytes += net.activation_bytes;
    if (opt_.cache) make_room(net.activation_bytes);
    set_demand(demand_bytes_ + net.activation_bytes);
  } else if (st.kind == kLoad) {
    std::size_t from = st.whole ? 0 : static_cast<std::size_t>(st.layer);
    std::size_t to = st.whole ? net.layers.size() : from + 1;
    std::int64_t w = 0;
    for (std::size_t l = from; l < to; ++l) {
      if (!opt_.cache) {
        w += net.layers[l].weights_bytes;
        continue;
      }
      auto key = cache_key(net.block, l);
      auto it = cache_.find(key);
      net.hit[l] = it != cache_.end();
      net.pinned[l] = 1;
      if (net.hit[l]) {
        ++hits_;
        if (it->second.pins++ == 0 && !it->second.preloaded) lru_.erase({it->second.stamp, key});
      } else {
        w += net.layers[l].weights_bytes;
      }
    }
    if (opt_.cache) make_room(w);
    else net.held_bytes += w;  // freed at the network's end; cached layers stay
    set_demand(demand_bytes_ + w);
    ++loads_;
  } else {
    net.pending_exec_ns -= st.whole ? net.pending_exec_ns : expected_exec_ns(net, static_cast<std::size_t>(st.layer));
    if (!net.exec_started) {
      net.exec_started = true;
      net.timing.exec_start = now;
    }
  }
  std::int64_t touched = 0, traffic = 0;
  sim::Time t = step_time(net, st, &touched);
  const Platform& pf = *ctx_.platform;
  double rd = pf.storage_read_bytes_per_s > 0 ? pf.storage_read_bytes_per_s : pf.load_bandwidth_bytes_per_s;
  double wr = pf.storage_write_bytes_per_s > 0 ? pf.storage_write_bytes_per_s : pf.load_bandwidth_bytes_per_s;
  t += swap_delay(touched, demand_bytes_, limit_bytes_, rd, wr, &traffic);
  swap_bytes_ += traffic;
  st.start = now;
  st.end = now + t;
  if (opt_.cache && st.kind == kLoad) {
    // The layers this LOAD brings in are resident from its end; entries are made now so that a
    // concurrent LOAD of the same layer waits for this one instead of loading it again.
    std::size_t from = st.whole ? 0 : static_cast<std::size_t>(st.layer);
    std::size_t to = st.whole ? net.layers.size() : from + 1;
    for (std::size_t l = from; l < to; ++l) {
      if (net.hit[l]) continue;
      CacheEntry& e = cache_[cache_key(net.block, l)];
      e.bytes = net.layers[l].weights_bytes;
      e.pins = 1;
      e.ready = st.end;
    }
  }
  st.worker = worker;
  pool.running[static_cast<std::size_t>(worker)] = s;
  engine_->schedule_at(st.end, kJobFinishPriority, this, s);
}

void Layerwise::on_event(std::uint64_t tag) {
  auto s = static_cast<std::uint32_t>(tag);
  Step& st = steps_[s];
  st.done = true;
  Net& net = nets_[st.net];
  int p = net.proc;
  Proc& proc = procs_[static_cast<std::size_t>(p)];
  proc.pools[st.pool].running[static_cast<std::size_t>(st.worker)] = kNone;
  proc.busy_ns += static_cast<double>((st.end - st.start).ns);
  if (ctx_.record_intervals) {
    intervals_.push_back({net.spec.request, p, proc.pools[st.pool].first_slot + st.worker, st.layer,
                          st.kind == kExec ? 1 : 0, st.start, st.end});
  }
  if (st.kind == kExec && !st.whole) ++net.execs_done;
  for (std::uint32_t next : st.next)
    if (--steps_[next].waiting == 0) make_ready(next);
  bool finished = false;
  if (s == net.last_step) {
    finished = true;
    net.finished = true;
    auto& unfinished = proc.unfinished;
    unfinished.erase(std::find(unfinished.begin(), unfinished.end(), st.net));
    net.timing.finished = st.end;
    net.timing.slot = proc.pools[st.pool].first_slot + st.worker;
    net.timing.loaded = std::find(net.hit.begin(), net.hit.end(), 0) != net.hit.end();
    --active_;
    if (net.admitted) admitted_bytes_ -= net.peak_bytes;
    set_demand(demand_bytes_ - net.held_bytes);
    net.held_bytes = 0;
    for (std::size_t l = 0; l < net.pinned.size(); ++l)
      if (net.pinned[l]) unpin(cache_key(net.block, l));
    ++proc.jobs;
  }
  // Freed memory and a freed worker may start steps on every processor (memory is shared).
  for (int q = 0; q < static_cast<int>(procs_.size()); ++q) dispatch(q);
  if (finished) {
    const JobSpec spec = net.spec;
    const JobTiming timing = net.timing;
    ctx_.listener->on_job_finished(spec, timing);
  }
}

ExecutionStats Layerwise::stats(sim::Time end) const {
  ExecutionStats st;
  st.intervals = intervals_;
  for (std::size_t p = 0; p < procs_.size(); ++p) {
    int workers = 0;
    for (const auto& pool : procs_[p].pools) workers += pool.workers;
    double span = static_cast<double>(end.ns) * workers;
    st.utilization.push_back(end.ns > 0 ? procs_[p].busy_ns / span : 0.0);
    st.jobs_per_processor.push_back(procs_[p].jobs);
  }
  st.peak_memory_bytes = peak_resident_bytes_;
  double area = demand_area_ + static_cast<double>(std::min(demand_bytes_, limit_bytes_)) * static_cast<double>((end - last_change_).ns);
  st.average_memory_bytes = end.ns > 0 ? area / static_cast<double>(end.ns) : 0.0;
  st.loads = loads_;
  st.hits = hits_;
  st.evictions = evictions_;
  st.peak_demand_bytes = peak_demand_bytes_;
  st.swap_bytes = swap_bytes_;
  return st;
}

namespace {
const sim::Registration<ExecutionModel> kRegistration{
    "layerwise",
    "per-layer INIT/LOAD/EXEC task DAGs on workers under a memory limit (Masa on EdgeCaffe and its baselines "
    "bulk, linear, deepeye, deepeye_frugal); overcommit pays swapping at the platform's storage bandwidth",
    {sim::param_string("mode", "masa", "DAG shape and ordering",
                       {"masa", "partial", "linear", "bulk", "deepeye", "deepeye_frugal", "concurrent_bulk"}),
     sim::param_int("workers", 0, "", "masa/partial workers per processor (0: the processor's slots); linear and "
                    "bulk use 1, deepeye 2 pools of 1", 0, 64),
     sim::param_double("memory_limit_mb", 0.0, "MB", "memory limit, 10^6 bytes (0: the platform's capacity)", 0.0),
     sim::param_double("locked_mb", 4.87, "MB",
                       "the runtime's own footprint, counted before any network (EdgeCaffe locks 4.87 MB)", 0.0),
     sim::param_double("init_ms", 0.0, "ms", "duration of a network's INIT step (not measured in the source)", 0.0),
     sim::param_string("oversize", "predict",
                       "masa, our extension, for a network admitted although its peak exceeds the free memory: off = "
                       "every LOAD right after INIT (EdgeCaffe); lookahead = loads that would overcommit wait until "
                       "they are at most oversize_lookahead layers beyond the executing one; predict = whichever of the "
                       "two the network's own DAG with expected times predicts to finish first",
                       {"predict", "lookahead", "off"}),
     sim::param_int("oversize_lookahead", 1, "layers", "layers the look-ahead may load beyond the executing one", 1, 1000000),
     sim::param_bool("cache", false,
                     "keep loaded layers resident between networks up to the limit, evicting the least recently used "
                     "(off: every network loads its own layers, as in EdgeCaffe)")},
    [](const sim::Params& p) {
      Layerwise::Options o;
      o.mode = Layerwise::parse_mode(p.get_string("mode"));
      o.workers = static_cast<int>(p.get_int("workers"));
      o.memory_limit_bytes = static_cast<std::int64_t>(std::llround(p.get_double("memory_limit_mb") * kMegabyte));
      o.locked_bytes = static_cast<std::int64_t>(std::llround(p.get_double("locked_mb") * kMegabyte));
      o.init_time = sim::from_ms(p.get_double("init_ms"));
      o.oversize_lookahead = static_cast<int>(p.get_int("oversize_lookahead"));
      std::string oversize = p.get_string("oversize");
      o.oversize = oversize == "off" ? Layerwise::Oversize::kOff
                   : oversize == "lookahead" ? Layerwise::Oversize::kLookahead
                                             : Layerwise::Oversize::kPredict;
      o.cache = p.get_bool("cache");
      return std::make_unique<Layerwise>(o);
    }};
}  // namespace

}  // namespace hw
