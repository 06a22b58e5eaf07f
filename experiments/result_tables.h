// The rows of a run's result tables ("requests", "processor_intervals", "decisions"), built one
// record at a time. make_tables() fills them from a finished RunResult; a streaming run appends
// rows as requests end and flushes full chunks to the sinks (TableSession), so memory stays
// bounded by the chunk size whatever the run's length.
#pragma once

#include <memory>
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

  // The tables the experiment's outputs ask for ("requests" always; intervals and decisions when
  // configured), in that order.
  std::vector<sim::Table*> tables();
  // Appends every table holding at least `min_rows` rows to `sessions` and empties it.
  void flush(const std::vector<std::unique_ptr<sim::TableSession>>& sessions, std::size_t min_rows);

 private:
  const Experiment& e_;
  sim::Table req_{"requests"}, iv_{"processor_intervals"}, dec_{"decisions"};
  struct RequestColumns {
    std::vector<std::int64_t>*id, *arrival, *start, *finish, *deadline, *met_latency, *met_accuracy;
    std::vector<std::string>*task, *variant, *processors, *drop_reason;
    std::vector<double>* latency;
  } rc_;
  struct IntervalColumns {
    std::vector<std::string>*processor, *phase;
    std::vector<std::int64_t>*slot, *request, *subgraph, *start, *end;
  } ic_;
  struct DecisionColumns {
    std::vector<std::int64_t>*at, *request, *subgraph, *competing;
    std::vector<std::string>*kind, *processor, *key_name, *reason, *note;
    std::vector<double>* key;
  } dc_;
};

}  // namespace experiments
