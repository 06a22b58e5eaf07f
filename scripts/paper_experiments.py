#!/usr/bin/python3
"""Runs the SparseLoom paper experiments in simulation and draws their figures.

    /usr/bin/python3 scripts/paper_experiments.py [--out runs/paper] [--skip-runs]
    /usr/bin/python3 scripts/paper_experiments.py --platform core_ultra [--out runs/paper_core_ultra] [--seeds N]

Steps (each resumable: sweeps keep finished runs in OUT/<sweep>/progress):
  1. stitchsim sweep experiments/configs/paper/sweep_main.json   (Fig. 3, 10, 14)
  2. stitchsim sweep experiments/configs/paper/sweep_order.json  (Fig. 13)
  3. stitchsim capacity per policy at SLO configuration C1       (Fig. 11)
  4. figures as PNG and headline numbers (OUT/headline.json), next to the paper's.
Configs come from scripts/make_paper_configs.py; rerun it after changing the default profile.

With --platform KEY the same four figures (10, 11, 13, 14) are made on that platform alone, from
the files `make_paper_configs.py --platform KEY` writes (sweep_platform_KEY.json,
sweep_order_KEY.json, sweep_memory_KEY.json, base_KEY.json, slo_configs_KEY.json), into
OUT/fig*_KEY.png and OUT/headline_KEY.json. --seeds N keeps the first N seeds of each sweep (for
iteration; published numbers use every seed).
"""
import argparse
import json
import os
import subprocess
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PAPER = os.path.join(ROOT, "experiments", "configs", "paper")
POLICY_ORDER = ["SparseLoom", "AV-P", "AV-NP", "SV-AO-P", "SV-AO-NP", "SV-LO-P", "SV-LO-NP"]
VIOL = "overall.slo_violation_rate"
# Capacity is compared at the most lenient configuration: under stricter ones some baselines miss
# the target even at a trickle of requests, and a capacity of zero has no ratio.
CAPACITY_SLO = "C1"
# Fig. 10 panels: every platform with a sweep_platform_KEY.json (make_paper_configs.py).
PLATFORM_KEYS = ("sm8550", "rk3588", "core_ultra")


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def capacity(binary, out_dir, base_name="base.json", slo_name="slo_configs.json", sweep_name="sweep_main.json"):
    """Fig. 11: one capacity search per policy at CAPACITY_SLO, run as one capacity sweep (the
    searches are independent, so `stitchsim sweep` runs them in parallel and resumes after a kill)."""
    base = os.path.join(PAPER, base_name)
    slos = json.load(open(os.path.join(PAPER, slo_name)))["configs"][CAPACITY_SLO]["tasks"]
    sweep = json.load(open(os.path.join(PAPER, sweep_name)))
    policies = next(a for a in sweep["axes"] if a.get("name") == "policy")["values"]
    tasks = json.load(open(base))["tasks"]
    cells = {}
    for name in POLICY_ORDER:
        cell = {"variant_selector": policies[name]["variant_selector"], "duration": "20s"}
        for i, t in enumerate(tasks):
            cell[f"tasks.{i}.slo"] = slos[t["name"]]
            cell[f"tasks.{i}.start"] = "0s"
        cells[name] = cell
    spec = {"description": f"Fig. 11: capacity at <= 5 % violations, SLO {CAPACITY_SLO}, one search per policy",
            "base": base,
            "capacity": {"target": 0.05, "low": 0.01, "high": 20, "tolerance": 0.02},
            "axes": [{"name": "policy", "values": cells}]}
    spec_file = os.path.join(out_dir, "capacity_sweep.json")
    with open(spec_file, "w") as f:
        json.dump(spec, f, indent=1)
    result_dir = os.path.join(out_dir, "capacity")
    if not os.path.exists(os.path.join(result_dir, "results.csv")):
        run([binary, "sweep", spec_file, "--out", result_dir])
    frame = pd.read_csv(os.path.join(result_dir, "results.csv"), float_precision="round_trip")  # exact doubles
    return frame[["policy", "capacity_rps"]].reset_index(drop=True)


