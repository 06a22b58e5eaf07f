#include "experiments/experiment.h"

#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "hw-models/soc.h"
#include "policies/preloader.h"
#include "sim/output_path.h"
#include "sim/registry.h"
#include "sim/table.h"

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

// Registry-built parts are resolved once here so config.resolved.json shows every default.
sim::Json resolve_component(const sim::ConfigNode& node, auto make) {
  sim::Json r;
  make(node, &r);
  return r;
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

Experiment load_experiment_json(const sim::Json& config, const std::string& file, const std::string& base_dir,
                                const std::string& json_path) {
  sim::ConfigNode root(config, file, json_path);
  root.expect_keys({"name", "description", "seed", "duration", "platform", "profile", "latency_model", "scheduler",
                    "variant_selector", "preloader", "memory_budget", "precision_change_ms", "tasks", "slo_changes",
                    "outputs"});
  Experiment e;
  e.file = file;
  e.base_dir = base_dir;
  if (root.has("description")) root.at("description").as_string();
  // The name becomes the default output folder runs/<name>: one path component of its own.
  e.name = root.has("name") ? sim::checked_output_name(root.at("name")) : fs::path(file).stem().string();
  e.seed = root.has("seed") ? root.at("seed").as_uint64() : 1;
  e.duration = root.has("duration") ? root.at("duration").as_duration("s") : sim::from_s(60);
  if (e.duration <= sim::Time::zero()) root.at("duration").fail("must be positive");

  // Platform: a file path or an inline object.
  sim::ConfigNode pnode = root.at("platform");
  if (pnode.is_string()) {
    std::string pfile = resolve_path(base_dir, pnode.as_string());
    sim::Json pj = sim::read_json_file(pfile);
    e.platform = hw::read_platform(sim::ConfigNode(pj, pfile));
  } else {
    e.platform = hw::read_platform(pnode);
  }
  std::string profile_file = resolve_path(base_dir, root.at("profile").as_string());
  e.profile = cached_profile(profile_file);
  const hw::Profile& profile = *e.profile;

  e.latency_node = root.has("latency_model") ? root.at("latency_model")
                                             : sim::ConfigNode(sim::Json{{"name", "profile_table"}}, file, "$.latency_model");
  e.scheduler_node = root.has("scheduler") ? root.at("scheduler")
                                           : sim::ConfigNode(sim::Json{{"name", "shortest_expected_latency"}}, file, "$.scheduler");
  e.selector_node = root.has("variant_selector")
                        ? root.at("variant_selector")
                        : sim::ConfigNode(sim::Json{{"name", "fixed"}}, file, "$.variant_selector");

  e.preloader_node = root.has("preloader") ? root.at("preloader")
                                           : sim::ConfigNode(sim::Json{{"name", "none"}}, file, "$.preloader");
  e.precision_change_ms = root.get_double("precision_change_ms", 0.15, 0.0, sim::kMaxInputMs);

  sim::Json resolved = config;
  resolved["precision_change_ms"] = e.precision_change_ms;
  resolved["name"] = e.name;
  resolved["seed"] = e.seed;
  resolved["duration"] = fmt::format("{}ns", e.duration.ns);
  resolved["latency_model"] = resolve_component(e.latency_node, hw::make_latency_model);
  resolved["scheduler"] = resolve_component(e.scheduler_node, policies::make_scheduler);
  resolved["variant_selector"] = resolve_component(e.selector_node, policies::make_variant_selector);
  resolved["preloader"] = resolve_component(e.preloader_node, policies::make_preloader);
  resolved["platform"] = hw::to_json(e.platform);
  resolved["profile"] = profile_file;

  // Every platform processor the profile names must exist on the platform and vice versa the
  // profile must cover at least one platform processor.
  bool any_shared = false;
  for (const auto& pname : profile.processors) any_shared = any_shared || e.platform.find(pname) >= 0;
  if (!any_shared) root.at("profile").fail("the profile covers none of the platform's processors");

  auto tasks = root.at("tasks");
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
    t.arrival_node = tn.at("arrival");
    sim::Json arrival_resolved;
    t.rate_rps = workloads::make_arrival(t.arrival_node, base_dir, &arrival_resolved)->mean_rate_rps();
    resolved["tasks"].push_back({{"name", t.name}, {"model", t.model_name}, {"variant", vname},
                                 {"slo", workloads::to_json(t.slo)}, {"arrival", arrival_resolved},
                                 {"max_requests", t.max_requests}, {"start", fmt::format("{}ns", t.start.ns)}});
    e.tasks.push_back(std::move(t));
  }

  // A memory budget as a share of the tasks' model zoos (every variant of every subgraph)
  // replaces the platform's capacity; room for the activations of every slot is added, so the
  // budget is what the weights may occupy.
  if (root.has("memory_budget")) {
    auto mb = root.at("memory_budget");
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

  if (root.has("slo_changes")) {
    for (const auto& cn : root.at("slo_changes").elements()) {
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
  if (root.has("outputs")) {
    auto on = root.at("outputs");
    on.expect_keys({"trace", "trace_max_requests", "intervals", "sinks"});
    e.outputs.trace = on.get_bool("trace", true);
    e.outputs.trace_max_requests = on.get_int("trace_max_requests", 2000);
    if (e.outputs.trace_max_requests < 0) on.at("trace_max_requests").fail("must not be negative");
    e.outputs.intervals = on.get_bool("intervals", true);
    if (on.has("sinks")) e.outputs.sinks = on.at("sinks").elements();
  }
  if (e.outputs.sinks.empty()) e.outputs.sinks.push_back(sim::ConfigNode(sim::Json("hdf5"), file, "$.outputs.sinks[0]"));
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
