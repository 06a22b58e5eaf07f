// The `layerwise` execution model: each job (one network instance, or one subgraph of a
// partitioned model) becomes a DAG of INIT, per-layer LOAD and per-layer EXEC steps run by
// workers, under a memory limit that the baselines overcommit and pay for by swapping (Masa,
// PerCom 2021, on the EdgeCaffe runtime).
//
// Modes (parameter `mode`), with the DAG shapes of EdgeCaffe's task builders (read to understand,
// not copied; bacox/edgecaffe @ a450b967, Core/src/InferenceNetwork.cpp and Orchestrator/*):
// - masa:    partial DAG (every LOAD_i after INIT; EXEC_i after EXEC_{i-1} and LOAD_i), networks
//            concurrent; one pool of `workers` workers; EXEC steps first, then LOAD/INIT steps, each
//            in Shortest-Network-First order, key (network mean execution time, type EXEC < LOAD <
//            INIT, step id); an INIT starts only when no network is active or the network's peak
//            memory fits in the counter's free space (limit - locked footprint - admitted peaks);
//            the peak is held from INIT until the network's last EXEC.
//            Our extension (parameter `oversize`, default predict; off = EdgeCaffe): a network
//            admitted although its peak exceeds the free memory (EdgeCaffe admits any network when
//            none is active, so one larger than the limit runs alone and swaps) cannot keep its
//            working set resident anyway. Loading it eagerly brings the overcommit in before most
//            of its EXECs, so they pay the swap share; but eager loads also overlap execution.
//            `lookahead`: such a network loads eagerly while its loads fit under the limit; a
//            LOAD_i that would overcommit waits until i <= (EXECs finished) + k (k =
//            oversize_lookahead), at most k layers beyond the one executing, so demand grows into
//            the overcommit as execution proceeds (as under `linear`, with loads overlapping).
//            `predict`: at INIT, the network's own DAG is simulated alone (it runs alone) with
//            expected times, eager and with the look-ahead, and the faster plan is used.
//            Networks that fit load eagerly, as in EdgeCaffe.
// - partial: the same DAG and workers, first-come-first-served, no admission.
// - linear:  LOAD_0 EXEC_0 LOAD_1 EXEC_1 ... strictly alternating; a network's INIT waits for the
//            previous network's last step (networks chained); one worker, FCFS.
// - bulk:    INIT, one LOAD of the whole model, one EXEC of the whole model; networks chained;
//            one worker, FCFS.
// - deepeye: two pools with one worker each. Pool 0 holds INIT and the conv chain, pool 1 the FC
//            chain. Conv LOADs are chained across the networks of one arrival (a job's `batch_set`
//            id groups them, see below), and the first conv EXEC of the set waits for the set's last
//            conv LOAD, so every conv weight of the set is loaded before the first conv executes;
//            conv EXECs then run network after network. FC LOADs chain within a network and after
//            the previous network's FC LOADs; a network's first FC EXEC waits for its last conv EXEC
//            and all of its FC LOADs.
// - deepeye_frugal: deepeye, plus a network's first FC LOAD waits for the previous network's last
//            FC EXEC, so one network's FC weights are resident at a time.
// - concurrent_bulk (ours, not in EdgeCaffe): bulk's DAG (one LOAD of the whole unit, one EXEC),
//            but networks concurrent on `workers` workers, FCFS; whole-unit loading as the `soc`
//            model does it, for comparing against partial's layer-by-layer loading in one model.
// FCFS order is (time the step became ready, step id). Layers split into conv and FC at the first
// layer whose kind is fully connected ("fc-stage", "InnerProduct", "Gemm", "MatMul",
// "FullyConnected"); a model with no FC layer has an empty FC chain.
//
// Where we chose (EdgeCaffe does not say): steps start the moment a worker is free (EdgeCaffe polls
// every 1 ms); INIT takes `init_ms` (default 0: not measured); a bulk LOAD/EXEC takes the sum of
// the per-layer draws; networks of one arrival are the jobs submitted at the same instant. Every
// layer's LOAD and EXEC time is drawn when the job is submitted, in layer order, from the job's
// stream, so every mode gives a request the same per-layer times (common random numbers).
//
// Memory. Demand = locked runtime footprint + per active network its activation bytes (peak -
// weights, from its INIT) + the weights of each layer from the start of that layer's LOAD, all
// released at the network's last EXEC. Resident memory is min(demand, limit); the rest is on the
// swap device. Masa's admission counter is separate (EdgeCaffe's MemoryCounter): it holds whole
// peaks, so demand stays within the limit under Masa unless a lone network is larger than it.
//
// Swap (first principles, no fitted constant): a step touches bytes (LOAD: the layer's weights,
// written into memory; EXEC: the layer's weights plus the network's activation bytes spread evenly
// over its layers). When demand D exceeds the limit M, a share f = (D - M) / D of the working set
// is on the swap device, and a touched page is there with that probability (no locality is known);
// bringing it in reads it and evicting another page writes one out. So a step touching B bytes
// pays B * f / read_bw + B * f / write_bw extra, with f taken at the step's start, and moves
// 2 * B * f bytes of swap traffic. The bandwidths are the platform's storage_*_bytes_per_s (its
// load bandwidth when not given). Monotone in the overcommit; zero when demand fits.
//
// Jobs: a job's JobTiming has started = INIT start, exec_start = first EXEC start, finished = last
// EXEC end. Profiles with per-layer tables (ModelProfile::layer_latency/layer_load) are run layer
// by layer over the subgraph's layers. A unit without them but with a layer list (the SoC
// profiles: ncnn layer lists and subgraph cuts) is split by a stated method (split_time): one
// draw of the unit's latency is spread over its layers in proportion to their MACs (equally when
// none has MACs), the unit's load time in proportion to their weight bytes (equally when none has
// weights); the parts sum to the unit's values exactly. Pruned variants keep the dense layer
// shares. A unit with neither is one layer. Workers are per platform processor; busy_slots counts
// busy workers. LOAD steps occupy a worker of the unit's processor (as EdgeCaffe's loads do).
//
// Weight cache (parameter `cache`, default off = EdgeCaffe: every network instance loads its
// layers and frees them at its end). On: a loaded layer stays resident after its network ends,
// keyed by (weight block, layer in the unit), and counts in demand; a later LOAD of a resident
// layer takes no time (or waits for the load in flight) and holds no new bytes. Before any
// growth of demand, unpinned layers are evicted least recently used first while demand would
// exceed the limit; layers of active networks are pinned. preload() makes a unit's layers
// resident for good (a preloader's choice) when they fit. stats(): hits = layer LOADs served from
// the cache, evictions = layers evicted.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "hw-models/execution_model.h"
#include "hw-models/weight_blocks.h"
#include "sim/rng.h"

