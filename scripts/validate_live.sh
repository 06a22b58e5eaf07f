#!/usr/bin/env bash
# Profiles this machine and validates the simulator against it, ROUNDS times (default 3): each
# round re-profiles (the caches of a shared host drift over minutes) and runs the single-DNN and
# the concurrent validate configs right after. Prints the per-round p50/p99 errors and their
# medians over rounds; results stay in runs/live/rounds/<round>/<config>/.
# Usage: scripts/validate_live.sh [ROUNDS]   (after scripts/build.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
bin=./build/bin/stitchsim
[[ -x "$bin" ]] || { echo "error: $bin not built; run scripts/build.sh first" >&2; exit 2; }
mkdir -p runs/live/rounds
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r/$rounds: profile"
  "$bin" profile run --backend onednn experiments/live/configs/zoo_two_models.json --out runs/live/zoo_two_models.h5 -q
  mkdir -p "runs/live/rounds/$r"
  cp runs/live/zoo_two_models.h5 runs/live/zoo_two_models.platform.json "runs/live/rounds/$r/"
  for c in single concurrent; do
    echo "== round $r/$rounds: validate $c"
    rm -rf "runs/live/rounds/$r/$c"
    "$bin" validate "experiments/live/configs/validate_$c.json" --out "runs/live/rounds/$r/$c" > /dev/null
  done
done
/usr/bin/python3 - "$rounds" <<'PY'
import json, statistics, sys
rounds = int(sys.argv[1])
rows = {}
for r in range(1, rounds + 1):
    for c in ("single", "concurrent"):
        s = json.load(open(f"runs/live/rounds/{r}/{c}/summary.json"))
        for task, t in s["tasks"].items():
            for metric in ("p50_ms", "p99_ms"):
                rows.setdefault((c, task, metric), []).append((t[metric]["predicted"], t[metric]["measured"], t[metric].get("error_pct")))
print(f"{'config':<11} {'task':<6} {'metric':<7} " + " ".join(f"{'round ' + str(r):>16}" for r in range(1, rounds + 1)) + f" {'median error':>13}")
for (c, task, metric), v in rows.items():
    errs = [e for _, _, e in v if e is not None]
    cells = " ".join(f"{p:6.3f}/{m:6.3f}{'':>3}" if e is None else f"{e:+6.1f}% ({m:5.2f})" for p, m, e in v)
    print(f"{c:<11} {task:<6} {metric:<7} {cells} {statistics.median(errs):+12.1f}%")
PY
