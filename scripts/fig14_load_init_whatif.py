#!/usr/bin/python3
"""What-if for Fig. 14: how much would the memory budget matter if every on-demand load also
paid a runtime compile/initialisation time? No public source gives that time (see
hw-models/profiles/README.md, "Cold start"), so these are sensitivity runs, not measurements.

    /usr/bin/python3 scripts/fig14_load_init_whatif.py [--platform core_ultra] [--init-ms 0 20 100 500]

Writes platform copies with memory.load_init_ms set and a sweep over them next to OUT, runs
experiments/configs/paper/sweep_memory_KEY.json's policies and sequences over budgets
3/8/15/55/100 % with 2 seeds, and prints the violation rate per policy, init time and budget.
"""
import argparse
import json
import os
import subprocess

import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PAPER = os.path.join(ROOT, "experiments", "configs", "paper")
PLATFORMS = {"core_ultra": "hw-models/platforms/core_ultra.json", "sm8550": "hw-models/platforms/snapdragon_8gen2.json"}
BUDGETS = {"3%": 0.03, "8%": 0.08, "15%": 0.15, "55%": 0.55, "100%": 1.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--platform", default="core_ultra", choices=sorted(PLATFORMS))
    ap.add_argument("--init-ms", type=float, nargs="+", default=[0, 20, 100, 500])
    ap.add_argument("--out", default=None)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "bin", "stitchsim"))
    args = ap.parse_args()
    out = args.out or os.path.join(ROOT, "runs", f"fig14_whatif_{args.platform}")
    os.makedirs(out, exist_ok=True)
    plat = json.load(open(os.path.join(ROOT, PLATFORMS[args.platform])))
    values = {}
    for ms in args.init_ms:
        p = json.loads(json.dumps(plat))
        p["memory"]["load_init_ms"] = ms
        path = os.path.join(out, f"platform_init{ms:g}ms.json")
        json.dump(p, open(path, "w"), indent=1)
        values[f"{ms:g}ms"] = {"platform": path}
    sweep = json.load(open(os.path.join(PAPER, f"sweep_memory_{args.platform}.json")))
    sweep["base"] = os.path.join(PAPER, f"base_dynamic_{args.platform}.json")
    keep = [a for a in sweep["axes"] if a.get("name") in ("sequence", "policy")]
    sweep["axes"] = [{"name": "load_init", "values": values}] + keep + [
        {"name": "budget", "values": {k: {"memory_budget.share_of_zoo": v} for k, v in BUDGETS.items()}},
        {"key": "seed", "values": [1, 2]}]
    sweep_path = os.path.join(out, "sweep.json")
    json.dump(sweep, open(sweep_path, "w"), indent=1)
    subprocess.run([args.binary, "sweep", sweep_path, "--out", os.path.join(out, "sweep"), "-q"], check=True)
    res = pd.read_csv(os.path.join(out, "sweep", "results.csv"))
    pd.set_option("display.width", 200)
    for policy in res.policy.unique():
        t = res[res.policy == policy].groupby(["load_init", "budget"])["overall.slo_violation_rate"].mean().unstack() * 100
        t = t[sorted(t.columns, key=lambda b: float(b.rstrip("%")))]
        t = t.loc[sorted(t.index, key=lambda i: float(i.rstrip("ms")))]
        print(f"{policy}: SLO violation rate (%) by load_init_ms (rows) and budget (columns)")
        print(t.round(2).to_string(), "\n")


if __name__ == "__main__":
    main()
