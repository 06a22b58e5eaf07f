#!/usr/bin/python3
"""Plots one validate directory: per task, the latency CDF predicted (simulated) against measured
(live), and the median execution time of every subgraph in both runs, so a latency gap shows
whether it comes from execution (caches) or from waiting (hand-offs, queues).

usage: /usr/bin/python3 scripts/plot_validate.py VALIDATE_DIR [--out FILE.png]
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

RUNS = (("simulated", "predicted", "--"), ("live", "measured", "-"))


def per_subgraph_exec_ms(requests, intervals, task):
    """Median execution (ms) per subgraph of one task's requests."""
    ids = set(requests.loc[requests.task == task, "id"])
    ex = intervals[(intervals.phase == "execute") & intervals.request.isin(ids)]
    return (ex.end_ns - ex.start_ns).groupby(ex.subgraph).median() / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("validate_dir")
    ap.add_argument("--out", help="PNG to write (default VALIDATE_DIR/validate.png)")
    args = ap.parse_args()
    d = args.validate_dir
    for run, _, _ in RUNS:
        if not os.path.exists(os.path.join(d, run, "results.h5")):
            print(f"error: {d}/{run}/results.h5: not found (is {d} a stitchsim validate directory?)", file=sys.stderr)
            sys.exit(2)
    with open(os.path.join(d, "summary.json")) as f:
        summary = json.load(f)
    tables = {run: (load_table(os.path.join(d, run, "results.h5"), "requests"),
                    load_table(os.path.join(d, run, "results.h5"), "processor_intervals")) for run, _, _ in RUNS}
    tasks = list(summary["tasks"].keys())
    fig, axes = plt.subplots(2, len(tasks), figsize=(6 * len(tasks), 8), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, task in enumerate(tasks):
        ax, bx = axes[0][i], axes[1][i]
        err = summary["tasks"][task]["p50_ms"].get("error_pct")
        for k, (run, label, ls) in enumerate(RUNS):
            req = tables[run][0]
            lat = np.sort(req.loc[(req.task == task) & (req.drop_reason == ""), "latency_ms"].to_numpy())
            if len(lat):
                ax.plot(lat, np.arange(1, len(lat) + 1) / len(lat), ls=ls, color=colors[k],
                        label=f"{label}: p50 {np.median(lat):.2f} ms")
        ax.set_xscale("log")
        ax.set_xlabel("end-to-end latency (ms, log)")
        ax.set_ylabel("share of finished requests")
        ax.set_title(f"{task}: p50 error {err:+.1f} %" if err is not None else task)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
        width = 0.38
        for k, (run, label, _) in enumerate(RUNS):
            med = per_subgraph_exec_ms(*tables[run], task)
            bx.bar(med.index + (k - 0.5) * width, med.to_numpy(), width, color=colors[k], label=label)
        bx.set_xticks(sorted(set(tables["live"][1].subgraph)))
        bx.set_xlabel("subgraph")
        bx.set_ylabel("median execution (ms)")
        bx.set_title(f"{task}: execution per subgraph")
        bx.legend()
        bx.grid(alpha=0.3, axis="y")
    fig.suptitle(f"{summary.get('name', os.path.basename(os.path.abspath(d)))}: predicted vs measured on {summary.get('machine', 'this machine').split(';')[0]}")
    fig.tight_layout()
    out = args.out or os.path.join(d, "validate.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
