// The output folder of a sweep: created only where nothing is, resumed only when it was made from
// the same spec, started over only when the user says so.
//
// Contract: check_sweep_dir() only reads. It accepts a missing or empty folder (create), a
// stitchsim sweep folder whose marker records the same spec hash (resume), or, with
// `overwrite`, a stitchsim sweep folder of another spec (restart). Anything else is a ConfigError
// naming the folder: a file or device, a folder of other data, another kind of stitchsim output,
// or a sweep of another spec without `overwrite`. prepare_sweep_dir() then creates the folder
// and marker (create), or deletes only the files a sweep writes (restart), and is run by one
// process (MPI rank 0) while the others wait.
#pragma once

#include <string>

namespace experiments {

enum class SweepDirState { create, resume, restart };

SweepDirState check_sweep_dir(const std::string& out, const std::string& spec_hash, bool overwrite);
void prepare_sweep_dir(const std::string& out, const std::string& spec_hash, SweepDirState state);

// A progress file whose last line was cut short by a kill ends without '\n'; the next append would
// glue a record onto it and lose both. Truncates the file to its last complete line (the torn
// record was never finished, so that run is redone; every complete record is kept).
void repair_progress_file(const std::string& file);

}  // namespace experiments
