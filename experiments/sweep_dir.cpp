#include "experiments/sweep_dir.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "sim/output_path.h"
#include "sim/run_directory.h"

namespace experiments {
namespace fs = std::filesystem;

namespace {
constexpr const char* kKind = "sweep";
// Every name a sweep writes in its folder (besides the marker).
const char* const kSweepFiles[] = {"results.h5", "results.csv", "sweep.json", ".results.staging"};
}  // namespace

SweepDirState check_sweep_dir(const std::string& out, const std::string& spec_hash, bool overwrite) {
  // A previous sweep of the same kind with overwrite passes check_output_dir; without overwrite
  // it would refuse, but resuming the same spec needs no flag, so look at the marker first.
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(out, ec))) {
    auto marker = sim::read_output_marker(out);
    if (marker && (*marker)["kind"] == kKind) {
      sim::check_output_path_lexically(out);
      std::string found = marker->value("spec_hash", "");
      if (found == spec_hash) return SweepDirState::resume;
      if (!overwrite) {
        throw sim::ConfigError(out, "",
                               "holds a sweep made from a different spec (axes, metrics or base config changed); "
                               "pass --overwrite to discard its progress and start over, or choose another --out; "
                               "nothing was written");
      }
      return SweepDirState::restart;
    }
  }
  sim::OutputState s = sim::check_output_dir(out, kKind, overwrite);
  return s == sim::OutputState::previous ? SweepDirState::restart : SweepDirState::create;
}

void prepare_sweep_dir(const std::string& out, const std::string& spec_hash, SweepDirState state) {
  if (state == SweepDirState::resume) return;
  if (state == SweepDirState::restart) {
    fs::path dir(out);
    fs::remove_all(dir / "progress");
    for (const char* name : kSweepFiles) fs::remove_all(dir / name);
  } else {
    sim::create_directories_recorded(out);
  }
  sim::write_output_marker(out, kKind, sim::Json{{"spec_hash", spec_hash}});
}

void repair_progress_file(const std::string& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec || size == 0) return;
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty() || text.back() == '\n') return;
  std::size_t keep = text.rfind('\n');
  fs::resize_file(file, keep == std::string::npos ? 0 : keep + 1);
}

}  // namespace experiments
