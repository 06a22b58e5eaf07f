#include "experiments/result_tables.h"

#include <cmath>

namespace experiments {

ResultRows::ResultRows(const Experiment& e) : e_(e) {
  rc_.id = &req_.ints("id");
  rc_.task = &req_.categorical("task");
  rc_.arrival = &req_.ints("arrival_ns", "ns");
  rc_.start = &req_.ints("start_ns", "ns");
  rc_.finish = &req_.ints("finish_ns", "ns");
  rc_.deadline = &req_.ints("deadline_ns", "ns");
  rc_.latency = &req_.reals("latency_ms", "ms");
  rc_.met_latency = &req_.ints32("met_latency");
  rc_.met_accuracy = &req_.ints32("met_accuracy");
  rc_.variant = &req_.categorical("variant");
  rc_.processors = &req_.categorical("processors");
  rc_.drop_reason = &req_.categorical("drop_reason");
  ic_.processor = &iv_.categorical("processor");
  ic_.slot = &iv_.ints32("slot");
  ic_.request = &iv_.ints("request");
  ic_.subgraph = &iv_.ints32("subgraph");
  ic_.phase = &iv_.categorical("phase");
  ic_.start = &iv_.ints("start_ns", "ns");
  ic_.end = &iv_.ints("end_ns", "ns");
  dc_.at = &dec_.ints("time_ns", "ns");
  dc_.kind = &dec_.categorical("kind");
  dc_.request = &dec_.ints("request");
  dc_.subgraph = &dec_.ints32("subgraph");
  dc_.processor = &dec_.categorical("processor");
  dc_.competing = &dec_.ints32("competing");
  dc_.key = &dec_.reals("key");
  dc_.key_name = &dec_.categorical("key_name");
  dc_.reason = &dec_.categorical("reason");
  dc_.note = &dec_.strings("note");
  // Codes of the strings every run writes, given up front so that rows push codes (no string per
  // row): tasks and processors in their index order, phases 0 = load, 1 = execute.
  for (const auto& t : e_.tasks) task_code_.push_back(rc_.task->code(t.name));
  for (const auto& p : e_.platform.processors) {
    processor_code_.push_back(ic_.processor->code(p.name));
    decision_processor_code_.push_back(dc_.processor->code(p.name));
  }
  phase_code_ = {ic_.phase->code("load"), ic_.phase->code("execute")};
  model_variant_code_.resize(e_.profile->models.size());
}

std::int32_t ResultRows::variant_code(const policies::Plan& plan, int model) {
  const auto& m = e_.profile->models[static_cast<std::size_t>(model)];
  if (!plan.stitched(m.subgraph_count)) {
    // Zoo variants: one code per (model, variant), found once.
    auto& codes = model_variant_code_[static_cast<std::size_t>(model)];
    auto v = static_cast<std::size_t>(plan.variant[0]);
    if (codes.size() <= v) codes.resize(v + 1, -1);
    if (codes[v] < 0) codes[v] = rc_.variant->code(plan_label(plan, m));
    return codes[v];
  }
  return rc_.variant->code(plan_label(plan, m));
}

std::int32_t ResultRows::path_code(const RequestRecord& x, int subgraphs) {
  // The path reads the first `subgraphs` nibbles of the packed processor list only: look it up by
  // those.
  const std::uint64_t mask = subgraphs >= 16 ? ~std::uint64_t{0} : (std::uint64_t{1} << (4 * subgraphs)) - 1;
  auto [it, added] = path_code_.try_emplace(x.processors & mask, 0);
  if (added) it->second = rc_.processors->code(processor_path(x, e_.platform, subgraphs));
  return it->second;
}

void ResultRows::add_request(const RequestRecord& x, const policies::Plan& plan,
                             const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t chunk_rows) {
  add_request(x, plan);
  flush(req_, sessions, chunk_rows);
}

void ResultRows::add_interval(const hw::BusyInterval& x, const std::vector<std::unique_ptr<sim::TableSession>>& sessions,
                              std::size_t chunk_rows) {
  add_interval(x);
  flush(iv_, sessions, chunk_rows);
}

void ResultRows::add_decision(const DecisionRecord& x, const std::vector<std::unique_ptr<sim::TableSession>>& sessions,
                              std::size_t chunk_rows) {
  add_decision(x);
  flush(dec_, sessions, chunk_rows);
}

void ResultRows::add_request(const RequestRecord& x, const policies::Plan& plan) {
  const auto& t = e_.tasks[static_cast<std::size_t>(x.task)];
  const auto& m = e_.profile->models[static_cast<std::size_t>(t.model)];
  rc_.id->push_back(static_cast<std::int64_t>(x.id));
  rc_.task->push_code(task_code_[static_cast<std::size_t>(x.task)]);
  rc_.arrival->push_back(x.arrival.ns);
  rc_.start->push_back(x.start.ns);
  rc_.finish->push_back(x.finish.ns);
  rc_.deadline->push_back(x.deadline.ns);
  rc_.latency->push_back(x.finished() ? (x.finish - x.arrival).to_ms() : std::nan(""));
  rc_.met_latency->push_back(x.finished() && x.finish <= x.deadline);
  rc_.met_accuracy->push_back(plan.accuracy >= x.min_accuracy);
  rc_.variant->push_code(variant_code(plan, t.model));
  rc_.processors->push_code(path_code(x, m.subgraph_count));
  rc_.drop_reason->push_back(x.drop_reason ? x.drop_reason : "");
}

void ResultRows::add_interval(const hw::BusyInterval& x) {
  ic_.processor->push_code(processor_code_[static_cast<std::size_t>(x.processor)]);
  ic_.slot->push_back(x.slot);
  ic_.request->push_back(static_cast<std::int64_t>(x.request));
  ic_.subgraph->push_back(x.subgraph);
  ic_.phase->push_code(phase_code_[x.phase == 0 ? 0 : 1]);
  ic_.start->push_back(x.start.ns);
  ic_.end->push_back(x.end.ns);
}

void ResultRows::add_decision(const DecisionRecord& x) {
  dc_.at->push_back(x.at.ns);
  dc_.kind->push_back(x.kind);
  dc_.request->push_back(static_cast<std::int64_t>(x.request));
  dc_.subgraph->push_back(x.subgraph);
  if (x.processor >= 0) dc_.processor->push_code(decision_processor_code_[static_cast<std::size_t>(x.processor)]);
  else dc_.processor->push_back("");
  dc_.competing->push_back(x.competing);
  dc_.key->push_back(x.key);
  dc_.key_name->push_back(x.key_name);
  dc_.reason->push_back(x.reason);
  dc_.note->push_back(x.note);
}

std::vector<sim::Table*> ResultRows::tables() {
  std::vector<sim::Table*> out{&req_};
  if (e_.outputs.intervals) out.push_back(&iv_);
  if (e_.outputs.decisions_max_rows > 0) out.push_back(&dec_);
  return out;
}

void ResultRows::flush(const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t min_rows) {
  for (sim::Table* t : tables()) flush(*t, sessions, min_rows);
}

void ResultRows::flush(sim::Table& t, const std::vector<std::unique_ptr<sim::TableSession>>& sessions,
                       std::size_t min_rows) {
  // The first column's length is the table's (rows() checks them all when the chunk goes out).
  if (t.columns().empty() || t.columns().front().size() < min_rows) return;
  for (const auto& s : sessions) s->append(t);
  t.clear_rows();
}

}  // namespace experiments
