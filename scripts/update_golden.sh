#!/usr/bin/env bash
# Regenerates tests/golden/default_summary.json from the current build. Run after an intended
# change to results, then review `git diff tests/golden` before committing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
"$root/build/bin/stitchsim" run "$root/experiments/configs/default.json" --out "$out/run" --quiet
cp "$out/run/summary.json" "$root/tests/golden/default_summary.json"
rm -rf "$out"
echo "updated tests/golden/default_summary.json"
