#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build, run the default experiment with the
# SparseLoom planner, then the same scenario under each baseline, and print them side by side.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root"
bin=./build/bin/stitchsim
config=experiments/configs/default.json
$bin run "$config" --out runs/default
# The baselines: the same scenario, only the planner differs (-P: each request split over at
# least two processors; -NP: each request on one processor).
declare -A policies=(
  [AV-P]='{"name":"av","partitioned":true}'       [AV-NP]='{"name":"av","partitioned":false}'
  [SV-AO-P]='{"name":"sv_ao","partitioned":true}' [SV-AO-NP]='{"name":"sv_ao","partitioned":false}'
  [SV-LO-P]='{"name":"sv_lo","partitioned":true}' [SV-LO-NP]='{"name":"sv_lo","partitioned":false}')
args=(SparseLoom=runs/default)
for name in AV-P AV-NP SV-AO-P SV-AO-NP SV-LO-P SV-LO-NP; do
  rm -rf "runs/demo/$name"
  $bin run "$config" --set "variant_selector=${policies[$name]}" --set outputs.trace=false \
    --out "runs/demo/$name" --quiet
  args+=("$name=runs/demo/$name")
done
echo
echo "Default scenario (4 tasks on Snapdragon 8 Gen 2, 60 s, image SLO tightened at 30 s):"
/usr/bin/python3 scripts/policy_table.py "${args[@]}"
echo
echo "SparseLoom run: runs/default (summary.json, results.h5 tables 'requests' and 'processor_intervals');"
echo "its trace: runs/default/trace.json (open in https://ui.perfetto.dev). Baselines: runs/demo/<policy>/."
