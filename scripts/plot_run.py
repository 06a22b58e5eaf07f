#!/usr/bin/python3
"""Plots one run directory: per-task latency CDFs against their SLOs, and a processor timeline.

usage: /usr/bin/python3 scripts/plot_run.py RUN_DIR [--out FILE.png] [--window-s START END]
"""
import argparse
import json
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import load_table  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir")
    ap.add_argument("--out", help="PNG to write (default RUN_DIR/run.png)")
    ap.add_argument("--window-s", nargs=2, type=float, default=None,
                    help="timeline window in seconds (default: the first 0.5 s)")
    args = ap.parse_args()
    h5 = os.path.join(args.run_dir, "results.h5")
    if not os.path.exists(h5):
        print(f"error: {h5}: not found (is {args.run_dir} a stitchsim run directory?)", file=sys.stderr)
        sys.exit(2)
    with open(os.path.join(args.run_dir, "config.resolved.json")) as f:
        config = json.load(f)
    with open(os.path.join(args.run_dir, "summary.json")) as f:
        summary = json.load(f)
    req = load_table(h5, "requests")

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 8), gridspec_kw={"height_ratios": [3, 2]})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    tasks = [t["name"] for t in config["tasks"]]
    for i, task in enumerate(tasks):
        lat = np.sort(req.loc[(req.task == task) & (req.drop_reason == ""), "latency_ms"].to_numpy())
        if len(lat) == 0:
            continue
        c = colors[i % len(colors)]
        viol = 100 * summary["tasks"][task]["slo_violation_rate"]
        ax1.plot(lat, np.arange(1, len(lat) + 1) / len(lat), color=c, label=f"{task} ({viol:.1f}% violate)")
        ax1.axvline(config["tasks"][i]["slo"]["latency_ms"], color=c, ls="--", lw=1)
    ax1.set_xscale("log")
    ax1.set_xlabel("end-to-end latency (ms, log); dashed: each task's latency SLO at start")
    ax1.set_ylabel("share of finished requests")
    ax1.set_title(f"{config['name']}: latency CDF per task, scheduler {config['scheduler']['name']}")
    ax1.grid(alpha=0.3)
    ax1.legend(loc="lower right")

    try:
        iv = load_table(h5, "processor_intervals")
    except KeyError:
        iv = None
    if iv is not None and len(iv):
        start, end = args.window_s if args.window_s else (0.0, 0.5)
        iv = iv[(iv.end_ns >= start * 1e9) & (iv.start_ns <= end * 1e9)]
        task_of = dict(zip(req.id, req.task))
        lanes = []
        for p in config["platform"]["processors"]:
            for s in range(p["slots"]):
                lanes.append((p["name"], s))
        for y, (proc, slot) in enumerate(lanes):
            sub = iv[(iv.processor == proc) & (iv.slot == slot)]
            for _, r in sub.iterrows():
                t = task_of[r.request]
                c = colors[tasks.index(t) % len(colors)]
                hatch = "//" if r.phase == "load" else None
                ax2.barh(y, (r.end_ns - r.start_ns) / 1e6, left=r.start_ns / 1e6, color=c, hatch=hatch,
                         edgecolor="black", linewidth=0.2)
        ax2.set_yticks(range(len(lanes)), [f"{p} slot {s}" for p, s in lanes])
        ax2.set_xlim(start * 1e3, end * 1e3)
        ax2.set_xlabel("simulated time (ms); hatched: weight load / hand-off wait")
        ax2.set_title("processor timeline (colour = task)")
    fig.tight_layout()
    out = args.out or os.path.join(args.run_dir, "run.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