namespace hw {

class Layerwise final : public ExecutionModel, public sim::EventHandler {
 public:
  enum class Mode { kMasa, kPartial, kLinear, kBulk, kDeepEye, kDeepEyeFrugal, kConcurrentBulk };
  enum class Oversize { kOff, kLookahead, kPredict };
  enum StepKind : std::uint8_t { kExec = 0, kLoad = 1, kInit = 2 };  // EdgeCaffe's type order

  struct Options {
    Mode mode = Mode::kMasa;
    int workers = 0;                   // masa/partial workers per processor (0: the processor's slots)
    std::int64_t memory_limit_bytes = 0;  // 0: the platform's capacity
    std::int64_t locked_bytes = 0;     // the runtime's own footprint
    sim::Time init_time;               // duration of an INIT step
    Oversize oversize = Oversize::kPredict;  // masa: loading of a network admitted over the limit
    int oversize_lookahead = 1;        // layers the look-ahead loads beyond the executing one (>= 1)
    bool cache = false;                // keep weights resident between networks (see above)
  };

  explicit Layerwise(Options options) : opt_(options) {}
  static Mode parse_mode(const std::string& name);
  static const char* mode_name(Mode mode);

  void bind(const ExecutionContext& context) override;
  void submit(const JobSpec& spec) override;

