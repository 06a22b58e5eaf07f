// Converter "core_ultra": Intel Core Ultra 7 165H (Meteor Lake) CPU, iGPU and NPU from Intel's
// published OpenVINO benchmark table (release 2024.3, one release for all three processors).
//
// The table gives whole-model numbers only: INT8 latency (one request at a time) and INT8/FP16/
// FP32 throughput (several requests in flight). Per processor:
// - a roofline max(MACs/peak, bytes/bandwidth) is fitted to the INT8 latencies of the models whose
//   layer lists we have (resnet-50 and mobilenet-v2 through ncnn's .param, bert-base-cased built
//   from its hyperparameters), exactly as the ncnn converters fit theirs;
// - the four default tasks' models are measured through the closest benchmarked model and scaled
//   by that roofline's cost ratio (ResNet-101 through resnet-50; the three transformers through
//   bert-base-cased), then split over subgraphs by the same roofline (zoo_targets.h);
// - FP16 and FP32 latencies are the INT8 latency times the row's INT8/FP16 (INT8/FP32) throughput
//   ratio, or that processor's median ratio over the models with both: the table has no FP16/FP32
//   latency for CNNs, and throughput ratios are the closest published evidence (derived).
// Rows the source README flags as copies are rejected by a generic check: a CPU-only row equal to
// the NPU-only row of the same model (efficientdet-d0), and a latency that repeats another model's
// on the same platform (ssd-resnet34-1200's latencies are resnet-50's).
#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "hw-models/import/profile_import.h"
#include "hw-models/import/zoo_targets.h"
#include "sim/stats.h"

