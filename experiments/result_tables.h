// The rows of a run's result tables ("requests", "processor_intervals", "decisions"), built one
// record at a time. make_tables() fills them from a finished RunResult; a streaming run appends
// rows as requests end and flushes full chunks to the sinks (TableSession), so memory stays
// bounded by the chunk size whatever the run's length.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/request_flow.h"
#include "sim/table.h"

namespace experiments {

class ResultRows {
 public:
  explicit ResultRows(const Experiment& e);
  void add_request(const RequestRecord& r, const policies::Plan& plan);
  void add_interval(const hw::BusyInterval& iv);
  void add_decision(const DecisionRecord& d);
  // The same, then the row's table goes to `sessions` (and is emptied) once it holds
  // `chunk_rows` rows: the streaming path, one check per row.
  void add_request(const RequestRecord& r, const policies::Plan& plan,
                   const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t chunk_rows);
  void add_interval(const hw::BusyInterval& iv, const std::vector<std::unique_ptr<sim::TableSession>>& sessions,
                    std::size_t chunk_rows);
  void add_decision(const DecisionRecord& d, const std::vector<std::unique_ptr<sim::TableSession>>& sessions,
                    std::size_t chunk_rows);

  // The tables the experiment's outputs ask for ("requests" always; intervals and decisions when
  // configured), in that order.
  std::vector<sim::Table*> tables();
  // Appends every table holding at least `min_rows` rows to `sessions` and empties it.
  void flush(const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t min_rows);

 private:
  void flush(sim::Table& t, const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t min_rows);
  const Experiment& e_;
  sim::Table req_{"requests"}, iv_{"processor_intervals"}, dec_{"decisions"};
  struct RequestColumns {
    std::vector<std::int64_t>*id, *arrival, *start, *finish, *deadline;
    std::vector<std::int32_t>*met_latency, *met_accuracy;
    sim::Categorical *task, *variant, *processors, *drop_reason;
    std::vector<double>* latency;
  } rc_;
  struct IntervalColumns {
    sim::Categorical *processor, *phase;
    std::vector<std::int64_t>*request, *start, *end;
    std::vector<std::int32_t>*slot, *subgraph;
  } ic_;
  struct DecisionColumns {
    std::vector<std::int64_t>*at, *request;
    std::vector<std::int32_t>*subgraph, *competing;
    sim::Categorical *kind, *processor, *key_name, *reason;
    std::vector<std::string>* note;
    std::vector<double>* key;
  } dc_;
  std::int32_t variant_code(const policies::Plan& plan, int model);
  std::int32_t path_code(const RequestRecord& r, int subgraphs);
  std::vector<std::int32_t> task_code_, processor_code_, decision_processor_code_;
  std::array<std::int32_t, 2> phase_code_{};
  std::vector<std::vector<std::int32_t>> model_variant_code_;  // [model][zoo variant], -1 unknown
  std::unordered_map<std::uint64_t, std::int32_t> path_code_;  // packed processors -> code
};

}  // namespace experiments
