// Running a fragile reader in a child process, so a crash inside a third-party library (HDF5
// 1.10 segfaults on some corrupted files, inside the library itself) becomes one error line.
//
// Contract: run_isolated(origin, work) forks; the child runs `work` and sends back its JSON
// result, or its ConfigError, through a pipe, then exits without running destructors or atexit
// handlers (an MPI parent's state is never touched); it dies with the parent, and of its own
// crashes by the plain signal (inherited crash handlers are reset); its stderr goes to /dev/null, so what a
// crashing library prints cannot split the one error line. The parent returns that result or rethrows
// that ConfigError. If the child dies (signal, abort), exceeds `timeout_s`, or sends something
// incomplete, the parent throws ConfigError(origin, "", "<what happened>") instead. The child's
// address space is capped (8 GiB; not under AddressSanitizer, which reserves far more). Callers
// must not run `work` concurrently with other users of the same library in other threads of this
// process (the fork copies whatever state those threads leave half-changed): hold a lock.
#pragma once

#include <functional>
#include <string>

#include "sim/config.h"

namespace sim {

Json run_isolated(const std::string& origin, const std::function<Json()>& work, int timeout_s = 30);

}  // namespace sim