namespace hw::import {
namespace {

namespace fs = std::filesystem;
using detail::Base;
using detail::num;
using detail::prov;

const char* kOpenVinoCommit = "d4525174";
const char* kOpenVinoFile = "public/openvino/OV-benchmark-data-2024.3.csv";
const char* kOpenVinoSourcePath =
    "docs/sphinx_setup/_static/benchmarks_files/OV-2024.3-benchmark-data.csv";
const char* kDevice = "Intel\xC2\xAE Core\xE2\x84\xA2 Ultra 7 processor 165H";

struct Proc {
  detail::ProcSpec spec;
  std::string mode;  // the Platform name suffix
};

// One processor's usable rows, by model.
using RowsByModel = std::map<std::string, sources::OpenVinoRow>;

Base int8_base(const sources::OpenVinoRow& r, const std::string& proc) {
  Base b;
  b.mean_ms = b.min_ms = b.max_ms = r.latency_int8;
  b.count = 0;
  b.provenance = prov("measured", fmt::format("OpenVINO benchmark {} {} ({}, INT8 latency, one request)", r.release, r.platform, proc),
                      kOpenVinoCommit, fmt::format("{}:{}", kOpenVinoSourcePath, r.line));
  return b;
}

// Median fps_int8 / fps_other over the processor's rows with both; -1 when none.
std::pair<double, std::string> median_ratio(const RowsByModel& rows, double sources::OpenVinoRow::*other) {
  std::vector<double> r;
  std::vector<std::string> used;
  for (const auto& [name, row] : rows) {
    if (row.fps_int8 > 0 && row.*other > 0) {
      r.push_back(row.fps_int8 / (row.*other));
      used.push_back(fmt::format("{} (line {})", name, row.line));
    }
  }
  if (r.empty()) return {-1, ""};
  return {sim::median(r), fmt::format("{}", fmt::join(used, ", "))};
}

// `base` (INT8) scaled to another precision by the INT8/other throughput ratio of the reference
// row, or the processor's median ratio when the row lacks it.
Base scaled_precision(const Base& base, const sources::OpenVinoRow& ref, const RowsByModel& rows,
                      double sources::OpenVinoRow::*other, const std::string& precision) {
  double ratio;
  std::string how;
  if (ref.fps_int8 > 0 && ref.*other > 0) {
    ratio = ref.fps_int8 / (ref.*other);
    how = fmt::format("the same row's INT8/{} throughput ratio {}", precision, num(ratio));
  } else {
    auto [m, models] = median_ratio(rows, other);
    if (m <= 0) return Base{};
    ratio = m;
    how = fmt::format("the median INT8/{} throughput ratio {} of this processor over {}", precision, num(ratio), models);
  }
  Base b = base;
  b.mean_ms *= ratio;
  b.min_ms *= ratio;
  b.max_ms *= ratio;
  b.peak_memory_bytes = -1;
  b.provenance.kind = "derived";
  b.provenance.method = fmt::format("INT8 latency x {} (throughput ratios stand in for latency ratios: the table has no {} "
                                    "latency for this model); INT8: {}",
                                    how, precision, base.provenance.method.empty() ? "measured" : base.provenance.method);
  return b;
}

}  // namespace

Profile import_core_ultra(const std::string& data_dir, Report& report) {
  std::string file = (fs::path(data_dir) / kOpenVinoFile).string();
  auto rows = sources::read_openvino_csv(file);
  // Peaks only document the processors here (no MAC/s filter: the table lists whole models).
  std::vector<Proc> procs{{{"cpu", "CPU", 0, false}, "CPU-only"}, {{"gpu", "GPU", 0, false}, "iGPU-only"},
                          {{"npu", "NPU", 0, false}, "NPU-only"}};
  std::vector<RowsByModel> by_proc(procs.size());
  for (const auto& r : rows) {
    if (r.platform.rfind(kDevice, 0) != 0) continue;
    for (std::size_t q = 0; q < procs.size(); ++q) {
      std::string suffix = " " + procs[q].mode;
      if (r.platform.size() < suffix.size() || r.platform.compare(r.platform.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
      if (r.throughput_unit != "FPS" || r.latency_unit != "msec.") {
        ++report.rejected["not a per-image row (LLM tokens/s or generation time)"];
        continue;
      }
      by_proc[q][r.model] = r;
    }
  }
  if (by_proc[0].empty()) throw sim::ConfigError(file, "", fmt::format("no '{} CPU-only' rows", kDevice));
  // Copies: a CPU-only row identical to the NPU-only row of the same model.
  for (auto it = by_proc[0].begin(); it != by_proc[0].end();) {
    auto n = by_proc[2].find(it->first);
    if (n != by_proc[2].end() && n->second.fps_int8 == it->second.fps_int8 && n->second.fps_fp16 == it->second.fps_fp16 &&
        n->second.latency_int8 == it->second.latency_int8) {
      report.rejected["CPU-only and NPU-only rows identical (one is a copy)"] += 2;
      by_proc[2].erase(n);
      it = by_proc[0].erase(it);
    } else {
      ++it;
    }
  }
  // A latency that repeats an earlier row's (another model, same processor) is a copy: dropped.
  for (auto& rs : by_proc) {
    std::vector<sources::OpenVinoRow*> in_file_order;
    for (auto& [name, r] : rs) in_file_order.push_back(&r);
    std::sort(in_file_order.begin(), in_file_order.end(), [](auto* a, auto* b) { return a->line < b->line; });
    std::set<double> seen;
    for (auto* r : in_file_order) {
      if (r->latency_int8 <= 0) continue;
      if (!seen.insert(r->latency_int8).second) {
        ++report.rejected["INT8 latency repeats an earlier model's on the same processor (a copy)"];
        r->latency_int8 = -1;
      }
    }
  }
  for (const auto& rs : by_proc) report.accepted += static_cast<int>(rs.size());

  detail::NcnnModels ncnn = detail::read_ncnn_params(data_dir);
  std::map<std::string, std::vector<Layer>> lists;
  std::vector<detail::Target> targets = detail::default_targets(data_dir, ncnn, lists, report);
  if (!ncnn.layers.count("mobilenet_v2"))
    throw sim::ConfigError((fs::path(data_dir) / "public/ncnn/params/mobilenet_v2.param").string(), "", "needed with shape hints");
  lists["resnet-50"] = lists.at("resnet50");
  lists["mobilenet-v2"] = ncnn.layers.at("mobilenet_v2");
  lists["bert-base-cased"] = lists.at("bert_base");

  // Rooflines fitted to each processor's INT8 latencies of the models with layer lists.
  std::vector<Roofline> roofs;
  std::vector<detail::ProcSpec> specs;
  for (std::size_t q = 0; q < procs.size(); ++q) {
    std::vector<std::pair<const std::vector<Layer>*, double>> pts;
    std::vector<std::string> used;
    for (const char* m : {"resnet-50", "mobilenet-v2", "bert-base-cased"}) {
      auto it = by_proc[q].find(m);
      if (it != by_proc[q].end() && it->second.latency_int8 > 0) {
        pts.push_back({&lists.at(m), it->second.latency_int8});
        used.push_back(m);
      }
    }
    if (pts.size() < 2)
      throw sim::ConfigError(file, "", fmt::format("fewer than two INT8 latencies with layer lists on '{}'", procs[q].mode));
    roofs.push_back(fit_roofline(pts));
    specs.push_back(procs[q].spec);
    report.notes.push_back(fmt::format("{}: roofline fitted to INT8 latencies of {}: {} MAC/s, {} B/s", procs[q].spec.name,
                                       fmt::join(used, ", "), num(roofs.back().macs_per_s), num(roofs.back().bytes_per_s)));
  }

  const std::map<std::string, std::string> source_of{
      {"resnet101", "resnet-50"}, {"bert_base", "bert-base-cased"}, {"vit_small", "bert-base-cased"}, {"wav2vec2", "bert-base-cased"}};
  for (auto& t : targets) {
    t.layers = lists.at(t.name);
    const std::string& src = source_of.at(t.name);
    std::vector<std::string> notes;
    for (std::size_t q = 0; q < procs.size(); ++q) {
      const std::string& pname = procs[q].spec.name;
      auto it = by_proc[q].find(src);
      if (it == by_proc[q].end() || it->second.latency_int8 <= 0) {
        notes.push_back(fmt::format("{}: no INT8 latency of '{}', so no entries", pname, src));
        continue;
      }
      const auto& row = it->second;
      // bert-base-cased is taken as the target's own BERT-base (the table does not state its
      // sequence length; the target uses 128 tokens).
      bool same = t.name == "bert_base";
      detail::Reference ref{&lists.at(src), int8_base(row, pname), src};
      Base i8 = detail::from_reference(ref, t.layers, roofs[q], same, pname);
      t.base[{pname, "int8"}] = i8;
      if (pname == "cpu") {
        Base fp32 = scaled_precision(i8, row, by_proc[q], &sources::OpenVinoRow::fps_fp32, "FP32");
        if (fp32.mean_ms > 0) {
          t.base[{pname, "fp32"}] = fp32;
          Base fp16 = fp32;
          fp16.provenance.kind = "estimated";
          fp16.provenance.method = "fp16 on the CPU taken equal to fp32: the Core Ultra 7 165H CPU has no native fp16 or bf16 "
                                   "matrix arithmetic (no AVX512-FP16, no AMX), so OpenVINO's CPU plugin executes f16 models in "
                                   "f32; " + fp32.provenance.method;
          t.base[{pname, "fp16"}] = fp16;
        }
      } else {
        Base fp16 = scaled_precision(i8, row, by_proc[q], &sources::OpenVinoRow::fps_fp16, "FP16");
        if (fp16.mean_ms > 0) {
          t.base[{pname, "fp16"}] = fp16;
          // Neither the iGPU nor the NPU executes fp32 by default: OpenVINO's GPU plugin runs f32
          // models at its default inference precision f16, and the NPU compiler lowers f32 to f16.
          Base fp32 = fp16;
          fp32.provenance.kind = "estimated";
          fp32.provenance.method = fmt::format("fp32 on the {} taken equal to fp16: OpenVINO executes f32 models there in f16 "
                                               "(GPU plugin default inference precision; NPU compiler); {}",
                                               pname, fp16.provenance.method);
          t.base[{pname, "fp32"}] = fp32;
        }
      }
    }
    if (src != "bert-base-cased" || t.name != "bert_base")
      notes.push_back(fmt::format("cpu/gpu/npu: measured through OpenVINO '{}' scaled by each processor's roofline cost ratio", src));
    else
      notes.push_back("cpu/gpu/npu: OpenVINO 'bert-base-cased' taken as this model (sequence length not stated; 128 tokens assumed)");
    notes.push_back("gpu/npu fp32: the fp16 time (OpenVINO executes f32 in f16 there)");
    if (t.name == "resnet101") notes.push_back("layers: ResNet-50's ncnn layer list with the res4 stage repeated to 23 blocks");
    else notes.push_back("layers: built from the architecture's hyperparameters (no ncnn .param of this model)");
    t.notes = fmt::format("{}", fmt::join(notes, "; "));
    report.substitutions.push_back(fmt::format("Core Ultra {}: {}", t.name, t.notes));
  }

  Profile p;
  p.description = "Intel Core Ultra 7 165H (Meteor Lake): CPU, iGPU and NPU from Intel's OpenVINO 2024.3 benchmark table; "
                  "per-subgraph numbers derived (see each value's provenance). Written by `stitchsim profile import core_ultra`.";
  p.platform = "Intel Core Ultra 7 165H";
  p.license = "derived from Apache-2.0 (OpenVINO) and BSD-3-Clause sources; notices in hw-models/profiles/NOTICE";
  detail::add_models_and_boundaries(p, targets, specs, roofs,
                                    "shared LPDDR5x memory: a hand-off is a cache flush plus a driver call; 0.2 ms CPU<->iGPU, 0.3 "
                                    "ms to or from the NPU, plus 0.05 ms per MB of activations (the SoC converters' estimate)");
  report.substitutions.push_back("Core Ultra: every task is measured through a benchmarked model: ResNet-101 through resnet-50; "
                                 "BERT-base is bert-base-cased; ViT-S/16 and wav2vec2 (20 s) through bert-base-cased by the "
                                 "roofline cost ratio (no ViT or speech model in the table)");
  return p;
}

}  // namespace hw::import
