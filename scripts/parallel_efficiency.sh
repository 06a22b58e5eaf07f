#!/usr/bin/env bash
# Parallel efficiency of sweeps (issue 16 item 4): times the same sweep at 1 thread, 2 threads
# and 2 MPI ranks (1 thread each), REPEATS times interleaved, checks that every results.csv is
# byte-identical to the 1-thread one, and prints medians, speed-ups and efficiency (speed-up / 2).
# Needs an idle machine with at least 2 cores to mean anything: it prints the load average.
#
#   scripts/parallel_efficiency.sh [SWEEP.json] [REPEATS]      (default: the scaling sweep, 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sweep="${1:-$root/experiments/configs/scaling/sweep_runs.json}"
repeats="${2:-5}"
bin="$root/build/bin/stitchsim"
[ -x "$bin" ] || { echo "error: $bin not built (scripts/build.sh)" >&2; exit 2; }
[ -f "$sweep" ] || { echo "error: $sweep: no such sweep file" >&2; exit 2; }
mpirun_cmd=(mpirun --bind-to none --oversubscribe -np 2 --mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
[ "$(id -u)" = 0 ] && mpirun_cmd=(mpirun --allow-run-as-root --bind-to none --oversubscribe -np 2 --mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

seconds() {  # seconds() NAME CMD...: runs CMD into $work/NAME, prints its wall seconds
  local name="$1"; shift
  rm -rf "$work/$name"
  local t0 t1
  t0=$(date +%s%N)
  "$@" "$sweep" --out "$work/$name" -q
  t1=$(date +%s%N)
  local ms=$(( (t1 - t0) / 1000000 ))
  printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

echo "sweep: $sweep; $repeats repeats; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a t1s t2s m2s
for r in $(seq "$repeats"); do
  t1s+=("$(seconds t1 "$bin" sweep --threads 1)")
  t2s+=("$(seconds t2 "$bin" sweep --threads 2)")
  m2s+=("$(seconds m2 "${mpirun_cmd[@]}" "$bin" sweep --threads 1)")
  cmp -s "$work/t1/results.csv" "$work/t2/results.csv" || { echo "error: 2 threads changed the results" >&2; exit 1; }
  cmp -s "$work/t1/results.csv" "$work/m2/results.csv" || { echo "error: 2 MPI ranks changed the results" >&2; exit 1; }
  echo "repeat $r: 1 thread ${t1s[-1]} s, 2 threads ${t2s[-1]} s, 2 ranks ${m2s[-1]} s"
done
/usr/bin/python3 - "${t1s[*]}" "${t2s[*]}" "${m2s[*]}" <<'PY'
import statistics, sys
t1, t2, m2 = (statistics.median(map(float, a.split())) for a in sys.argv[1:4])
print(f"median wall: 1 thread {t1:.3f} s, 2 threads {t2:.3f} s, 2 MPI ranks {m2:.3f} s")
print(f"speed-up: 2 threads {t1 / t2:.2f}x (efficiency {t1 / t2 / 2:.2f}), "
      f"2 MPI ranks {t1 / m2:.2f}x (efficiency {t1 / m2 / 2:.2f})")
PY
echo "results identical at 1 thread, 2 threads and 2 ranks; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
