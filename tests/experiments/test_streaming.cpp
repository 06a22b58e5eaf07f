// A streaming run (stitchsim run) writes, chunk by chunk, exactly the tables and summary that a
// run keeping every record in memory produces; "sinks": [] writes no tables and "trace": false
// no trace.
#include <gtest/gtest.h>

#include <H5Cpp.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/simulation.h"
#include "sim/run_directory.h"

namespace fs = std::filesystem;

namespace {

const std::string kDefault = std::string(STITCHSIM_SOURCE_DIR) + "/experiments/configs/default.json";

std::string slurp(const std::string& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp(const std::string& name) {
  fs::path d = fs::temp_directory_path() / "stitchsim_streaming" / name;
  fs::remove_all(d);
  fs::create_directories(d.parent_path());
  return d.string();
}

experiments::Experiment load(std::vector<std::string> sets) {
  sets.push_back("duration=\"10s\"");
  return experiments::load_experiment(kDefault, sets);
}

// A categorical HDF5 column decoded: categories/<column>[codes[i]] per row.
std::vector<std::string> read_categorical(H5::H5File& f, const std::string& table, const std::string& column) {
  H5::Group g = f.openGroup(table);
  H5::DataSet codes_ds = g.openDataSet(column);
  H5::Attribute enc = codes_ds.openAttribute("encoding");
  std::string encoding;
  enc.read(enc.getStrType(), encoding);
  EXPECT_EQ(encoding, "categorical") << table << "/" << column;
  hsize_t n = 0;
  codes_ds.getSpace().getSimpleExtentDims(&n);
  std::vector<std::int32_t> codes(n);
  if (n > 0) codes_ds.read(codes.data(), H5::PredType::NATIVE_INT32);
  H5::DataSet cats_ds = g.openGroup("categories").openDataSet(column);
  hsize_t k = 0;
  cats_ds.getSpace().getSimpleExtentDims(&k);
  std::vector<char*> cats(k);
  H5::StrType str(H5::PredType::C_S1, H5T_VARIABLE);
  if (k > 0) cats_ds.read(cats.data(), str);
  std::vector<std::string> out;
  for (auto c : codes) {
    EXPECT_TRUE(c >= 0 && static_cast<hsize_t>(c) < k);
    out.emplace_back(cats[static_cast<std::size_t>(c)]);
  }
  H5::DataSet::vlenReclaim(cats.data(), str, cats_ds.getSpace());
  return out;
}

// Column `index` of a CSV file without quoted fields, header skipped.
std::vector<std::string> csv_column(const std::string& file, std::size_t index) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> out;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    for (std::size_t i = 0; i <= index; ++i) std::getline(ss, cell, ',');
    out.push_back(cell);
  }
  return out;
}

TEST(Streaming, ChunkedTablesEqualTheWholeRunsTables) {
  // Small chunks, so the requests and intervals tables are written in many appends.
  auto e = load({"outputs.sinks=[\"csv\",\"hdf5\"]", "outputs.decisions=true"});
  std::string streamed = temp("streamed");
  sim::Json summary = experiments::run_experiment(e, streamed, true, false, 97);

  // The same run kept in memory and written at once.
  experiments::Simulation sim(e);
  auto r = sim.run();
  EXPECT_EQ(summary.dump(), experiments::make_summary(e, r).dump());
  std::string whole = temp("whole");
  fs::create_directories(whole);
  auto tables = experiments::make_tables(e, r);
  std::vector<const sim::Table*> ptrs;
  for (const auto& t : tables) ptrs.push_back(&t);
  ASSERT_EQ(ptrs.size(), 3u);  // requests, processor_intervals, decisions
  sim::make_sink(sim::ConfigNode(sim::Json("csv"), "test"))->write(whole, ptrs);
  for (const char* f : {"requests.csv", "processor_intervals.csv", "decisions.csv"}) {
    std::string a = slurp(streamed + "/" + f), b = slurp(whole + "/" + f);
    EXPECT_GT(std::count(a.begin(), a.end(), '\n'), 97) << f << " should span several chunks";
    EXPECT_EQ(a, b) << f;
  }
  // The HDF5 file has every row too, in id order.
  H5::H5File h5(streamed + "/results.h5", H5F_ACC_RDONLY);
  H5::DataSet ids = h5.openGroup("requests").openDataSet("id");
  hsize_t n = 0;
  ids.getSpace().getSimpleExtentDims(&n);
  ASSERT_EQ(n, r.requests.size());
  std::vector<std::int64_t> v(n);
  ids.read(v.data(), H5::PredType::NATIVE_INT64);
  for (std::size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], static_cast<std::int64_t>(i));
  // Categorical columns (codes + categories) decode to the strings the CSV holds.
  for (auto [table, column, index] : {std::tuple{"requests", "task", 1}, {"requests", "variant", 9},
                                      {"requests", "processors", 10}, {"requests", "drop_reason", 11},
                                      {"processor_intervals", "processor", 0}, {"processor_intervals", "phase", 4},
                                      {"decisions", "kind", 1}, {"decisions", "processor", 4}}) {
    auto decoded = read_categorical(h5, table, column);
    auto expected = csv_column(streamed + "/" + table + ".csv", static_cast<std::size_t>(index));
    EXPECT_GT(decoded.size(), 97u) << table << "/" << column;
    EXPECT_EQ(decoded, expected) << table << "/" << column;
  }
}

TEST(Streaming, NoSinksNoTablesNoTraceNoTrace) {
  auto e = load({"outputs.sinks=[]", "outputs.trace=false"});
  std::string out = temp("none");
  experiments::run_experiment(e, out, true);
  EXPECT_TRUE(fs::exists(out + "/summary.json"));
  EXPECT_TRUE(fs::exists(out + "/config.resolved.json"));
  EXPECT_FALSE(fs::exists(out + "/results.h5"));
  EXPECT_FALSE(fs::exists(out + "/trace.json"));
  // Without "sinks" the HDF5 tables are written.
  auto d = load({"outputs.trace=false"});
  std::string out2 = temp("default_sinks");
  experiments::run_experiment(d, out2, true);
  EXPECT_TRUE(fs::exists(out2 + "/results.h5"));
}

TEST(Streaming, KeepsOnlyWhatTheTraceShows) {
  auto e = load({"outputs.trace_max_requests=50"});
  experiments::RecordOutput o;
  o.keep_all = false;
  o.keep_first_requests = 50;
  std::uint64_t streamed = 0;
  o.on_request = [&](const experiments::RequestRecord& r, const policies::Plan&) { EXPECT_EQ(r.id, streamed++); };
  experiments::Simulation sim(e, o);
  auto r = sim.run();
  EXPECT_EQ(r.requests.size(), 50u);
  EXPECT_EQ(streamed, r.stats.all.requests);
  EXPECT_GT(streamed, 500u);
  for (const auto& iv : r.intervals) EXPECT_LT(iv.request, 50u);
}

}  // namespace
