#include "experiments/result_tables.h"

#include <cmath>

namespace experiments {

ResultRows::ResultRows(const Experiment& e) : e_(e) {
  rc_.id = &req_.ints("id");
  rc_.task = &req_.strings("task");
  rc_.arrival = &req_.ints("arrival_ns", "ns");
  rc_.start = &req_.ints("start_ns", "ns");
  rc_.finish = &req_.ints("finish_ns", "ns");
  rc_.deadline = &req_.ints("deadline_ns", "ns");
  rc_.latency = &req_.reals("latency_ms", "ms");
  rc_.met_latency = &req_.ints("met_latency");
  rc_.met_accuracy = &req_.ints("met_accuracy");
  rc_.variant = &req_.strings("variant");
  rc_.processors = &req_.strings("processors");
  rc_.drop_reason = &req_.strings("drop_reason");
  ic_.processor = &iv_.strings("processor");
  ic_.slot = &iv_.ints("slot");
  ic_.request = &iv_.ints("request");
  ic_.subgraph = &iv_.ints("subgraph");
  ic_.phase = &iv_.strings("phase");
  ic_.start = &iv_.ints("start_ns", "ns");
  ic_.end = &iv_.ints("end_ns", "ns");
  dc_.at = &dec_.ints("time_ns", "ns");
  dc_.kind = &dec_.strings("kind");
  dc_.request = &dec_.ints("request");
  dc_.subgraph = &dec_.ints("subgraph");
  dc_.processor = &dec_.strings("processor");
  dc_.competing = &dec_.ints("competing");
  dc_.key = &dec_.reals("key");
  dc_.key_name = &dec_.strings("key_name");
  dc_.reason = &dec_.strings("reason");
  dc_.note = &dec_.strings("note");
}

void ResultRows::add_request(const RequestRecord& x, const policies::Plan& plan) {
  const auto& t = e_.tasks[static_cast<std::size_t>(x.task)];
  const auto& m = e_.profile->models[static_cast<std::size_t>(t.model)];
  rc_.id->push_back(static_cast<std::int64_t>(x.id));
  rc_.task->push_back(t.name);
  rc_.arrival->push_back(x.arrival.ns);
  rc_.start->push_back(x.start.ns);
  rc_.finish->push_back(x.finish.ns);
  rc_.deadline->push_back(x.deadline.ns);
  rc_.latency->push_back(x.finished() ? (x.finish - x.arrival).to_ms() : std::nan(""));
  rc_.met_latency->push_back(x.finished() && x.finish <= x.deadline);
  rc_.met_accuracy->push_back(plan.accuracy >= x.min_accuracy);
  rc_.variant->push_back(plan_label(plan, m));
  rc_.processors->push_back(processor_path(x, e_.platform, m.subgraph_count));
  rc_.drop_reason->push_back(x.drop_reason ? x.drop_reason : "");
}

void ResultRows::add_interval(const hw::BusyInterval& x) {
  ic_.processor->push_back(e_.platform.processors[static_cast<std::size_t>(x.processor)].name);
  ic_.slot->push_back(x.slot);
  ic_.request->push_back(static_cast<std::int64_t>(x.request));
  ic_.subgraph->push_back(x.subgraph);
  ic_.phase->push_back(x.phase == 0 ? "load" : "execute");
  ic_.start->push_back(x.start.ns);
  ic_.end->push_back(x.end.ns);
}

void ResultRows::add_decision(const DecisionRecord& x) {
  dc_.at->push_back(x.at.ns);
  dc_.kind->push_back(x.kind);
  dc_.request->push_back(static_cast<std::int64_t>(x.request));
  dc_.subgraph->push_back(x.subgraph);
  dc_.processor->push_back(x.processor >= 0 ? e_.platform.processors[static_cast<std::size_t>(x.processor)].name : "");
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
  for (sim::Table* t : tables()) {
    if (t->rows() < min_rows) continue;
    for (const auto& s : sessions) s->append(*t);
    t->clear_rows();
  }
}

}  // namespace experiments
