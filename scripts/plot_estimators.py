#!/usr/bin/python3
"""Plots the profiling-cost trade-off of a `stitchsim profile estimate --report DIR` run (paper
Fig. 12): each estimator's error on the held-out measured combinations against the number of
measured combinations it was trained on (bottom axis) and the measuring time that costs (top
axis), one panel per (model, target). Reads DIR/tradeoff.csv and DIR/cv.csv; writes
DIR/estimators_tradeoff.png.

usage: /usr/bin/python3 scripts/plot_estimators.py DIR
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    args = ap.parse_args()
    tr = pd.read_csv(os.path.join(args.dir, "tradeoff.csv"))
    cv = pd.read_csv(os.path.join(args.dir, "cv.csv"))
    panels = list(dict.fromkeys(zip(tr.model, tr.target)))
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.6), squeeze=False)
    for ax, (model, target) in zip(axes[0], panels):
        d = tr[(tr.model == model) & (tr.target == target)]
        scale, unit = (100.0, "points") if target == "accuracy" else (1.0, "ms")
        for name, g in d.groupby("estimator", sort=False):
            g = g.sort_values("train_samples")
            line, = ax.plot(g.train_samples, scale * g.mae, "o-", label=f"{name} MAE")
            ax.plot(g.train_samples, scale * g.p95_abs, "--", color=line.get_color(), alpha=0.6, label=f"{name} p95")
            full = cv[(cv.model == model) & (cv.target == target) & (cv.estimator == name)]
            if len(full):
                ax.axhline(scale * full.mae.iloc[0], color=line.get_color(), linestyle=":", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("measured combinations used for training")
        ax.set_ylabel(f"{target} error on the other measured combinations ({unit})")
        per = d.seconds_per_combination.iloc[0]
        ax.set_title(f"{model}: {target} ({per:.3g} s per measured combination)")
        if per > 0:
            top = ax.secondary_xaxis("top", functions=(lambda n, p=per: n * p, lambda s, p=per: s / p))
            top.set_xlabel("profiling time (s)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    out = os.path.join(args.dir, "estimators_tradeoff.png")
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    main()