  int busy_slots(int p) const override;
  std::size_t queue_length(int p) const override;
  sim::Time backlog(int p) const override;
  sim::Time expected_load(int model, int variant, int subgraph) const override;
  std::int64_t memory_used_bytes() const override { return std::min(demand_bytes_, limit_bytes_); }
  bool preload(WeightBlockId block, std::int64_t weights_bytes) override;  // false unless `cache`
  bool resident(WeightBlockId block) const override;
  ExecutionStats stats(sim::Time end) const override;

  void on_event(std::uint64_t tag) override;

  // For tests and reports.
  std::int64_t limit_bytes() const { return limit_bytes_; }
  std::int64_t demand_bytes() const { return demand_bytes_; }
  std::int64_t peak_demand_bytes() const { return peak_demand_bytes_; }
  std::int64_t admitted_bytes() const { return admitted_bytes_; }
  std::int64_t swap_bytes() const { return swap_bytes_; }
  int active_networks() const { return active_; }
  std::uint64_t oversize_networks() const { return oversize_; }  // masa: admitted over the free memory
  std::uint64_t lookahead_chosen() const { return lookahead_chosen_; }  // predict: look-ahead taken
  // Extra time of a step touching `touched_bytes` while `demand_bytes` are in use under `limit_bytes`.
  // `total` spread over parts in proportion to `weights` (equally when they sum to zero), rounded
  // to nanoseconds with the rest on the last part, so the parts sum to `total` exactly.
  static std::vector<sim::Time> split_time(sim::Time total, const std::vector<double>& weights);
  static sim::Time swap_delay(std::int64_t touched_bytes, std::int64_t demand_bytes, std::int64_t limit_bytes,
                              double read_bytes_per_s, double write_bytes_per_s, std::int64_t* traffic_bytes = nullptr);

 private:
  struct Step {
    std::uint32_t net = 0;
    std::int32_t layer = -1;  // -1: INIT; bulk: -1 with kind LOAD/EXEC covers every layer
    StepKind kind = kInit;
    std::uint8_t pool = 0;
    bool whole = false;       // bulk: the step covers every layer
    std::int32_t waiting = 0;  // unfinished predecessors
    bool done = false;
    std::uint64_t id = 0;
    std::vector<std::uint32_t> next;
    sim::Time ready_at{-1}, start, end;  // ready_at < 0: not yet ready
    std::int32_t worker = -1;
  };
  struct LayerCost {
    const LatencyDist* exec = nullptr;  // null: a derived share of the unit's draw, or the unit
    const LatencyDist* load = nullptr;
    std::int64_t weights_bytes = 0;
    bool fc = false;
    double macs = 0;              // derived split: share of the unit's execution
    sim::Time derived_load{-1};   // derived split: this layer's part of the unit's load time
  };
  struct CacheEntry {
    std::int64_t bytes = 0;
    int pins = 0;                 // active networks using it
    bool preloaded = false;       // never evicted
    sim::Time ready;              // end of its LOAD
    std::uint64_t stamp = 0;      // last release, for LRU order
  };
  struct Net {
    JobSpec spec;
    JobTiming timing;
    int proc = 0;
    std::vector<LayerCost> layers;
    const LatencyDist* unit_exec = nullptr;  // a unit without per-layer tables
    sim::Time unit_load;
    bool derived = false;                    // layers split from the unit (see above)
    std::vector<sim::Time> derived_exec;     // the split of one draw of the unit's latency
    std::vector<sim::Time> draw_load, draw_exec;  // per layer, drawn at submit (common random numbers)
    WeightBlockId block = 0;                 // cache keys: (block, layer in the unit)
    std::vector<char> hit;                   // per layer: its last LOAD was served by the cache
    std::vector<char> pinned;                // per layer: this network pins its cache entry
    std::int64_t peak_bytes = 0, activation_bytes = 0, held_bytes = 0;
    std::int64_t sort_key = 0;  // mean execution time, ns (SNF)
    std::uint32_t first_step = 0, last_step = 0;
    std::uint32_t conv_load_first = 0, conv_load_last = 0, conv_exec_first = 0, conv_exec_last = 0;
    std::int64_t fc_load_first = -1, fc_load_last = -1, fc_exec_last = -1;
    std::uint32_t set = 0;  // arrival set id (jobs submitted at one instant, per processor)
    bool admitted = false, finished = false, exec_started = false;
    bool oversize = false;   // masa: admitted although its peak exceeds the free memory
    std::int32_t execs_done = 0;  // per-layer EXECs finished (masa's look-ahead)
    int lookahead = 0;            // layers this network may load beyond the executing one (0: eager)
    std::int64_t pending_exec_ns = 0;  // expected time of its EXECs not yet started (backlog)
    sim::Rng rng{0};
  };
  using Key = std::tuple<std::int64_t, int, std::uint64_t, std::uint32_t>;
  struct Pool {
    int workers = 1;
    int first_slot = 0;  // the processor slot of worker 0, for intervals
    std::vector<std::uint32_t> running;  // step per worker (kNone: idle)
    std::set<Key> exec, other;           // masa splits EXEC from LOAD/INIT; FCFS uses `other` only
  };
  struct Proc {
    std::vector<Pool> pools;
    std::int64_t last_chain_step = -1;  // linear/bulk: last step of the latest network
    std::uint32_t set_first_net = 0;    // deepeye: first network of the current arrival set
    std::vector<std::uint32_t> set_nets;  // deepeye: the current set's networks on this processor
    std::int64_t set_time_ns = -1;
    std::uint32_t set_id = 0;
    int unstarted = 0;  // networks whose INIT has not started
    std::vector<std::uint32_t> unfinished;  // its networks not yet finished
    double busy_ns = 0;
    std::uint64_t jobs = 0;
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;

