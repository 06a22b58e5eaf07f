#include "experiments/experiment.h"

#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "policies/preloader.h"
#include "sim/output_path.h"
#include "sim/registry.h"
#include "sim/table.h"
#include "workloads/edgecaffe_arrivals.h"

namespace experiments {
namespace fs = std::filesystem;

namespace {

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  fs::path f(p);
  return (f.is_relative() ? fs::path(base_dir) / f : f).lexically_normal().string();
}

// Profiles are immutable once read; sweeps load the same file thousands of times, so reads are
// shared per (path, modification time). Thread-safe.
std::shared_ptr<const hw::Profile> cached_profile(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<fs::file_time_type, std::shared_ptr<const hw::Profile>>> cache;
  std::error_code ec;
  auto mtime = fs::last_write_time(file, ec);
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(file);
    if (!ec && it != cache.end() && it->second.first == mtime) return it->second.second;
  }
  auto p = std::make_shared<const hw::Profile>(hw::read_profile(file));
  std::lock_guard lock(mutex);
  if (!ec) cache[file] = {mtime, p};
  return p;
}

}  // namespace

Experiment load_experiment(const std::string& file, const std::vector<std::string>& overrides,
                           std::optional<std::uint64_t> seed) {
  sim::Json config = sim::read_json_file(file);
  for (const auto& o : overrides) sim::apply_override(config, o);
  if (seed) config["seed"] = *seed;
  std::string base = fs::path(file).parent_path().string();
  return load_experiment_json(config, file, base.empty() ? "." : base);
}

const std::vector<sim::ParamSpec>& experiment_params() {
  static const std::vector<sim::ParamSpec> specs = {
      sim::param_string("name", "", "run name, one path component (the default output folder runs/NAME); absent: the config file's stem"),
      sim::param_string("description", "", "free text, kept in config.resolved.json"),
      // JSON-typed so the whole unsigned 64-bit range is accepted (read with as_uint64 below).
      sim::param_json("seed", 1, "root of every random stream (arrivals, latencies, policies): an integer in [0, 2^64)"),
      sim::param_duration("duration", "60s", "arrivals stop here; requests in flight then run to completion"),
      sim::param_json("platform", sim::Json(), "platform file (relative to the config) or inline object"),
      sim::param_string("profile", std::nullopt, "profile file (.json or .h5), relative to the config"),
      sim::param_json("latency_model", sim::Json{{"name", "profile_table"}}, "latency_model component"),
      sim::param_json("scheduler", sim::Json{{"name", "shortest_expected_latency"}}, "scheduler component"),
      sim::param_json("variant_selector", sim::Json{{"name", "fixed"}}, "variant_selector (planner) component"),
      sim::param_json("preloader", sim::Json{{"name", "none"}}, "preloader component"),
      sim::param_json("execution_model", sim::Json{{"name", "soc"}}, "execution_model component"),
      sim::param_json("memory_budget", sim::Json::object(),
                      "{\"share_of_zoo\": x}: weights may use x of the tasks' zoos (replaces the platform's capacity); {}: none"),
      sim::param_double("precision_change_ms", 0.15, "ms",
                        "conversion cost at a boundary between subgraphs of different precision, where the profile has none", 0.0,
                        sim::kMaxInputMs),
      sim::param_json("tasks", sim::Json(), "list of tasks: name, model, variant, slo, arrival, max_requests, start"),
      sim::param_json("slo_changes", sim::Json::array(), "list of {at, task, latency_ms, min_accuracy}"),
      sim::param_json("arrival_sets", sim::Json::array(),
                      "list of {name, tasks, arrival, gated, draw, max_sets, start}: tasks whose requests arrive together "
                      "(tasks in a set have no arrival of their own)"),
      sim::param_json("outputs", sim::Json::object(), "{trace, trace_max_requests, intervals, sinks, decisions (record why each job went where), decisions_max_rows}"),
  };
  return specs;
}

