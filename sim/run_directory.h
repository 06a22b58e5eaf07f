// A run directory that appears whole or not at all.
//
// Contract: files are written into a hidden staging directory beside the target; commit()
// replaces the target with it in one rename. If the run fails (or the process is interrupted
// before commit), the target is untouched and the staging directory is removed by the
// destructor, so a failed run never leaves a partial or corrupted run directory behind.
#pragma once

#include <string>

#include "sim/config.h"

namespace sim {

class RunDirectory {
 public:
  explicit RunDirectory(std::string target);
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  // Where to write files now.
  const std::string& staging() const { return staging_; }
  const std::string& target() const { return target_; }
  std::string file(const std::string& name) const { return staging_ + "/" + name; }
  void commit();

 private:
  std::string target_, staging_;
  bool committed_ = false;
};

// Writes JSON to `path` via a temporary file and rename, with 2-space indentation.
void write_json_file(const std::string& path, const Json& value);

}  // namespace sim
