#!/usr/bin/python3
"""Plots a `stitchsim explore` run directory: per task, the accuracy-latency density of stitched
variants (paper Figure 4) with frontier cells outlined, and the frontier against the zoo-only
frontier. Writes DIR/explore_<task>.png.

usage: /usr/bin/python3 scripts/plot_explore.py DIR [--task NAME]
"""
import argparse
import json
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def table(f, name):
    g = f[name]
    cols = g.attrs["columns"].split(",")
    data = {}
    for c in cols:
        v = g[c][()]
        if v.dtype.kind == "O":
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        data[c] = v
    return pd.DataFrame(data)


def gain_note(summary, task):
    """One line per margin: the stitching gain at zero margin and at the estimator's margin."""
    t = summary.get("tasks", {}).get(task, {})
    g, gm = t.get("stitching_gain", {}), t.get("stitching_gain_at_margin")
    cv = t.get("accuracy", {}).get("cv", {}).get("estimator", {})
    lines = []
    if g:
        err = f"; estimator CV MAE {100 * cv['mae']:.1f} pt" if cv.get("mae") is not None else "; estimator CV: no measured stitched samples"
        lines.append(f"margin 0: -{100 * g['latency_cut_share']:.1f}% latency at >= accuracy{err}")
    if gm:
        lines.append(f"margin {100 * gm['margin']:.1f} pt: -{100 * gm['latency_cut_share']:.1f}% latency at >= accuracy")
    return "\n".join(lines)


def plot_task(task, hist, front, zoo, out, note=""):
    h = hist[hist.task == task]
    nb_a, nb_l = h.accuracy_bin.max() + 1, h.latency_bin.max() + 1
    counts = np.zeros((nb_a, nb_l))
    marks = np.zeros((nb_a, nb_l))
    counts[h.accuracy_bin, h.latency_bin] = h["count"]
    marks[h.accuracy_bin, h.latency_bin] = h.frontier_points
    a_edges = np.append(np.sort(h.accuracy_lo.unique()), h.accuracy_hi.max())
    l_edges = np.append(np.sort(h.latency_lo_ms.unique()), h.latency_hi_ms.max())

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.2))
    masked = np.ma.masked_where(counts == 0, counts)
    mesh = ax1.pcolormesh(l_edges, a_edges, masked, cmap="viridis", norm=matplotlib.colors.LogNorm())
    fig.colorbar(mesh, ax=ax1, label="stitched (variant, placement) pairs per cell")
    for a, l in zip(*np.nonzero(marks)):
        ax1.add_patch(plt.Rectangle((l_edges[l], a_edges[a]), l_edges[l + 1] - l_edges[l], a_edges[a + 1] - a_edges[a],
                                    fill=False, edgecolor="red", linewidth=1.0))
    ax1.plot([], [], "s", mfc="none", mec="red", label="cell holds a frontier point")
    ax1.set_xlabel("latency (ms)")
    ax1.set_ylabel("accuracy")
    ax1.set_title(f"{task}: accuracy-latency density")
    ax1.legend(loc="lower right", fontsize=8)

    f = front[front.task == task].sort_values("latency_ms")
    z = zoo[zoo.task == task].sort_values("latency_ms")
    sc = ax2.scatter(f.latency_ms, f.accuracy, c=f.memory_bytes / 1e6, cmap="plasma", s=14,
                     label=f"stitched frontier ({len(f)} points)")
    fig.colorbar(sc, ax=ax2, label="memory (MB)")
    ax2.scatter(z.latency_ms, z.accuracy, marker="x", color="black", s=40, label=f"zoo-only frontier ({len(z)} points)")
    # The accuracy-latency staircases (memory projected out).
    for d, style, lab in ((f, "-", None), (z, "--", None)):
        best, xs, ys = -1.0, [], []
        for lat, acc in zip(d.latency_ms, d.accuracy):
            if acc > best:
                best = acc
                xs.append(lat)
                ys.append(acc)
        ax2.step(xs, ys, style, where="post", color="gray", linewidth=0.8, label=lab)
    ax2.set_xlabel("latency (ms)")
    ax2.set_ylabel("accuracy")
    ax2.set_title(f"{task}: frontier (accuracy up, latency, memory down)")
    if note:
        ax2.text(0.02, 0.98, note, transform=ax2.transAxes, va="top", fontsize=8,
                 bbox=dict(boxstyle="round", fc="white", ec="gray", alpha=0.9))
    ax2.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--task")
    args = ap.parse_args()
    with h5py.File(os.path.join(args.dir, "explore.h5"), "r") as f:
        hist, front, zoo = table(f, "histogram"), table(f, "frontier"), table(f, "zoo_frontier")
    summary = {}
    if os.path.exists(os.path.join(args.dir, "summary.json")):
        with open(os.path.join(args.dir, "summary.json")) as f:
            summary = json.load(f)
    tasks = [args.task] if args.task else list(dict.fromkeys(hist.task))
    for t in tasks:
        out = os.path.join(args.dir, f"explore_{t}.png")
        plot_task(t, hist, front, zoo, out, gain_note(summary, t))
        print("wrote", out)


if __name__ == "__main__":
    main()
