#include "experiments/live/layerwise_live.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "experiments/live/executor.h"
#include "experiments/live/layer_file.h"
#include "experiments/live/machine.h"
#include "experiments/live/zoo.h"
#include "hw-models/execution_models/layerwise.h"
#include "hw-models/latency_model.h"
#include "hw-models/weight_blocks.h"
#include "sim/engine.h"
#include "sim/run_directory.h"

namespace live {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One network of the batch: its base model (one subgraph per block) and its layer file.
struct Network {
  std::string name;
  Model model;
  std::unique_ptr<LayerFile> file;
  std::vector<double> load_ms, exec_ms, resident_after_drop;  // per block, profiled
  std::vector<std::int64_t> weights_bytes, workspace_bytes;
};

// One instance in a live run: weights start zeroed and arrive by LOADs.
struct Instance {
  const Network* net = nullptr;
  Model model;
  std::vector<std::unique_ptr<SubgraphPlan>> plans;
  std::vector<char> loaded;
  int next_exec = 0;
  std::vector<float> act;
};

Model zeroed(const Model& m) {
  Model z = m;
  for (auto& b : z.blocks)
    for (auto* t : block_tensors(b)) std::fill(t->begin(), t->end(), 0.0f);
  return z;
}

void load_step(Instance& in, int b) {
  in.net->file->read_block(b, in.model.blocks[static_cast<std::size_t>(b)]);
  in.plans[static_cast<std::size_t>(b)] = std::make_unique<SubgraphPlan>(in.model, b, 1);
}

void exec_step(Instance& in, int b) {
  const SubgraphPlan& p = *in.plans[static_cast<std::size_t>(b)];
  auto ws = p.make_workspace();
  std::vector<float> out(static_cast<std::size_t>(p.output_elements()));
  p.run(*ws, in.act.data(), out.data());
  in.act = std::move(out);
}

// Per-block costs as the live runs meet them: `repeats` bulk passes over a fresh instance (every
// block loaded cold, then every block executed), after one untimed pass (oneDNN's first primitive
// creation); per block the median of its step times.
void profile(Network& n, int repeats) {
  auto blocks = n.model.blocks.size();
  std::vector<std::vector<double>> loads(blocks), execs(blocks);
  for (int r = -1; r < repeats; ++r) {
    Instance in;
    in.net = &n;
    in.model = zeroed(n.model);
    in.plans.resize(blocks);
    in.act = random_input(n.model, 1, 11, 0);
    n.file->drop_cache();
    for (std::size_t b = 0; b < blocks; ++b) {
      auto t0 = Clock::now();
      load_step(in, static_cast<int>(b));
      if (r >= 0) loads[b].push_back(ms_since(t0));
    }
    for (std::size_t b = 0; b < blocks; ++b) {
      auto t0 = Clock::now();
      exec_step(in, static_cast<int>(b));
      if (r >= 0) execs[b].push_back(ms_since(t0));
    }
    if (r == repeats - 1) {
      for (std::size_t b = 0; b < blocks; ++b) {
        n.load_ms.push_back(median(loads[b]));
        n.exec_ms.push_back(median(execs[b]));
        n.weights_bytes.push_back(static_cast<std::int64_t>(in.plans[b]->weights_bytes()));
        n.workspace_bytes.push_back(static_cast<std::int64_t>(in.plans[b]->workspace_bytes()));
        // The drop works: read (pages now cached), drop, count the block's pages still cached.
        n.file->read_block(static_cast<int>(b), in.model.blocks[b]);
        n.file->drop_cache();
        n.resident_after_drop.push_back(n.file->resident_share(static_cast<int>(b)));
      }
    }
  }
}

// One live run: its makespan and the time its steps took, summed per kind.
struct LiveResult {
  double makespan_ms = 0, load_ms = 0, exec_ms = 0;
  int steps = 0;
};

std::vector<Instance> make_instances(const std::vector<const Network*>& batch) {
  std::vector<Instance> out;
  for (const auto* n : batch) {
    Instance in;
    in.net = n;
    in.model = zeroed(n->model);
    in.plans.resize(n->model.blocks.size());
    in.loaded.assign(n->model.blocks.size(), 0);
    in.act = random_input(n->model, 1, 11, out.size());
    out.push_back(std::move(in));
  }
  return out;
}

LiveResult run_bulk(const std::vector<const Network*>& batch) {
  auto inst = make_instances(batch);
  for (const auto* n : batch) n->file->drop_cache();
  LiveResult r;
  auto t0 = Clock::now();
  for (auto& in : inst) {
    int blocks = static_cast<int>(in.plans.size());
    for (int b = 0; b < blocks; ++b) {
      auto t = Clock::now();
      load_step(in, b);
      r.load_ms += ms_since(t);
    }
    for (int b = 0; b < blocks; ++b) {
      auto t = Clock::now();
      exec_step(in, b);
      r.exec_ms += ms_since(t);
    }
    r.steps += 2 * blocks;
  }
  r.makespan_ms = ms_since(t0);
  return r;
}

// EdgeCaffe's partial DAG on `workers` threads, first come first served.
// Runs f on a thread pinned to `cores` (oneDNN's OpenMP team sized to them), at SCHED_FIFO when
// `realtime`, so that the measuring thread's affinity does not leak into the caller.
template <class F>
void on_pinned_thread(const std::vector<int>& cores, bool realtime, F&& f) {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      pin_current_thread(cores, realtime);
      f();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
}

// Worker w runs on the cores of zoo processor w modulo their count.
LiveResult run_partial(const std::vector<const Network*>& batch, int workers, const std::vector<std::vector<int>>& cores,
                       bool realtime) {
  auto inst = make_instances(batch);
  for (const auto* n : batch) n->file->drop_cache();
  struct Task {
    int inst, block;
    bool exec;
  };
  std::deque<Task> ready;
  int remaining = 0;
  for (std::size_t i = 0; i < inst.size(); ++i) {
    for (int b = 0; b < static_cast<int>(inst[i].plans.size()); ++b) ready.push_back({static_cast<int>(i), b, false});
    remaining += static_cast<int>(inst[i].plans.size());
  }
  std::mutex mu;
  std::condition_variable cv;
  std::exception_ptr error;
  LiveResult r;
  auto t0 = Clock::now();
  auto worker = [&](int w) {
    try {
      pin_current_thread(cores[static_cast<std::size_t>(w) % cores.size()], realtime);
    } catch (...) {
      std::lock_guard<std::mutex> g(mu);
      error = std::current_exception();
      cv.notify_all();
      return;
    }
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return !ready.empty() || remaining == 0 || error; });
      if (remaining == 0 || error) return;
      Task t = ready.front();
      ready.pop_front();
      lock.unlock();
      Instance& in = inst[static_cast<std::size_t>(t.inst)];
      auto started = Clock::now();
      try {
        if (t.exec) exec_step(in, t.block);
        else load_step(in, t.block);
      } catch (...) {
        lock.lock();
        error = std::current_exception();
        cv.notify_all();
        return;
      }
      double took = ms_since(started);
      lock.lock();
      (t.exec ? r.exec_ms : r.load_ms) += took;
      ++r.steps;
      if (!t.exec) {
        in.loaded[static_cast<std::size_t>(t.block)] = 1;
        if (in.next_exec == t.block) ready.push_back({t.inst, t.block, true});
      } else {
        --remaining;
        in.next_exec = t.block + 1;
        if (in.next_exec < static_cast<int>(in.plans.size()) && in.loaded[static_cast<std::size_t>(in.next_exec)]) {
          ready.push_back({t.inst, in.next_exec, true});
        }
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(worker, w);
  for (auto& th : threads) th.join();
  if (error) std::rethrow_exception(error);
  r.makespan_ms = ms_since(t0);
  return r;
}

struct Recorder : hw::ExecutionListener {
  double makespan_ms = 0;
  void on_job_finished(const hw::JobSpec&, const hw::JobTiming& t) override {
    makespan_ms = std::max(makespan_ms, t.finished.to_ms());
  }
};

hw::LatencyDist dist(double mean_ms) {
  hw::LatencyDist d;
  d.mean_ms = mean_ms;  // no spread: the prediction uses the medians
  return d;
}

// The layerwise model's makespan for the batch from the per-block profile.
double predict(const std::vector<Network>& nets, const std::vector<int>& batch, hw::Layerwise::Mode mode, int workers) {
  hw::Profile pr;
  pr.processors = {"cpu"};
  pr.processor_kinds = {"CPU"};
  for (const auto& n : nets) {
    hw::ModelProfile m;
    m.name = n.name;
    hw::ZooVariant v;
    v.name = "dense";
    m.variants = {v};
    std::int64_t weights = 0, act = 0;
    double exec = 0;
    for (std::size_t b = 0; b < n.load_ms.size(); ++b) {
      hw::Layer l;
      l.name = fmt::format("{}_{}", n.name, b);
      l.kind = "block";
      l.weight_bytes = n.weights_bytes[b];
      m.layers.push_back(l);
      m.layer_latency.push_back(dist(n.exec_ms[b]));
      m.layer_load.push_back(dist(n.load_ms[b]));
      weights += n.weights_bytes[b];
      act = std::max(act, n.workspace_bytes[b]);
      exec += n.exec_ms[b];
    }
    m.subgraph_cuts = {0, static_cast<int>(n.load_ms.size())};
    hw::UnitMemory mem;
    mem.weights_bytes = weights;
    mem.activation_bytes = act;
    m.memory = {mem};
    m.latency = {dist(exec)};
    pr.models.push_back(m);
  }
  hw::Platform pf;
  pf.processors = {{"cpu", hw::ProcessorKind::kCpu, std::max(workers, 1)}};
  pf.memory_capacity_bytes = std::int64_t{1} << 50;  // no limit: this check is about overlap
  pf.handoff = {{sim::Time::zero()}};
  auto latency = hw::make_latency_model(sim::ConfigNode(sim::Json("profile_table"), "<layerwise-live>", "$.latency_model"));
  hw::WeightBlocks blocks(pr);
  sim::Engine engine;
  Recorder rec;
  hw::Layerwise::Options o;
  o.mode = mode;
  o.workers = workers;
  hw::Layerwise model(o);
  hw::ExecutionContext c;
  c.engine = &engine;
  c.platform = &pf;
  c.profile = &pr;
  c.latency = latency.get();
  c.blocks = &blocks;
  c.listener = &rec;
  model.bind(c);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    hw::JobSpec s;
    s.job = s.request = s.rng_stream = i;
    s.model = batch[i];
    model.submit(s);
  }
  engine.run();
  return rec.makespan_ms;
}

}  // namespace

