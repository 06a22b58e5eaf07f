#!/usr/bin/env python3
"""Figures of the Masa study (experiments/configs/masa/sweep_study.json).

1. masa_response_vs_limit_<arrival>.png: mean response time (waiting + execution, seconds, mean
   over seeds) against the memory limit, one line per policy, one panel per network set.
2. masa_timeline.png: the per-layer timeline of one batch arrival (small-3) under Masa and under
   Bulk, from two run directories (processor_intervals of results.h5: LOAD/INIT and EXEC steps
   per worker, coloured by network).
3. A markdown table of the batch results at 512 MB and 1 GB on stdout (for the README).

Usage:
  stitchsim sweep experiments/configs/masa/sweep_study.json --out runs/masa_study
  stitchsim run experiments/configs/masa/batch_small3.json --out runs/tl_masa --set arrival_sets.0.max_sets=1
  stitchsim run experiments/configs/masa/batch_small3.json --out runs/tl_bulk --set arrival_sets.0.max_sets=1 \
      --set execution_model.mode='"bulk"'
  /usr/bin/python3 scripts/plot_masa.py runs/masa_study/results.csv --timeline runs/tl_masa runs/tl_bulk --out DIR
"""
import argparse
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import column  # noqa: E402

LIMITS = ["256M", "512M", "1G", "2G", "4G"]
MODES = ["masa", "bulk", "linear", "deepeye", "deepeye_frugal"]
SETS = ["small-3", "mixed-3", "large-3", "lifelogging", "all-networks"]


def load(csv):
    d = pd.read_csv(csv)
    d["set"] = d["set_arrival"].str.split("|").str[0]
    d["arrival"] = d["set_arrival"].str.split("|").str[1]
    d["response_s"] = d["overall.latency_ms.mean"] / 1000
    return d


def plot_response(d, arrival, out):
    sub = d[d["arrival"] == arrival]
    fig, axes = plt.subplots(1, len(SETS), figsize=(4 * len(SETS), 3.4), sharex=True)
    for ax, s in zip(axes, SETS):
        g = sub[sub["set"] == s].groupby(["mode", "limit"])["response_s"].mean()
        for m in MODES:
            ys = [g.get((m, lim), float("nan")) for lim in LIMITS]
            ax.plot(LIMITS, ys, marker="o", label=m)
        ax.set_title(s)
        ax.set_yscale("log")
        ax.set_xlabel("memory limit")
    axes[0].set_ylabel("mean response time (s)")
    axes[-1].legend(fontsize=8)
    fig.suptitle(f"Masa vs baselines, {arrival} arrivals (simulated, Raspberry-Pi-4-class profile)")
    fig.tight_layout()
    path = os.path.join(out, f"masa_response_vs_limit_{arrival}.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_timeline(dirs, out):
    fig, axes = plt.subplots(len(dirs), 1, figsize=(11, 2.2 * len(dirs)), sharex=True)
    if len(dirs) == 1:
        axes = [axes]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, run in zip(axes, dirs):
        with h5py.File(os.path.join(run, "results.h5")) as f:
            g = f["processor_intervals"]
            iv = {k: column(g, k) for k in g.attrs["columns"].split(",")}
            task = list(column(f["requests"], "task"))
        names = sorted(set(task))
        execute = [p == "execute" for p in iv["phase"]]
        for i in range(len(iv["start_ns"])):
            start, end = iv["start_ns"][i] / 1e9, iv["end_ns"][i] / 1e9
            colour = colours[names.index(task[iv["request"][i]]) % len(colours)]
            y = int(iv["slot"][i]) * 2 + (1 if execute[i] else 0)
            ax.barh(y, max(end - start, 1e-4), left=start, color=colour,
                    alpha=1.0 if execute[i] else 0.45, edgecolor="none")
        slots = sorted({int(s) for s in iv["slot"]})
        ax.set_yticks([s * 2 + p for s in slots for p in (0, 1)])
        ax.set_yticklabels([f"w{s} {'exec' if p else 'load'}" for s in slots for p in (0, 1)], fontsize=7)
        ax.set_title(f"{os.path.basename(os.path.normpath(run))}: " + ", ".join(
            f"{n} = C{names.index(n) % len(colours)}" for n in names), fontsize=9)
    axes[-1].set_xlabel("time (s); colour = network, pale = LOAD/INIT, solid = EXEC")
    fig.tight_layout()
    path = os.path.join(out, "masa_timeline.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def table(d):
    sub = d[(d["arrival"] == "batch") & (d["limit"].isin(["512M", "1G"]))]
    g = sub.groupby(["set", "limit", "mode"])["response_s"].mean().unstack("mode")
    lines = ["| set | limit | " + " | ".join(MODES) + " | Masa vs best baseline |", "|---" * (len(MODES) + 3) + "|"]
    for (s, lim), row in g.iterrows():
        best = min(row[m] for m in MODES if m != "masa")
        change = (row["masa"] - best) / best * 100
        lines.append(f"| {s} | {lim} | " + " | ".join(f"{row[m]:.1f}" for m in MODES) + f" | {change:+.0f} % |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--timeline", nargs="*", default=[])
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    d = load(a.csv)
    for arrival in sorted(d["arrival"].unique()):
        print(plot_response(d, arrival, a.out))
    if a.timeline:
        print(plot_timeline(a.timeline, a.out))
    print(table(d))


if __name__ == "__main__":
    main()
