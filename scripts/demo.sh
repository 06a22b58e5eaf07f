#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build, run the default experiment.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root"
./build/bin/stitchsim run experiments/configs/default.json --out runs/default
echo
echo "Open runs/default/trace.json in https://ui.perfetto.dev; tables are in runs/default/results.h5."
