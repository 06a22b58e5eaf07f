#!/usr/bin/env bash
# Fig. 4 beside the estimators' error, checked on measured truth (digits model):
#  1. the shipped digits profile (all 990 stitched accuracies measured) as JSON;
#  2. all but 100 stitched accuracies held out (seeded), so explore must estimate them;
#  3. explore with `analytic` and with `xgboost`, each at margin 0 and at its calibrated margin;
#  4. for each claimed latency cut, the stitched point's measured accuracy: is the gain real?
# Then the default (SM8550) config at margins 0, 1 and 2 accuracy points.
# Writes runs/estimators/; prints the checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${STITCHSIM:-$root/build/bin/stitchsim}"
out="$root/runs/estimators"
mkdir -p "$out"
res="$root/experiments/results/estimators"
"$bin" profile estimate "$res/digits.h5" --out "$out/digits_full.json" --estimator '"analytic"' --overwrite -q
/usr/bin/python3 "$root/scripts/estimator_holdout.py" hold-out "$out/digits_full.json" "$out/digits_holdout.json" --keep 100 --seed 1
for est in analytic xgboost; do
  printf '{"name": "digits-holdout-%s", "experiment": "%s", "placement": "contiguous", "precision_change_ms": 0, "estimator": {"name": "%s"}}\n' \
    "$est" "$res/digits_holdout_experiment.json" "$est" >"$out/explore_holdout_$est.json"
  "$bin" explore "$out/explore_holdout_$est.json" --out "$out/holdout_$est" --overwrite -q
  echo "== $est"
  /usr/bin/python3 "$root/scripts/estimator_holdout.py" check "$out/digits_full.json" "$out/holdout_$est" --json "$out/holdout_$est.check.json"
done
for mg in 0 0.01 0.02; do
  "$bin" explore "$root/experiments/configs/default.json" --out "$out/default_margin_$mg" --overwrite --set accuracy_margin=$mg -q
  /usr/bin/python3 - "$out/default_margin_$mg/summary.json" "$mg" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for t, v in s["tasks"].items():
    g0, g = v["stitching_gain"], v["stitching_gain_at_margin"]
    print(f"default, margin {sys.argv[2]}: {t:<10} latency cut at >= accuracy: {100 * g['latency_cut_share']:5.1f} % "
          f"(margin 0: {100 * g0['latency_cut_share']:5.1f} %); accuracy gain at <= latency: "
          f"{100 * g['accuracy_gain_at_equal_or_lower_latency']:.2f} pt (margin 0: {100 * g0['accuracy_gain_at_equal_or_lower_latency']:.2f} pt)")
PY
done