  std::uint32_t add_step(std::uint32_t net, std::int32_t layer, StepKind kind, std::uint8_t pool, bool whole = false);
  void depend(std::uint32_t before, std::uint32_t after);
  void build(std::uint32_t net);
  void make_ready(std::uint32_t step);
  void dispatch(int proc);
  bool pick(int proc, Pool& pool, std::uint32_t* step);
  // Makespan of `spec` run alone under this model's options with expected times and `lookahead`.
  sim::Time predict_alone(const JobSpec& spec, int lookahead) const;
  void start(int proc, int pool, int worker, std::uint32_t step);
  sim::Time step_time(Net& net, const Step& s, std::int64_t* touched);
  // The unit's layers: per-layer tables, a derived split, or one layer (sets net.derived etc.).
  // with_exec: also the execution tables of the job's processor (false: loads and bytes only).
  void unit_layers(Net& net, const JobSpec& spec, bool with_exec) const;
  Net unit_net(const WeightBlocks::Unit& unit) const;
  std::int64_t expected_exec_ns(const Net& net, std::size_t layer) const;  // a unit's layers, loads and bytes only
  static std::uint64_t cache_key(WeightBlockId block, std::size_t layer) { return (std::uint64_t{block} << 24) | layer; }
  void make_room(std::int64_t bytes);  // cache: evict LRU unpinned layers while demand + bytes > limit
  void unpin(std::uint64_t key);
  bool is_fc(const std::string& kind) const;

  Options opt_;
  ExecutionContext ctx_;
  sim::Engine* engine_ = nullptr;
  std::uint64_t latency_stream_hash_ = 0;
  std::vector<int> processor_map_;
  std::vector<Proc> procs_;
  std::vector<Net> nets_;
  std::vector<Step> steps_;
  std::uint64_t next_step_id_ = 0;
  std::int64_t limit_bytes_ = 0;
  std::int64_t demand_bytes_ = 0, peak_demand_bytes_ = 0, peak_resident_bytes_ = 0;
  std::int64_t admitted_bytes_ = 0;  // masa's counter: locked + admitted peaks
  std::int64_t swap_bytes_ = 0;
  double demand_area_ = 0;  // resident byte-nanoseconds
  sim::Time last_change_;
  int active_ = 0;
  std::uint64_t loads_ = 0;
  std::uint64_t oversize_ = 0, lookahead_chosen_ = 0;
  std::uint64_t hits_ = 0, evictions_ = 0, stamp_ = 0;
  std::map<std::uint64_t, CacheEntry> cache_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> lru_;  // (stamp, key) of unpinned, evictable entries
  std::vector<BusyInterval> intervals_;
  void set_demand(std::int64_t bytes);
};

}  // namespace hw