Experiment load_experiment_json(const sim::Json& config, const std::string& file, const std::string& base_dir,
                                const std::string& json_path) {
  sim::ConfigNode root(config, file, json_path);
  root.expect_object();
  const sim::Params top(root, experiment_params(), {});
  Experiment e;
  e.file = file;
  e.base_dir = base_dir;
  // The name becomes the default output folder runs/<name>: one path component of its own.
  e.name = root.has("name") ? sim::checked_output_name(root.at("name")) : fs::path(file).stem().string();
  e.seed = top.node("seed").as_uint64();
  e.duration = top.get_duration("duration");
  if (e.duration <= sim::Time::zero()) root.at("duration").fail("must be positive");

  // Platform: a file path or an inline object.
  sim::ConfigNode pnode = top.node("platform");
  if (pnode.is_string()) {
    std::string pfile = resolve_path(base_dir, pnode.as_string());
    sim::Json pj = sim::read_json_file(pfile);
    e.platform = hw::read_platform(sim::ConfigNode(pj, pfile));
  } else {
    e.platform = hw::read_platform(pnode);
  }
  std::string profile_file = resolve_path(base_dir, top.get_string("profile"));
  e.profile = cached_profile(profile_file);
  const hw::Profile& profile = *e.profile;

  e.latency = sim::Component<hw::LatencyModel>(top.node("latency_model"));
  e.scheduler = sim::Component<policies::Scheduler>(top.node("scheduler"));
  e.selector = sim::Component<policies::VariantSelector>(top.node("variant_selector"));
  e.preloader = sim::Component<policies::Preloader>(top.node("preloader"));
  e.execution = sim::Component<hw::ExecutionModel>(top.node("execution_model"));
  e.precision_change_ms = top.get_double("precision_change_ms");

  sim::Json resolved = top.resolved();
  resolved["name"] = e.name;
  resolved["latency_model"] = e.latency.resolved();
  resolved["scheduler"] = e.scheduler.resolved();
  resolved["variant_selector"] = e.selector.resolved();
  resolved["preloader"] = e.preloader.resolved();
  resolved["execution_model"] = e.execution.resolved();
  resolved["platform"] = hw::to_json(e.platform);
  resolved["profile"] = profile_file;

  // Every platform processor the profile names must exist on the platform and vice versa the
  // profile must cover at least one platform processor.
  bool any_shared = false;
  for (const auto& pname : profile.processors) any_shared = any_shared || e.platform.find(pname) >= 0;
  if (!any_shared) top.node("profile").fail("the profile covers none of the platform's processors");

  auto tasks = top.node("tasks");
  if (tasks.size() == 0) tasks.fail("an experiment needs at least one task");
  resolved["tasks"] = sim::Json::array();
  for (const auto& tn : tasks.elements()) {
    tn.expect_keys({"name", "model", "variant", "slo", "arrival", "max_requests", "start"});
    TaskConfig t;
    t.name = tn.at("name").as_string();
    for (const auto& other : e.tasks)
      if (other.name == t.name) tn.at("name").fail(fmt::format("duplicate task name '{}'", t.name));
    t.model_name = tn.at("model").as_string();
    t.model = profile.find_model(t.model_name);
    if (t.model < 0) {
      tn.at("model").fail(fmt::format("model '{}' has no entry in profile {}", t.model_name, profile_file));
    }
    const hw::ModelProfile& m = profile.models[static_cast<std::size_t>(t.model)];
    if (m.subgraph_count > policies::kMaxPlanSubgraphs) {
      tn.at("model").fail(fmt::format("model '{}' has {} subgraphs; simulations support at most {}", t.model_name,
                                      m.subgraph_count, policies::kMaxPlanSubgraphs));
    }
    t.start = tn.has("start") ? tn.at("start").as_duration("s") : sim::Time::zero();
    if (t.start < sim::Time::zero()) tn.at("start").fail("must not be negative");
    std::string vname = tn.get_string("variant", m.variants.front().name);
    t.variant = m.find_variant(vname);
    if (t.variant < 0) tn.at("variant").fail(fmt::format("model '{}' has no variant '{}'", t.model_name, vname));
    for (int s = 0; s < m.subgraph_count; ++s) {
      bool any = false;
      for (const auto& proc : e.platform.processors) {
        int pp = profile.find_processor(proc.name);
        any = any || (pp >= 0 && profile.latency(t.model, t.variant, s, pp));
      }
      if (!any) {
        tn.fail(fmt::format("no processor of the platform can run subgraph {} of {}/{} (profile {})", s, t.model_name,
                            vname, profile_file));
      }
      const auto& mem = m.unit_memory(t.variant, s);
      if (mem.weights_bytes + mem.activation_bytes > e.platform.memory_capacity_bytes) {
        tn.fail(fmt::format("subgraph {} of {}/{} needs {} bytes, more than the platform's memory", s, t.model_name,
                            vname, mem.weights_bytes + mem.activation_bytes));
      }
    }
    t.slo = workloads::read_slo(tn.at("slo"));
    t.max_requests = tn.get_int("max_requests", 0);
    if (t.max_requests < 0) tn.at("max_requests").fail("must not be negative");
    sim::Json arrival_resolved;
    if (tn.has("arrival")) {
      t.arrival_node = tn.at("arrival");
      t.rate_rps = workloads::make_arrival(t.arrival_node, base_dir, &arrival_resolved)->mean_rate_rps();
    }
    resolved["tasks"].push_back({{"name", t.name}, {"model", t.model_name}, {"variant", vname},
                                 {"slo", workloads::to_json(t.slo)}, {"arrival", arrival_resolved},
                                 {"max_requests", t.max_requests}, {"start", fmt::format("{}ns", t.start.ns)}});
    if (arrival_resolved.is_null()) resolved["tasks"].back().erase("arrival");
    e.tasks.push_back(std::move(t));
  }

  auto sets = top.node("arrival_sets");
  resolved["arrival_sets"] = sim::Json::array();
  for (const auto& sn : sets.elements()) {
    sn.expect_keys({"name", "tasks", "arrival", "gated", "draw", "max_sets", "start", "replay"});
    ArrivalSetConfig a;
    a.name = sn.at("name").as_string();
    auto index = static_cast<int>(e.arrival_sets.size());
    for (const auto& tn : sn.at("tasks").elements()) {
      std::string name = tn.as_string();
      int t = -1;
      for (std::size_t i = 0; i < e.tasks.size(); ++i)
        if (e.tasks[i].name == name) t = static_cast<int>(i);
      if (t < 0) tn.fail(fmt::format("unknown task '{}'", name));
      auto& task = e.tasks[static_cast<std::size_t>(t)];
      if (task.set >= 0 && task.set != index) tn.fail(fmt::format("task '{}' is already in another arrival set", name));
      if (!task.arrival_node.json().is_null()) tn.fail(fmt::format("task '{}' has an arrival of its own", name));
      task.set = index;
      a.tasks.push_back(t);
    }
    if (a.tasks.empty()) sn.at("tasks").fail("an arrival set needs at least one task");
    a.gated = sn.has("gated") && sn.at("gated").as_bool();
    a.draw = static_cast<int>(sn.get_int("draw", 0));
    if (a.draw < 0) sn.at("draw").fail("must not be negative");
    a.max_sets = sn.get_int("max_sets", 0);
    if (a.max_sets < 0) sn.at("max_sets").fail("must not be negative");
    a.start = sn.has("start") ? sn.at("start").as_duration("s") : sim::Time::zero();
    sim::Json set_resolved = {{"name", a.name}, {"gated", a.gated}, {"draw", a.draw}, {"max_sets", a.max_sets},
                              {"start", fmt::format("{}ns", a.start.ns)}, {"tasks", sn.at("tasks").json()}};
    if (sn.has("replay")) {
      if (sn.has("arrival") || a.draw > 0) sn.at("replay").fail("a replayed set takes neither 'arrival' nor 'draw'");
      std::string list = sn.at("replay").as_string();
      std::string path = std::filesystem::path(list).is_absolute() ? list : (std::filesystem::path(base_dir) / list).string();
      for (const auto& entry : workloads::read_edgecaffe_arrivals(path)) {
        ArrivalSetConfig::Listed listed{entry.gap, {}};
        for (const auto& net : entry.networks) {
          int found = -1;
          for (int t : a.tasks)
            if (e.tasks[static_cast<std::size_t>(t)].model_name == net) found = t;
          if (found < 0) {
            throw sim::ConfigError(path, fmt::format("line {}", entry.line),
                                   fmt::format("network '{}' is not the model of any task of arrival set '{}'", net, a.name));
          }
          listed.tasks.push_back(found);
        }
        a.replay.push_back(std::move(listed));
      }
      if (a.replay.empty()) sn.at("replay").fail("the arrival list is empty");
      set_resolved["replay"] = path;
    } else if (sn.has("arrival")) {
      a.has_arrival = true;
      a.arrival_node = sn.at("arrival");
      sim::Json arrival_resolved;
      double rate = workloads::make_arrival(a.arrival_node, base_dir, &arrival_resolved)->mean_rate_rps();
      for (int t : a.tasks) e.tasks[static_cast<std::size_t>(t)].rate_rps = rate;
      set_resolved["arrival"] = arrival_resolved;
    } else if (!a.gated) {
      sn.fail("a set without an arrival process or a replayed list must be gated (it arrives whenever all is idle)");
    }
    resolved["arrival_sets"].push_back(set_resolved);
    e.arrival_sets.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < e.tasks.size(); ++i) {
    if (e.tasks[i].set < 0 && e.tasks[i].arrival_node.json().is_null()) {
      tasks.elements()[i].fail("a task needs an arrival, or a place in an arrival set");
    }
  }

  // A memory budget as a share of the tasks' model zoos (every variant of every subgraph)
  // replaces the platform's capacity; room for the activations of every slot is added, so the
  // budget is what the weights may occupy.
  if (!top.get_json("memory_budget").empty()) {
    auto mb = top.node("memory_budget");
    mb.expect_keys({"share_of_zoo"});
    double share = mb.at("share_of_zoo").as_double(0.0, 1.0);
    std::int64_t zoo = 0, largest = 0, act = 0;
    std::vector<bool> seen(profile.models.size(), false);
    for (const auto& t : e.tasks) {
      const auto& m = profile.models[static_cast<std::size_t>(t.model)];
      for (const auto& u : m.memory) {
        act = std::max(act, u.activation_bytes);
        largest = std::max(largest, u.weights_bytes);
        if (!seen[static_cast<std::size_t>(t.model)] && __builtin_add_overflow(zoo, u.weights_bytes, &zoo)) {
          mb.fail("the tasks' zoos are too large to add up");
        }
      }
      seen[static_cast<std::size_t>(t.model)] = true;
    }
    int slots = 0;
    for (const auto& p : e.platform.processors) slots += p.slots;
    // At least one unit must always fit, or on-demand loading could wait forever.
    auto budget = std::max(static_cast<std::int64_t>(share * static_cast<double>(zoo)), largest);
    std::int64_t activations = 0;
    if (__builtin_mul_overflow(act, static_cast<std::int64_t>(slots), &activations) ||
        __builtin_add_overflow(budget, activations, &e.platform.memory_capacity_bytes)) {
      mb.fail("the budget plus every slot's activations is too large");
    }
    resolved["memory_budget"] = {{"share_of_zoo", share}, {"zoo_bytes", zoo}, {"budget_bytes", budget},
                                 {"capacity_bytes", e.platform.memory_capacity_bytes}};
    resolved["platform"] = hw::to_json(e.platform);
  }

  {
    for (const auto& cn : top.node("slo_changes").elements()) {
      cn.expect_keys({"at", "task", "latency_ms", "min_accuracy"});
      workloads::SloChange c;
      c.at = cn.at("at").as_duration("s");
      if (c.at < sim::Time::zero()) cn.at("at").fail("must not be negative");
      std::string tname = cn.at("task").as_string();
      int idx = -1;
      for (std::size_t i = 0; i < e.tasks.size(); ++i)
        if (e.tasks[i].name == tname) idx = static_cast<int>(i);
      if (idx < 0) cn.at("task").fail(fmt::format("unknown task '{}'", tname));
      c.task = static_cast<std::size_t>(idx);
      sim::Json slo_part = sim::Json::object();
      if (cn.has("latency_ms")) slo_part["latency_ms"] = cn.at("latency_ms").json();
      if (cn.has("min_accuracy")) slo_part["min_accuracy"] = cn.at("min_accuracy").json();
      c.slo = workloads::read_slo(sim::ConfigNode(slo_part, file, cn.path()), &e.tasks[c.task].slo);
      e.slo_changes.push_back(c);
    }
  }

  sim::Json outputs_resolved;
  {
    auto on = top.node("outputs");
    on.expect_keys({"trace", "trace_max_requests", "intervals", "sinks", "decisions", "decisions_max_rows"});
    e.outputs.trace = on.get_bool("trace", true);
    e.outputs.trace_max_requests = on.get_int("trace_max_requests", 2000);
    if (e.outputs.trace_max_requests < 0) on.at("trace_max_requests").fail("must not be negative");
    e.outputs.intervals = on.get_bool("intervals", true);
    bool decisions = on.get_bool("decisions", false);
    std::int64_t max_rows = on.get_int("decisions_max_rows", 1000000);
    if (max_rows < 1) on.at("decisions_max_rows").fail("must be at least 1");
    e.outputs.decisions_max_rows = decisions ? max_rows : 0;
    outputs_resolved["decisions"] = decisions;
    outputs_resolved["decisions_max_rows"] = max_rows;
    // No "sinks": the HDF5 tables; "sinks": [] writes no tables at all.
    if (on.has("sinks")) e.outputs.sinks = on.at("sinks").elements();
    else e.outputs.sinks.push_back(sim::ConfigNode(sim::Json("hdf5"), file, "$.outputs.sinks[0]"));
  }
  outputs_resolved["trace"] = e.outputs.trace;
  outputs_resolved["trace_max_requests"] = e.outputs.trace_max_requests;
  outputs_resolved["intervals"] = e.outputs.intervals;
  outputs_resolved["sinks"] = sim::Json::array();
  for (const auto& s : e.outputs.sinks) {
    sim::Json r;
    sim::make_sink(s, &r);
    outputs_resolved["sinks"].push_back(r);
  }
  resolved["outputs"] = outputs_resolved;
  resolved["version"] = STITCHSIM_VERSION;
  e.resolved = std::move(resolved);
  return e;
}

}  // namespace experiments
