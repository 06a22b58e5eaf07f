// Where a command may write, checked before any work starts.
//
// Contract: stitchsim never deletes or overwrites anything it did not create.
// - An output directory (run, explore, validate, sweep) may be created where nothing exists (or
//   where an empty directory is), or may replace a previous stitchsim output of the same kind,
//   recognised by the marker file kOutputMarker that every output directory carries, and only
//   when the user passed --overwrite. Anything else (a file, a device, a symbolic link, a
//   directory of other data, an output of another kind) is refused.
// - An output file (a profile, capacity probes) may be created where nothing exists, or replace a
//   regular file only with --overwrite.
// - Every path is checked lexically too: it must name a folder or file of its own (not ".", "..",
//   "/" or ""), and ".." may only follow a folder that exists (otherwise the OS and the path as
//   written disagree about where it points).
// Every refusal is a ConfigError naming the path, thrown before anything is written.
#pragma once

#include <optional>
#include <string>

#include "sim/config.h"

namespace sim {

// The marker file inside every stitchsim output directory: JSON {"kind": ..., "version": ...}
// plus whatever the kind records (a sweep records the hash of its spec).
inline constexpr const char* kOutputMarker = ".stitchsim-output";

// What an output directory check found.
enum class OutputState {
  absent,    // nothing there (parents may be missing too): create it
  empty,     // an empty directory: replace it
  previous,  // a previous output of the same kind, and --overwrite was given: replace it
};

// Checks `dir` as an output directory of `kind` ("run", "explore", ...). Throws ConfigError naming
// `dir` when it may not be written.
OutputState check_output_dir(const std::string& dir, const std::string& kind, bool overwrite);

// The marker of an existing output directory, or nothing when it has none (or it is unreadable).
std::optional<Json> read_output_marker(const std::string& dir);
// Writes the marker {"kind": kind, "version": ..., extra members...} into `dir`.
void write_output_marker(const std::string& dir, const std::string& kind, const Json& extra = Json::object());

// Checks `file` as an output file: refuses directories, devices, links and, without `overwrite`,
// any existing file. Throws ConfigError naming the file.
void check_output_file(const std::string& file, bool overwrite);

// Lexical checks shared by both: not empty, not ".", "..", or a root, and no ".." after a folder
// that does not exist. Throws ConfigError naming the path.
void check_output_path_lexically(const std::string& path);

// A name that becomes one path component (an experiment's "name" under runs/, a sink's file in
// the run directory): non-empty, at
// most 200 bytes, no "/", NUL or control characters, not "." or "..". Returns it, or calls
// node.fail() with the reason.
std::string checked_output_name(const ConfigNode& node);

}  // namespace sim
