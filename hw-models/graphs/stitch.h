// Merging N models of one architecture into one graph: the MTS stitcher and the NETFUSE
// baseline, with a structural equivalence check.
//
// stitch() walks the tasks' graphs op by op (they must have the same topology: same op count,
// kinds and edges; shapes may differ). At each position, when every task's op has the same kind,
// geometry and per-task shape, the tasks' ops become one merged op over the batch-concatenated
// tensor (task order = the order of `tasks`):
//  (a) all tasks use the same weight block: a plain op that runs once, weights stored once;
//  (b) blocks differ: a grouped op (one instance per task, instance i uses task i's block);
//  weightless ops merge when one of their inputs is already batched (else they run per task).
// Where shapes differ (e.g. heads with different class counts) each task gets its own op, and
// (c) batch splits / batch concats move between batched and per-task tensors; each task's output
// is its own op. With one task nothing is concatenated or split.
//
// netfuse() is the baseline that merges same-architecture models into grouped ops with
// per-instance weight copies: every task's blocks are first renamed to copies of its own, so no
// weight is shared and every weighted position becomes a grouped op (a shared bank is stored N
// times).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hw-models/graphs/op_graph.h"

namespace graphs {

struct Merged {
  Graph graph;
  std::vector<int> tasks;                 // the caller's task ids, in batch-slice order
  std::vector<std::vector<Node>> origin;  // origin[i][v]: merged op computing op v of tasks[i]
  // Weight block that task i's op v reads in the merged graph equals block_map[i](original block)
  // (identity for stitch(); the per-instance copies for netfuse()).
  std::vector<std::map<BlockId, BlockId>> block_map;
};

// `graphs[i]` is the graph of task `ids[i]` (ids are recorded in Op::tasks). Throws
// std::invalid_argument when the graphs differ in topology, naming the first difference.
Merged stitch(const std::vector<const Graph*>& graphs, const std::vector<int>& ids);
Merged netfuse(const std::vector<const Graph*>& graphs, const std::vector<int>& ids);

// Every task's op sequence is preserved: for each task and each of its ops, the merged op that
// computes it has the same kind, geometry and per-task shape, serves the task in its batch
// slice, reads the task's weight block (through block_map), and takes its inputs, through
// batch splits and concats only, from the merged ops computing the task's op inputs; and every
// merged non-routing op computes some task's op. Returns the violations (empty: equivalent).
std::vector<std::string> check_equivalence(const std::vector<const Graph*>& graphs, const Merged& merged);

struct MemoryBytes {
  std::int64_t weights = 0;      // distinct blocks once
  std::int64_t activations = 0;  // peak live activations (op_graph.h)
  std::int64_t total() const { return weights + activations; }
};
MemoryBytes memory_of(const Graph& g);
// Separately loaded models (sequential or concurrent-streams baselines): every model's weights
// are its own copy (a framework loading N model files shares nothing); activations: the largest
// single model's peak when `concurrent` is false, the sum of all peaks when true.
MemoryBytes separate_memory(const std::vector<const Graph*>& graphs, bool concurrent);

}  // namespace graphs
