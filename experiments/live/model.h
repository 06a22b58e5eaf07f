// Models of the live backend, built in code: layers with real weights, grouped into blocks.
//
// A model is a chain of blocks; a subgraph is a contiguous range of blocks, and every variant of a
// model has the same blocks and the same tensor shape between blocks. That is what makes stitching
// possible: structured pruning removes only channels *inside* a block (bottleneck width, FFN
// hidden units, MLP hidden units), never a boundary channel. Boundary tensors are fp32,
// row-major, one sample after another: [h][w][c] per sample (NHWC) for CNNs, [tokens][dim] for
// transformers, [dim] for MLPs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace live {

// A 2-D convolution, weights [oc][k][k][ic] (OHWI), bias [oc].
struct Conv {
  int id = 0;  // unique within the model (names a quantization point)
  int ic = 0, oc = 0, k = 1, stride = 1, pad = 0;
  std::vector<float> w, b;
  bool sparse = false;      // run by the sparse kernel (unstructured variants; 1x1, stride 1 only)
  float in_scale = 0;       // int8: real value of one input quantum (set by calibration)
  bool in_unsigned = false; // int8: the input is non-negative (follows a ReLU), so u8 else s8
};

// A fully connected layer applied to every row, weights [out][in], bias [out].
struct Linear {
  int id = 0;
  int in = 0, out = 0;
  std::vector<float> w, b;
  bool sparse = false;
  float in_scale = 0;
  bool in_unsigned = false;
};

struct LayerNorm {
  std::vector<float> gamma, beta;
  float eps = 1e-5f;
};

struct StemBlock { Conv conv; };                                   // relu(conv(x))
struct BottleneckBlock { Conv a, b, c; std::optional<Conv> proj; };  // relu(c(relu(b(relu(a(x))))) + skip)
struct PoolHeadBlock { Linear fc; };                                 // fc(mean over h, w)
struct EmbedBlock { Linear fc; };                                    // fc per token
struct EncoderBlock {                                                // pre-LN transformer layer
  int heads = 1;
  LayerNorm ln1, ln2;
  Linear qkv, proj, fc1, fc2;  // fc1 is followed by GELU (erf form)
};
struct TokenHeadBlock { LayerNorm ln; Linear fc; };  // fc(ln(mean over tokens))
struct MlpBlock { Linear fc1, fc2; bool relu_out = true; };  // [relu](fc2(relu(fc1(x))))

using Block = std::variant<StemBlock, BottleneckBlock, PoolHeadBlock, EmbedBlock, EncoderBlock, TokenHeadBlock,
                           MlpBlock>;

// Per-sample shape of a boundary tensor.
struct Shape {
  int h = 1, w = 1, c = 1;
  std::int64_t elements() const { return static_cast<std::int64_t>(h) * w * c; }
  bool operator==(const Shape&) const = default;
};

struct Model {
  std::string name;
  std::string kind;  // "resnet", "transformer", "mlp"
  Shape input;
  std::vector<Block> blocks;
  std::vector<int> cuts;      // subgraph s is blocks [cuts[s], cuts[s+1]); cuts.front() 0, back() blocks.size()
  bool input_unsigned = false;  // inputs are non-negative (images scaled to [0, 1])
  bool int8 = false;          // conv and linear layers run in int8 (after calibrate())

  int subgraph_count() const { return static_cast<int>(cuts.size()) - 1; }
  // Shape after block `b` (b = -1: the input).
  Shape shape_after(int b) const;
  Shape subgraph_input(int s) const { return shape_after(cuts[static_cast<std::size_t>(s)] - 1); }
  Shape subgraph_output(int s) const { return shape_after(cuts[static_cast<std::size_t>(s) + 1] - 1); }
  // Multiply-accumulates of block b for one sample (to balance cuts and to report).
  double block_macs(int b) const;
};

// Output shape of one block applied to `in`.
Shape block_output(const Block& block, const Shape& in);

struct ResnetSize {
  int input_hw = 64, in_channels = 3, stem_channels = 32, classes = 100;
  std::vector<int> stage_blocks = {2, 2, 2};
  std::vector<int> stage_channels = {64, 128, 256};  // block output channels; bottleneck width = out / 2
};
struct TransformerSize {
  int tokens = 64, input_dim = 48, dim = 256, heads = 4, ffn_dim = 1024, layers = 6, classes = 100;
};

// Random normal weights (He-style scaling so activations stay in a normal range; no denormals),
// drawn from sim::Rng streams of `seed`, so a model is the same on every machine.
Model make_resnet(const std::string& name, const ResnetSize& size, std::uint64_t seed);
Model make_transformer(const std::string& name, const TransformerSize& size, std::uint64_t seed);

// `batch` random inputs for `model`: normal(0, 1), or uniform [0, 1) when input_unsigned; from
// the sim::Rng stream (seed, "live/<model name>/input", stream).
std::vector<float> random_input(const Model& model, int batch, std::uint64_t seed, std::uint64_t stream);

// Sets model.cuts to `subgraphs` contiguous ranges with about equal multiply-accumulates.
void cut_evenly(Model& model, int subgraphs);

// How a zoo variant is derived from the base model.
struct VariantSpec {
  std::string name;
  std::string precision = "fp32";  // fp32 or int8
  std::string pruning = "none";    // none, structured, unstructured
  double sparsity = 0;             // share of (prunable) weights removed
};

// Applies pruning. Structured: keeps the round((1 - sparsity) * n) internal channels of each block
// with the largest L1 weight norm. Unstructured: zeroes the smallest-magnitude share `sparsity` of
// each conv and linear weight tensor and marks 1x1 stride-1 convs and linears as sparse. int8 only
// sets model.int8; calibrate() must follow. Throws std::invalid_argument for unsupported specs.
Model apply_variant(const Model& base, const VariantSpec& spec);

// int8 calibration: runs the fp32 reference on `inputs` (batch samples) and sets each conv and
// linear layer's in_scale to max|input| / 127 (s8) or / 255 (u8).
void calibrate(Model& model, const std::vector<float>& inputs, int batch);

// Weights and calibration inputs for an MLP read from a file written by
// scripts/train_digits_mlp.py (see there for the format). Throws sim::ConfigError naming the
// file and JSON path on bad content.
struct Dataset {
  std::vector<float> inputs;  // samples * features
  std::vector<int> labels;
  int samples = 0, features = 0;
};
struct TrainedMlp {
  Model model;
  Dataset calibration, test;
};
TrainedMlp load_trained_mlp(const std::string& name, const std::string& file);

}  // namespace live
