// A run directory that appears whole or not at all, and only where it may.
//
// Contract: the constructor checks the target with check_output_dir (sim/output_path.h): nothing
// there, an empty directory, or a previous output of the same kind with `overwrite`; otherwise it
// throws ConfigError before anything is written. It then creates missing parents and a hidden
// staging directory beside the target (so an unwritable place fails before any work starts) and
// writes the kind marker into it. Files are written into staging; commit() checks the target
// again and replaces it with the staging directory in one rename. If the run fails (or the
// process is interrupted before commit), the target is untouched, and the destructor removes the
// staging directory and every parent folder the constructor created.
#pragma once

#include <string>
#include <vector>

#include "sim/config.h"

namespace sim {

class RunDirectory {
 public:
  RunDirectory(std::string target, std::string kind, bool overwrite);
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  // Where to write files now.
  const std::string& staging() const { return staging_; }
  const std::string& target() const { return target_; }
  std::string file(const std::string& name) const { return staging_ + "/" + name; }
  void commit();

 private:
  std::string target_, kind_, staging_;
  bool overwrite_ = false;
  bool committed_ = false;
  std::vector<std::string> created_parents_;  // deepest last
};

// Creates `dir` and its missing parents; returns the folders it created, outermost first.
// Throws ConfigError naming `dir` when one cannot be created.
std::vector<std::string> create_directories_recorded(const std::string& dir);
// Removes the folders of create_directories_recorded, deepest first, where still empty.
void remove_created_directories(const std::vector<std::string>& created);

// Writes JSON to `path` via a temporary file and rename, with 2-space indentation.
void write_json_file(const std::string& path, const Json& value);

}  // namespace sim