sim::Json run_layerwise_live(const std::string& config_file, const std::string& out_dir, bool quiet, bool overwrite) {
  sim::Json cj = sim::read_json_file(config_file);
  sim::ConfigNode root(cj, config_file);
  root.expect_keys({"description", "zoo", "batch", "workers", "repeats", "profile_repeats"});
  if (root.has("description")) root.at("description").as_string();
  int workers = static_cast<int>(root.get_int("workers", 2));
  if (workers < 1 || workers > 64) root.at("workers").fail("must be in [1, 64]");
  int repeats = static_cast<int>(root.get_int("repeats", 7));
  if (repeats < 1 || repeats > 1000) root.at("repeats").fail("must be in [1, 1000]");
  int profile_repeats = static_cast<int>(root.get_int("profile_repeats", 7));
  if (profile_repeats < 1 || profile_repeats > 1000) root.at("profile_repeats").fail("must be in [1, 1000]");
  fs::path zoo_file = root.at("zoo").as_string();  // relative to the config's folder
  if (zoo_file.is_relative()) zoo_file = fs::path(config_file).parent_path() / zoo_file;
  ZooConfig zoo_cfg = read_zoo_config(zoo_file.lexically_normal().string());
  std::vector<int> batch_models;  // index into the zoo, per batch entry
  auto bn = root.at("batch");
  if (bn.size() == 0) bn.fail("needs at least one network");
  for (const auto& e : bn.elements()) {
    std::string name = e.as_string();
    int found = -1;
    for (std::size_t m = 0; m < zoo_cfg.models.size(); ++m)
      if (zoo_cfg.models[m].name == name) found = static_cast<int>(m);
    if (found < 0) e.fail(fmt::format("no model '{}' in the zoo", name));
    batch_models.push_back(found);
  }
  sim::RunDirectory dir(out_dir, "layerwise-live", overwrite);  // checks out_dir before anything runs

  Zoo zoo(zoo_cfg);
  std::vector<Network> nets;
  std::vector<int> net_of_zoo(zoo.models().size(), -1);
  std::string weights_dir = dir.file("weights");
  fs::create_directories(weights_dir);
  for (int zm : batch_models) {
    if (net_of_zoo[static_cast<std::size_t>(zm)] >= 0) continue;
    const ZooModel& z = zoo.models()[static_cast<std::size_t>(zm)];
    Network n;
    n.name = z.spec.name;
    n.model = z.variants.front();
    cut_evenly(n.model, static_cast<int>(n.model.blocks.size()));  // one subgraph per block
    std::string path = weights_dir + "/" + n.name + ".lw";
    write_layer_file(path, n.model);
    n.file = std::make_unique<LayerFile>(path);
    net_of_zoo[static_cast<std::size_t>(zm)] = static_cast<int>(nets.size());
    nets.push_back(std::move(n));
  }
  std::vector<std::vector<int>> cores;
  for (const auto& p : zoo.config().processors) cores.push_back(p.cores);
  bool realtime = zoo.config().realtime && realtime_permitted();
  on_pinned_thread(cores.front(), realtime, [&] {
    for (auto& n : nets) profile(n, profile_repeats);
  });
  std::vector<int> batch;
  std::vector<const Network*> batch_nets;
  for (int zm : batch_models) {
    batch.push_back(net_of_zoo[static_cast<std::size_t>(zm)]);
    batch_nets.push_back(&nets[static_cast<std::size_t>(batch.back())]);
  }

  sim::Json modes = sim::Json::object();
  for (auto mode : {hw::Layerwise::Mode::kBulk, hw::Layerwise::Mode::kPartial}) {
    bool partial = mode == hw::Layerwise::Mode::kPartial;
    double pred = predict(nets, batch, mode, partial ? workers : 1);
    std::vector<double> samples, loads, execs;
    int steps = 0;
    for (int r = 0; r < repeats; ++r) {
      LiveResult lr;
      if (partial) lr = run_partial(batch_nets, workers, cores, realtime);
      else on_pinned_thread(cores.front(), realtime, [&] { lr = run_bulk(batch_nets); });
      samples.push_back(lr.makespan_ms);
      loads.push_back(lr.load_ms);
      execs.push_back(lr.exec_ms);
      steps = lr.steps;
    }
    double med = median(samples);
    modes[hw::Layerwise::mode_name(mode)] = {{"workers", partial ? workers : 1},
                                             {"predicted_makespan_ms", pred},
                                             {"measured_makespan_ms", {{"median", med},
                                                                       {"min", *std::min_element(samples.begin(), samples.end())},
                                                                       {"max", *std::max_element(samples.begin(), samples.end())},
                                                                       {"samples", samples}}},
                                             {"error_pct", med > 0 ? 100.0 * (pred - med) / med : 0.0},
                                             {"steps_per_run", steps},
                                             {"measured_load_ms_sum_median", median(loads)},
                                             {"measured_exec_ms_sum_median", median(execs)}};
  }
  double load_sum = 0, exec_sum = 0, resident = 0;
  int block_count = 0;
  std::string csv = "network,block,weights_bytes,workspace_bytes,load_ms,exec_ms,page_cache_share_after_drop\n";
  for (int i : batch) {
    const Network& n = nets[static_cast<std::size_t>(i)];
    for (std::size_t b = 0; b < n.load_ms.size(); ++b) {
      load_sum += n.load_ms[b];
      exec_sum += n.exec_ms[b];
    }
  }
  for (const auto& n : nets) {
    for (std::size_t b = 0; b < n.load_ms.size(); ++b) {
      csv += fmt::format("{},{},{},{},{:.4f},{:.4f},{:.3f}\n", n.name, b, n.weights_bytes[b], n.workspace_bytes[b], n.load_ms[b],
                         n.exec_ms[b], n.resident_after_drop[b]);
      resident += std::max(0.0, n.resident_after_drop[b]);
      ++block_count;
    }
  }
  MachineInfo machine = machine_info();
  sim::Json summary = {
      {"config", config_file},
      {"batch", root.at("batch").json()},
      {"machine", machine.summary()},
      {"repeats", repeats},
      {"profile_repeats", profile_repeats},
      {"batch_load_ms_sum", load_sum},
      {"batch_exec_ms_sum", exec_sum},
      {"mean_page_cache_share_after_drop", block_count ? resident / block_count : 0.0},
      {"threads", fmt::format("profile and bulk on one thread pinned to processor '{}' of the zoo, partial worker w on "
                              "processor w modulo {}; oneDNN's OpenMP team sized to the processor's cores; SCHED_FIFO: {}",
                              zoo.config().processors.front().name, cores.size(), realtime ? "yes" : "no (not permitted or off)")},
      {"page_cache", "posix_fadvise(POSIX_FADV_DONTNEED) on the block's range before each read; no O_DIRECT, no drop_caches"},
      {"modes", modes}};
  fs::remove_all(weights_dir);
  sim::write_json_file(dir.file("summary.json"), summary);
  {
    std::ofstream f(dir.file("blocks.csv"));
    f << csv;
  }
  dir.commit();
  if (!quiet) {
    fmt::print("{:<8} {:>8} {:>14} {:>14} {:>9} {:>14} {:>14}\n", "mode", "workers", "predicted_ms", "measured_ms", "error",
               "load_sum_ms", "exec_sum_ms");
    for (auto it = modes.begin(); it != modes.end(); ++it) {
      const auto& m = it.value();
      fmt::print("{:<8} {:>8} {:>14.2f} {:>14.2f} {:>+8.1f}% {:>14.2f} {:>14.2f}\n", it.key(), m["workers"].get<int>(),
                 m["predicted_makespan_ms"].get<double>(), m["measured_makespan_ms"]["median"].get<double>(),
                 m["error_pct"].get<double>(), m["measured_load_ms_sum_median"].get<double>(),
                 m["measured_exec_ms_sum_median"].get<double>());
    }
    fmt::print("batch: loads {:.2f} ms + executions {:.2f} ms (profiled, one thread); page-cache share after a drop {:.3f}\n",
               load_sum, exec_sum, block_count ? resident / block_count : 0.0);
    fmt::print("results in {}/ on {}\n", out_dir, machine.cpu_model);
  }
  return summary;
}

}  // namespace live
