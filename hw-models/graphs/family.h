// Weight-shared model families as Multi-Task Zipping produces them: N tasks derived from one
// architecture; in every layer a share `rho` of the output channels comes from a filter bank
// shared by the tasks of a sharing group, the rest from a bank of the task's own; every task has
// its own per-channel affine (folded batch norm) after each layer, its own head and its own input.
//
// Per task and layer l with oc output channels: s = round(rho_l * oc) shared channels and oc - s
// own channels: conv/linear "l<l>.shared" (block shared within the task's sharing group) and
// "l<l>.own" (the task's block), concatenated along channels when both exist, then "l<l>.bn"
// (affine, the task's block) and "l<l>.relu"; a pool layer is one op "l<l>.pool"; a linear layer
// on a spatial tensor is preceded by "l<l>.flatten" (a reshape). Then a global pool when the tensor is spatial and
// the head "head" (linear, the task's block) and "out". Every task's graph has the same topology
// (rho is per layer, not per task), so the stitcher can align them op by op.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hw-models/graphs/op_graph.h"

namespace graphs {

struct LayerSpec {
  OpKind kind = OpKind::kConv;  // kConv or kLinear (weighted, shared by rho), or kPool (max pool, no weights)
  int out_c = 0;
  int k = 1, stride = 1, pad = 0;
};

struct Architecture {
  std::string name;
  Shape input;  // per task; n = the task's batch
  std::vector<LayerSpec> layers;
  int head_classes = 10;
};

struct FamilySpec {
  Architecture arch;
  int tasks = 2;
  std::vector<double> rho;  // per layer in [0, 1]; one value applies to every layer
  // Tasks sharing the shared banks (a partition of 0..tasks-1); empty: one group of all tasks.
  std::vector<std::vector<int>> sharing_groups;
  std::vector<int> head_classes;  // per task; empty: arch.head_classes for all
};

struct Family {
  std::vector<Graph> tasks;
  std::map<BlockId, std::string> block_names;  // "l3.shared.g0", "l3.own.t2", "head.t1", ...
};

// Throws std::invalid_argument naming the bad field.
Family make_family(const FamilySpec& spec);
// N tasks of `arch`, one sharing group, one rho for every layer.
FamilySpec uniform_family(Architecture arch, int tasks, double rho);

// The architecture of a chain-shaped imported graph (every op one input and at most one
// consumer: VGG-style): conv, linear and pool layers in order; ReLU, affine (folded BN), reshape
// and the final global pool are implied by the family's layer pattern. Throws
// std::invalid_argument naming the first op that does not fit.
Architecture architecture_from_graph(const Graph& g, const std::string& name, int head_classes);

// Small architectures used by experiments and tests: a VGG-style CNN of `layers` 3x3 convs on a
// 32x32x3 input (channels 32, 64, 128, ... stride 2 every second layer), and an MLP of `layers`
// linear layers of `width` on a `in` feature vector.
Architecture cnn_architecture(int layers, int batch);
Architecture mlp_architecture(int layers, int in, int width, int batch);

}  // namespace graphs
