// Reads an MLP exported by scripts/train_digits_mlp.py.
#include <fmt/format.h>

#include "experiments/live/model.h"
#include "sim/config.h"

namespace live {
namespace {

Linear read_linear(const sim::ConfigNode& n, int id, int expected_in) {
  n.expect_keys({"w", "b"});
  Linear l;
  l.id = id;
  auto rows = n.at("w");
  l.out = static_cast<int>(rows.size());
  if (l.out == 0) rows.fail("needs at least one row");
  for (const auto& r : rows.elements()) {
    if (l.in == 0) l.in = static_cast<int>(r.size());
    if (static_cast<int>(r.size()) != l.in || l.in == 0) r.fail(fmt::format("expected {} values per row", l.in));
    for (const auto& v : r.elements()) l.w.push_back(static_cast<float>(v.as_double()));
  }
  if (expected_in > 0 && l.in != expected_in) {
    rows.fail(fmt::format("rows have {} inputs but the previous layer has {} outputs", l.in, expected_in));
  }
  auto b = n.at("b");
  if (static_cast<int>(b.size()) != l.out) b.fail(fmt::format("expected {} biases", l.out));
  for (const auto& v : b.elements()) l.b.push_back(static_cast<float>(v.as_double()));
  return l;
}

Dataset read_dataset(const sim::ConfigNode& n, int features, float scale) {
  n.expect_keys({"inputs", "labels"});
  Dataset d;
  d.features = features;
  auto in = n.at("inputs");
  for (const auto& row : in.elements()) {
    if (static_cast<int>(row.size()) != features) row.fail(fmt::format("expected {} values", features));
    for (const auto& v : row.elements()) d.inputs.push_back(static_cast<float>(v.as_double(0.0, 1e6)) * scale);
  }
  d.samples = static_cast<int>(in.size());
  auto labels = n.at("labels");
  if (static_cast<int>(labels.size()) != d.samples) labels.fail("needs one label per input");
  for (const auto& v : labels.elements()) d.labels.push_back(static_cast<int>(v.as_int()));
  if (d.samples == 0) in.fail("needs at least one sample");
  return d;
}

}  // namespace

TrainedMlp load_trained_mlp(const std::string& name, const std::string& file) {
  sim::Json j = sim::read_json_file(file);
  sim::ConfigNode root(j, file);
  root.expect_keys({"format", "version", "source", "input_scale", "trained_accuracy", "blocks", "calibration", "test"});
  if (root.at("format").as_string() != "stitchsim-trained-mlp") root.at("format").fail("expected \"stitchsim-trained-mlp\"");
  if (root.at("version").as_int() != 1) root.at("version").fail("unsupported version (this build reads 1)");
  float scale = static_cast<float>(root.at("input_scale").as_double(1e-12));
  TrainedMlp t;
  t.model.name = name;
  t.model.kind = "mlp";
  t.model.input_unsigned = true;
  int id = 0, width = 0;
  auto blocks = root.at("blocks");
  if (blocks.size() == 0) blocks.fail("needs at least one block");
  for (const auto& bn : blocks.elements()) {
    bn.expect_keys({"fc1", "fc2", "relu_out"});
    MlpBlock b;
    b.fc1 = read_linear(bn.at("fc1"), id++, width);
    b.fc2 = read_linear(bn.at("fc2"), id++, b.fc1.out);
    b.relu_out = bn.at("relu_out").as_bool();
    if (width == 0) t.model.input = {1, 1, b.fc1.in};
    width = b.fc2.out;
    t.model.blocks.push_back(std::move(b));
  }
  t.model.cuts = {0, static_cast<int>(t.model.blocks.size())};
  t.calibration = read_dataset(root.at("calibration"), t.model.input.c, scale);
  t.test = read_dataset(root.at("test"), t.model.input.c, scale);
  for (std::size_t i = 0; i < t.test.labels.size(); ++i) {
    if (t.test.labels[i] < 0 || t.test.labels[i] >= width) {
      root.at("test").at("labels").at(i).fail(fmt::format("label out of range [0, {})", width));
    }
  }
  return t;
}

}  // namespace live