def bars(ax, frame, title, ylabel):
    frame.plot.bar(ax=ax, width=0.8, edgecolor="black", linewidth=0.3)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "paper"))
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "bin", "stitchsim"))
    ap.add_argument("--skip-runs", action="store_true", help="only redraw from existing results")
    ap.add_argument("--platform", help="run Fig. 10/11/13/14 on this platform's own config set (e.g. core_ultra)")
    ap.add_argument("--seeds", type=int, default=0, help="use only the first N seeds of each sweep (0: all)")
    ap.add_argument("--threads", type=int, default=0, help="threads per sweep (0: all cores)")
    args = ap.parse_args()
    if args.platform:
        if args.out == os.path.join(ROOT, "runs", "paper"):
            args.out = os.path.join(ROOT, "runs", f"paper_{args.platform}")
        platform_main(args)
        return
    os.makedirs(args.out, exist_ok=True)
    main_dir, order_dir = os.path.join(args.out, "main"), os.path.join(args.out, "order")
    memory_dir = os.path.join(args.out, "memory")
    platform_dir = os.path.join(args.out, "platform")
    if not args.skip_runs:
        run([args.binary, "sweep", os.path.join(PAPER, "sweep_main.json"), "--out", main_dir])
        run([args.binary, "sweep", os.path.join(PAPER, "sweep_order.json"), "--out", order_dir])
        run([args.binary, "sweep", os.path.join(PAPER, "sweep_memory.json"), "--out", memory_dir])
        for key in PLATFORM_KEYS:
            run([args.binary, "sweep", os.path.join(PAPER, f"sweep_platform_{key}.json"), "--out",
                 os.path.join(platform_dir, key)])
    cap = capacity(args.binary, args.out)
    main = pd.read_csv(os.path.join(main_dir, "results.csv"))
    order = pd.read_csv(os.path.join(order_dir, "results.csv"))
    memory = pd.read_csv(os.path.join(memory_dir, "results.csv"))
    platform = pd.concat([pd.read_csv(os.path.join(platform_dir, k, "results.csv")) for k in PLATFORM_KEYS])
    full = main[main.budget == "100%"]
    slos = sorted(main.slo.unique())

    # Fig. 3: with and without stitching (SparseLoom vs the same optimiser over zoo variants only).
    fig, ax = plt.subplots(figsize=(9, 4))
    f3 = full[full.policy.isin(["SparseLoom", "AV-P"])].groupby(["slo", "policy"])[VIOL].mean().unstack() * 100
    f3 = f3.rename(columns={"SparseLoom": "with stitching (SparseLoom)", "AV-P": "zoo variants only (AV-P)"})
    bars(ax, f3, "SLO violations with and without stitching (paper Fig. 3)", "SLO violation rate (%)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "fig3_stitching.png"), dpi=110)

    # Fig. 10: violation rate per policy and SLO configuration, one panel per platform.
    names = sorted(platform.platform.unique())
    fig, axes = plt.subplots(len(names), 1, figsize=(11, 4 * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        sub = platform[platform.platform == name]
        f10 = sub.groupby(["slo", "policy"])[VIOL].mean().unstack()[POLICY_ORDER] * 100
        bars(ax, f10, f"SLO violation rate per policy on {name} (paper Fig. 10)", "SLO violation rate (%)")
        ax.legend(ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "fig10_policies.png"), dpi=110)

    # Fig. 11: throughput as capacity (largest rate with <= 5 % violations) at CAPACITY_SLO.
    fig, ax = plt.subplots(figsize=(8, 4))
    c = cap.set_index("policy").loc[POLICY_ORDER]
    ax.bar(c.index, c.capacity_rps, color=["tab:red"] + ["tab:gray"] * 6, edgecolor="black", linewidth=0.3)
    ax.set_title("Throughput: capacity at <= 5 % violations, SLO C1 (paper Fig. 11)")
    ax.set_ylabel("requests/s")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "fig11_throughput.png"), dpi=110)

    # Fig. 13: fixed placement orders versus the optimised placement.
    fig, ax = plt.subplots(figsize=(11, 4.5))
    f13 = order.groupby(["slo", "placement"])[VIOL].mean().unstack() * 100
    cols = ["optimised"] + sorted(c for c in f13.columns if c != "optimised")
    bars(ax, f13[cols], "SparseLoom: optimised vs fixed placement order (paper Fig. 13)", "SLO violation rate (%)")
    ax.legend(ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "fig13_placement.png"), dpi=110)

    # Fig. 14: memory budget versus violation rate, with SLOs changing during each run.
    fig, ax = plt.subplots(figsize=(8, 4.5))
    f14 = memory.groupby(["budget", "policy"])[VIOL].mean().unstack()[POLICY_ORDER] * 100
    f14 = f14.loc[sorted(f14.index, key=lambda b: float(b.rstrip("%")))]
    for p in POLICY_ORDER:
        ax.plot(f14.index, f14[p], marker="o", lw=2.5 if p == "SparseLoom" else 1.2, label=p)
    ax.set_title("Memory budget vs SLO violation rate, SLOs changing (paper Fig. 14)")
    ax.set_xlabel("memory budget (share of the model zoos)")
    ax.set_ylabel("SLO violation rate (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "fig14_memory.png"), dpi=110)

    # Headline numbers beside the paper's.
    per_slo = full.groupby(["slo", "policy"])[VIOL].mean().unstack()
    baselines = [p for p in POLICY_ORDER if p != "SparseLoom"]
    reduction = {}
    for slo in slos:
        worst = per_slo.loc[slo, baselines].max()
        reduction[slo] = None if worst == 0 else 100 * (per_slo.loc[slo, "SparseLoom"] - worst) / worst
    caps = cap.set_index("policy").capacity_rps
    mem = full.groupby("policy")["memory.average_bytes"].mean()
    budget_effect = (memory.groupby(["budget", "policy"])[VIOL].mean().unstack() * 100).round(2)
    headline = {
        "violation_change_vs_worst_baseline_pct_per_slo": reduction,
        "largest_violation_reduction_pct": min(v for v in reduction.values() if v is not None),
        "throughput_ratio_vs_each_baseline": {p: caps["SparseLoom"] / caps[p] if caps[p] > 0 else None
                                              for p in baselines},
        "memory_change_vs_baselines_mean_pct": 100 * (mem["SparseLoom"] / mem[baselines].mean() - 1),
        "mean_violation_rate_per_policy": full.groupby("policy")[VIOL].mean().to_dict(),
        "mean_violation_pct_per_platform_and_policy": {
            name: (platform[platform.platform == name].groupby("policy")[VIOL].mean() * 100).round(2).to_dict()
            for name in sorted(platform.platform.unique())},
        "violation_pct_by_budget_with_changing_slos": {b: row.to_dict() for b, row in budget_effect.iterrows()},
        "capacity_rps_at_" + CAPACITY_SLO: caps.to_dict(),
        "paper": {"violations": "up to -74 % vs the worst baseline", "throughput": "up to 2.31x",
                  "memory": "-28 % on average"},
    }
    json.dump(headline, open(os.path.join(args.out, "headline.json"), "w"), indent=1)
    print(json.dumps(headline, indent=1))


def sweep(args, name, out_dir):
    """Runs PAPER/name into out_dir, keeping only the first --seeds seeds when asked."""
    path = os.path.join(PAPER, name)
    tmp = None
    if args.seeds > 0:
        doc = json.load(open(path))
        for axis in doc["axes"]:
            if axis.get("key") == "seed":
                axis["values"] = axis["values"][:args.seeds]
        tmp = os.path.join(PAPER, f".seeds{args.seeds}_{name}")
        json.dump(doc, open(tmp, "w"), indent=1)
        path = tmp
    try:
        run([args.binary, "sweep", path, "--out", out_dir, "-q"] + (["-j", str(args.threads)] if args.threads else []))
    finally:
        if tmp:
            os.remove(tmp)


def platform_main(args):
    """Fig. 10, 11, 13, 14 on one platform (its own SLO configurations), beside the paper."""
    key = args.platform
    os.makedirs(args.out, exist_ok=True)
    dirs = {k: os.path.join(args.out, k) for k in ("platform", "order", "memory")}
    if not args.skip_runs:
        sweep(args, f"sweep_platform_{key}.json", dirs["platform"])
        sweep(args, f"sweep_order_{key}.json", dirs["order"])
        sweep(args, f"sweep_memory_{key}.json", dirs["memory"])
    cap = capacity(args.binary, args.out, f"base_{key}.json", f"slo_configs_{key}.json", f"sweep_memory_{key}.json")
    platform = pd.read_csv(os.path.join(dirs["platform"], "results.csv"))
    order = pd.read_csv(os.path.join(dirs["order"], "results.csv"))
    memory = pd.read_csv(os.path.join(dirs["memory"], "results.csv"))
    label = platform.platform.iloc[0]

    fig, ax = plt.subplots(figsize=(11, 4))
    f10 = platform.groupby(["slo", "policy"])[VIOL].mean().unstack()[POLICY_ORDER] * 100
    bars(ax, f10, f"SLO violation rate per policy on {label} (paper Fig. 10)", "SLO violation rate (%)")
    ax.legend(ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, f"fig10_policies_{key}.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(8, 4))
    c = cap.set_index("policy").loc[POLICY_ORDER]
    ax.bar(c.index, c.capacity_rps, color=["tab:red"] + ["tab:gray"] * 6, edgecolor="black", linewidth=0.3)
    ax.set_title(f"Throughput on {label}: capacity at <= 5 % violations, SLO {CAPACITY_SLO} (paper Fig. 11)")
    ax.set_ylabel("requests/s")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, f"fig11_throughput_{key}.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(11, 4.5))
    f13 = order.groupby(["slo", "placement"])[VIOL].mean().unstack() * 100
    cols = ["optimised"] + sorted(col for col in f13.columns if col != "optimised")
    bars(ax, f13[cols], f"SparseLoom on {label}: optimised vs fixed placement order (paper Fig. 13)", "SLO violation rate (%)")
    ax.legend(ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, f"fig13_placement_{key}.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    f14 = memory.groupby(["budget", "policy"])[VIOL].mean().unstack()[POLICY_ORDER] * 100
    f14 = f14.loc[sorted(f14.index, key=lambda b: float(b.rstrip("%")))]
    for p in POLICY_ORDER:
        ax.plot(f14.index, f14[p], marker="o", lw=2.5 if p == "SparseLoom" else 1.2, label=p)
    ax.set_title(f"Memory budget vs SLO violation rate on {label}, SLOs changing (paper Fig. 14)")
    ax.set_xlabel("memory budget (share of the model zoos)")
    ax.set_ylabel("SLO violation rate (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, f"fig14_memory_{key}.png"), dpi=110)

    caps = cap.set_index("policy").capacity_rps
    baselines = [p for p in POLICY_ORDER if p != "SparseLoom"]
    per_slo = platform.groupby(["slo", "policy"])[VIOL].mean().unstack()
    loads = memory.groupby(["budget", "policy"])["memory.loads"].mean().unstack() if "memory.loads" in memory else None
    headline = {
        "platform": label,
        "seeds_per_cell": int(platform.seed.nunique()) if "seed" in platform else None,
        "violation_pct_per_slo_and_policy": (per_slo * 100).round(2).to_dict(orient="index"),
        "mean_violation_pct_per_policy": (platform.groupby("policy")[VIOL].mean() * 100).round(2).to_dict(),
        "capacity_rps_at_" + CAPACITY_SLO: caps.to_dict(),
        "throughput_ratio_vs_each_baseline": {p: caps["SparseLoom"] / caps[p] if caps[p] > 0 else None for p in baselines},
        "p_over_np_capacity": {f"{a}-P/{a}-NP": caps[f"{a}-P"] / caps[f"{a}-NP"] if caps[f"{a}-NP"] > 0 else None
                               for a in ("AV", "SV-AO", "SV-LO")},
        "placement_violation_pct": (order.groupby("placement")[VIOL].mean() * 100).round(2).to_dict(),
        "violation_pct_by_budget_with_changing_slos": {b: row.to_dict() for b, row in f14.round(2).iterrows()},
        "loads_by_budget": None if loads is None else {b: row.round(1).to_dict() for b, row in loads.iterrows()},
        "paper": {"violations": "up to -74 % vs the worst baseline", "throughput": "up to 2.31x",
                  "memory_budget": "55 % within 2.7 % of full preloading"},
    }
    json.dump(headline, open(os.path.join(args.out, f"headline_{key}.json"), "w"), indent=1)
    print(json.dumps(headline, indent=1))


if __name__ == "__main__":
    main()
