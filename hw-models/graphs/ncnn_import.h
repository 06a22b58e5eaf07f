// Import of ncnn .param layer lists (the shipped public model descriptions) into op graphs.
//
// Each layer becomes one op; blobs connect them. Shapes come from the layer's shape hint
// (-23330) when present, else from the layer's parameters, else from its first input. Kinds:
// Convolution / ConvolutionDepthWise -> conv (groups from 7=), InnerProduct / Gemm -> linear,
// BatchNorm / Scale -> affine, ReLU / Clip / Swish / HardSwish / Sigmoid -> relu (elementwise),
// Pooling -> pool or global_pool, Eltwise / BinaryOp -> add, Concat -> concat; Split is an alias
// (no op); Flatten / Reshape -> reshape (a view); every other layer is `other` (its output bytes count, no FLOPs). Every weighted op gets
// its own weight block, numbered from `first_block`. Batch is `batch` (ncnn lists one sample).
#pragma once

#include <string>

#include "hw-models/graphs/op_graph.h"

namespace graphs {

// Throws sim::ConfigError naming the file and the line on malformed input.
Graph import_ncnn(const std::string& path, int batch = 1, BlockId first_block = 0);

}  // namespace graphs
