#!/usr/bin/env bash
# Builds one libFuzzer target (clang, ASan + UBSan) in build-fuzz/ and fuzzes it.
#   scripts/fuzz.sh TARGET SECONDS     TARGET: config_json profile_json profile_h5 trace_csv sweep_spec
# Starts from the committed seeds in tests/fuzz/corpus/TARGET (never modified); the growing corpus
# lives in build-fuzz/corpus/TARGET, findings (crash-*, timeout-*, oom-*) in build-fuzz/findings/TARGET.
# Limits: 10 s per input (40 s for profile_h5), 1 GiB per allocation, 2 GiB resident. Exit 0 when
# nothing was found.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -ne 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS (targets: config_json profile_json profile_h5 trace_csv sweep_spec)" >&2
  exit 2
fi
target="$1"
seconds="$2"
if [ ! -d "$root/tests/fuzz/corpus/$target" ]; then echo "error: unknown fuzz target '$target'" >&2; exit 2; fi
"$root/scripts/install-deps.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DSTITCHSIM_FUZZ=ON -DSTITCHSIM_BUILD_TESTS=OFF -DSTITCHSIM_BUILD_BENCH=OFF > /dev/null
cmake --build "$root/build-fuzz" -j "$(nproc)" --target "fuzz_$target"
work="$root/build-fuzz/corpus/$target"
findings="$root/build-fuzz/findings/$target"
mkdir -p "$work" "$findings"
export ASAN_OPTIONS="abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
# The HDF5 reader stops a read after 30 s itself (HDF5 1.10 loops forever on some files), so
# only a read that outlives that is a hang.
timeout=10
if [ "$target" = profile_h5 ]; then timeout=40; fi
cd "$root"
"$root/build-fuzz/bin/fuzz_$target" -max_total_time="$seconds" -timeout="$timeout" -malloc_limit_mb=1024 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$root/tests/fuzz/corpus/$target"
