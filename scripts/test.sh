#!/usr/bin/env bash
# One command: install what is missing, build, run the whole test suite (ctest).
#   scripts/test.sh             Release build in build/
#   scripts/test.sh --sanitize  AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#                               (stops at the first finding; OpenMPI's own leaks are suppressed by
#                               tests/sanitizers/lsan.supp)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh"
if [ "$sanitize" = 0 ]; then
  "$root/scripts/build.sh"
  cd "$root/build"
  ctest --output-on-failure -j "$(nproc)" --timeout 600
  exit 0
fi
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
# Benchmarks measure speed, which a sanitized build does not have; everything else is built.
# -O1 -g1 (function names and line tables for the reports) keeps the build short on 2 cores.
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTITCHSIM_WERROR=$werror \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSTITCHSIM_SANITIZE=ON -DSTITCHSIM_BUILD_BENCH=OFF
cmake --build "$root/build-asan" -j "$(nproc)"
# Leak detection is on by default (off only in the ranks that the MPI test starts: test_sweep.cpp).
export ASAN_OPTIONS="abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
cd "$root/build-asan"
ctest --output-on-failure -j "$(nproc)" --timeout 1200
