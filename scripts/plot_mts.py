#!/usr/bin/python3
"""Plots a `stitchsim mts` output directory: speed-up over sequential execution against the number
of tasks per sharing ratio (with streams and NETFUSE), latency and memory against NETFUSE, and the
group-size sweep. Writes DIR/mts_speedup.png, DIR/mts_netfuse.png, DIR/mts_group_size.png.

usage: /usr/bin/python3 scripts/plot_mts.py DIR
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    d = ap.parse_args().dir
    sp = pd.read_csv(os.path.join(d, "speedup.csv"))
    gpus = list(dict.fromkeys(sp.gpu))

    fig, axes = plt.subplots(1, len(gpus), figsize=(5 * len(gpus), 3.8), squeeze=False)
    for ax, gpu in zip(axes[0], gpus):
        s = sp[sp.gpu == gpu]
        for rho in sorted(s.rho.unique()):
            r = s[s.rho == rho]
            ax.plot(r.tasks, r.speedup_vs_sequential, marker="o", label=f"MTS, rho={rho}")
        r = s[s.rho == s.rho.max()]
        ax.plot(r.tasks, r.sequential_ms / r.streams_ms, "k--", label="streams (any rho)")
        ax.plot(r.tasks, r.sequential_ms / r.netfuse_ms, "k:", label="NETFUSE (any rho)")
        ax.axhline(6.0, color="grey", lw=0.8)
        ax.text(r.tasks.min(), 6.1, "MTS paper: up to 6.0x", fontsize=7, color="grey")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("tasks N")
        ax.set_ylabel("speed-up over sequential (modelled)")
        ax.set_title(gpu)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "mts_speedup.png"), dpi=120)

    fig, axes = plt.subplots(2, len(gpus), figsize=(5 * len(gpus), 6.5), squeeze=False)
    for j, gpu in enumerate(gpus):
        s = sp[sp.gpu == gpu]
        for rho in sorted(s.rho.unique()):
            r = s[s.rho == rho]
            axes[0][j].plot(r.tasks, r.netfuse_over_mts_latency, marker="o", label=f"rho={rho}")
            axes[1][j].plot(r.tasks, r.netfuse_over_mts_memory, marker="o", label=f"rho={rho}")
        axes[0][j].axhline(2.5, color="grey", lw=0.8)
        axes[1][j].axhline(3.7, color="grey", lw=0.8)
        axes[0][j].set_ylabel("NETFUSE / MTS latency")
        axes[1][j].set_ylabel("NETFUSE / MTS memory")
        axes[0][j].set_title(f"{gpu} (grey: paper's up-to numbers)")
        for ax in axes[:, j]:
            ax.set_xscale("log", base=2)
            ax.set_xlabel("tasks N")
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "mts_netfuse.png"), dpi=120)

    gz = pd.read_csv(os.path.join(d, "group_size.csv"))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for gpu in gpus:
        r = gz[gz.gpu == gpu]
        axes[0].plot(r.group_size, r.mean_latency_ms / r.mean_latency_ms.min(), marker="o", label=f"{gpu} mean latency")
        axes[0].plot(r.group_size, r.makespan_ms / r.makespan_ms.min(), marker="x", ls="--", label=f"{gpu} makespan")
        axes[1].plot(r.group_size, r.memory_bytes / 2**20, marker="o", label=gpu)
    axes[0].set_ylabel("relative to best size")
    axes[1].set_ylabel("memory (MiB)")
    for ax in axes:
        ax.set_xscale("log", base=2)
        ax.set_xlabel(f"group size ({gz.tasks.iloc[0]} tasks)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "mts_group_size.png"), dpi=120)


if __name__ == "__main__":
    main()
