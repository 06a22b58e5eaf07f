// Per-block weight files of the layer-wise live check: what is written is read back block by
// block; bad files give one ConfigError naming the file and the entry; and the layerwise-live
// command runs end to end on tiny networks.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "experiments/live/layer_file.h"
#include "experiments/live/layerwise_live.h"
#include "experiments/live/model.h"
#include "sim/config.h"
#include "sim/run_directory.h"

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / "stitchsim_layer_file" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

live::Model tiny_transformer() {
  live::TransformerSize s;
  s.tokens = 4, s.input_dim = 8, s.dim = 16, s.heads = 2, s.ffn_dim = 32, s.layers = 2, s.classes = 5;
  return live::make_transformer("tiny_transformer", s, 3);
}

live::Model tiny_resnet() {
  live::ResnetSize s;
  s.input_hw = 8, s.stem_channels = 8, s.classes = 5, s.stage_blocks = {1}, s.stage_channels = {16};
  return live::make_resnet("tiny_resnet", s, 3);
}

TEST(LayerFile, ReadsBackWhatWasWritten) {
  for (const live::Model& m : {tiny_transformer(), tiny_resnet()}) {
    auto path = (fresh_dir(m.name) / "w.lw").string();
    live::write_layer_file(path, m);
    live::LayerFile f(path);
    ASSERT_EQ(f.blocks(), static_cast<int>(m.blocks.size()));
    live::Model copy = m;
    for (auto& b : copy.blocks)
      for (auto* t : live::block_tensors(b)) std::fill(t->begin(), t->end(), 0.0f);
    // Read in reverse order: blocks are independent.
    for (int b = f.blocks() - 1; b >= 0; --b) f.read_block(b, copy.blocks[static_cast<std::size_t>(b)]);
    for (std::size_t b = 0; b < m.blocks.size(); ++b) {
      live::Block orig = m.blocks[b];
      auto want = live::block_tensors(orig);
      auto got = live::block_tensors(copy.blocks[b]);
      ASSERT_EQ(want.size(), got.size());
      ASSERT_FALSE(want.empty());
      for (std::size_t t = 0; t < want.size(); ++t) EXPECT_EQ(*want[t], *got[t]) << m.name << " block " << b << " tensor " << t;
      EXPECT_EQ(f.block_bytes(static_cast<int>(b)), [&] {
        std::int64_t n = 0;
        for (auto* t : want) n += static_cast<std::int64_t>(t->size() * sizeof(float));
        return n;
      }());
    }
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const sim::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(LayerFile, BadFilesGiveOneClearError) {
  auto dir = fresh_dir("bad");
  live::Model m = tiny_transformer();
  auto good = (dir / "good.lw").string();
  live::write_layer_file(good, m);

  auto not_ours = (dir / "not_ours.lw").string();
  std::ofstream(not_ours) << "hello, this is not a weight file";
  std::string e = error_of([&] { live::LayerFile f(not_ours); });
  EXPECT_NE(e.find(not_ours), std::string::npos) << e;
  EXPECT_NE(e.find("header"), std::string::npos) << e;

  // Cut off inside the last block: the table names a range beyond the end.
  auto cut = (dir / "cut.lw").string();
  fs::copy_file(good, cut);
  fs::resize_file(cut, fs::file_size(good) - 4096);
  e = error_of([&] { live::LayerFile f(cut); });
  EXPECT_NE(e.find(cut), std::string::npos) << e;
  EXPECT_NE(e.find("block " + std::to_string(m.blocks.size() - 1)), std::string::npos) << e;
  EXPECT_NE(e.find("beyond the file's end"), std::string::npos) << e;

  // A block of another architecture: the sizes differ.
  live::LayerFile f(good);
  live::Model other = tiny_resnet();
  e = error_of([&] { f.read_block(0, other.blocks[0]); });
  EXPECT_NE(e.find("block 0"), std::string::npos) << e;
  EXPECT_NE(e.find("the model's block needs"), std::string::npos) << e;

  e = error_of([&] { live::LayerFile missing((dir / "missing.lw").string()); });
  EXPECT_NE(e.find("missing.lw"), std::string::npos) << e;
}

TEST(LayerwiseLive, RunsBothModesEndToEnd) {
  // Tiny networks; asserts the structure of the result, not timings.
  auto dir = fresh_dir("live");
  sim::Json zoo = {{"seed", 1},
                   {"processors", {{{"name", "cpu0"}, {"cores", {0}}}}},
                   {"variants", {{{"name", "dense_fp32"}}}},
                   {"models", {{{"name", "t"}, {"kind", "transformer"}, {"subgraphs", 1},
                                {"size", {{"tokens", 4}, {"input_dim", 8}, {"dim", 16}, {"heads", 2}, {"ffn_dim", 32},
                                          {"layers", 2}, {"classes", 5}}}}}}};
  sim::write_json_file((dir / "zoo.json").string(), zoo);
  sim::Json cfg = {{"zoo", "zoo.json"}, {"batch", {"t", "t"}}, {"workers", 2}, {"repeats", 2}, {"profile_repeats", 2}};
  sim::write_json_file((dir / "lw.json").string(), cfg);
  auto out = (dir / "out").string();
  sim::Json s = live::run_layerwise_live((dir / "lw.json").string(), out, true, false);
  for (const char* mode : {"bulk", "partial"}) {
    ASSERT_TRUE(s["modes"].contains(mode)) << mode;
    EXPECT_GT(s["modes"][mode]["predicted_makespan_ms"].get<double>(), 0) << mode;
    EXPECT_EQ(s["modes"][mode]["measured_makespan_ms"]["samples"].size(), 2u) << mode;
  }
  // Bulk on one worker is predicted as the sum of every block's load and execution.
  EXPECT_NEAR(s["modes"]["bulk"]["predicted_makespan_ms"].get<double>(),
              s["batch_load_ms_sum"].get<double>() + s["batch_exec_ms_sum"].get<double>(), 1e-3);
  EXPECT_TRUE(fs::exists(out + "/summary.json"));
  EXPECT_TRUE(fs::exists(out + "/blocks.csv"));
  EXPECT_FALSE(fs::exists(out + "/weights"));  // removed after the run

  // A batch naming a network the zoo lacks: one error naming the file and the entry.
  cfg["batch"] = {"t", "nope"};
  sim::write_json_file((dir / "bad.json").string(), cfg);
  std::string e = error_of([&] { live::run_layerwise_live((dir / "bad.json").string(), (dir / "out2").string(), true, false); });
  EXPECT_NE(e.find("bad.json"), std::string::npos) << e;
  EXPECT_NE(e.find("$.batch[1]"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir / "out2"));
}

}  // namespace
