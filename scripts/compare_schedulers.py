#!/usr/bin/python3
"""Every registered scheduler on two workloads, side by side: SLO violations, p99 latency and
throughput, as a table (CSV and Markdown) and a figure.

Workloads: the default scenario (experiments/configs/default.json: four DNNs on the Snapdragon
8 Gen 2 profile, subgraph jobs over CPU/GPU/NPU) and the per-layer-chain workload
(experiments/configs/layer_chains/experiment.json: three transformer encoders as chains of
12-16 layer jobs on one accelerator, illustrative profile). Each scheduler runs with every seed;
the table reports the mean over seeds.

usage: /usr/bin/python3 scripts/compare_schedulers.py [--seeds N] [--out DIR] [--bin build/bin/stitchsim]
(default out: experiments/results/schedulers)
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

WORKLOADS = [("default", "experiments/configs/default.json"),
             ("layer_chains", "experiments/configs/layer_chains/experiment.json")]


def schedulers(binary):
    out = subprocess.run([binary, "list", "scheduler"], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith("  ") and not line.startswith("      ")]


def run(binary, config, scheduler, seed, tmp):
    out = os.path.join(tmp, f"{os.path.basename(os.path.dirname(config))}_{scheduler}_{seed}")
    subprocess.run([binary, "run", config, "--set", f"scheduler.name={scheduler}", "--set", "outputs.trace=false",
                    "--set", "outputs.intervals=false", "--seed", str(seed), "--out", out, "-q"], check=True)
    with open(os.path.join(out, "summary.json")) as fh:
        o = json.load(fh)["overall"]
    return o["slo_violation_rate"], o["latency_ms"]["p99"], o["latency_ms"]["mean"], o["throughput_rps"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default="experiments/results/schedulers")
    ap.add_argument("--bin", default="build/bin/stitchsim")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        print(f"error: {args.bin}: not found (build first: scripts/build.sh)", file=sys.stderr)
        sys.exit(2)
    os.makedirs(args.out, exist_ok=True)
    names = schedulers(args.bin)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for wl, config in WORKLOADS:
            for s in names:
                vals = [run(args.bin, config, s, seed, tmp) for seed in range(1, args.seeds + 1)]
                mean = [sum(v[i] for v in vals) / len(vals) for i in range(4)]
                rows.append({"workload": wl, "scheduler": s, "violation_pct": 100 * mean[0], "p99_ms": mean[1],
                             "mean_ms": mean[2], "throughput_rps": mean[3], "seeds": args.seeds})
                print(f"{wl:13s} {s:26s} violations {100 * mean[0]:6.2f} %  p99 {mean[1]:8.2f} ms  "
                      f"mean {mean[2]:7.2f} ms  {mean[3]:7.2f} req/s", flush=True)
    with open(os.path.join(args.out, "schedulers.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(args.out, "schedulers.md"), "w") as fh:
        fh.write("| scheduler | " + " | ".join(f"{wl}: violations / p99 / mean" for wl, _ in WORKLOADS) + " |\n")
        fh.write("|---|" + "---|" * len(WORKLOADS) + "\n")
        for s in names:
            cells = []
            for wl, _ in WORKLOADS:
                r = next(r for r in rows if r["workload"] == wl and r["scheduler"] == s)
                cells.append(f"{r['violation_pct']:.2f} % / {r['p99_ms']:.1f} ms / {r['mean_ms']:.1f} ms")
            fh.write(f"| `{s}` | " + " | ".join(cells) + " |\n")
    fig, axes = plt.subplots(len(WORKLOADS), 2, figsize=(12, 4.2 * len(WORKLOADS)))
    for i, (wl, _) in enumerate(WORKLOADS):
        rs = sorted((r for r in rows if r["workload"] == wl), key=lambda r: r["violation_pct"])
        labels = [r["scheduler"] for r in rs]
        axes[i][0].barh(labels, [r["violation_pct"] for r in rs], color="#c0392b")
        axes[i][0].set_xlabel("SLO violations (%)")
        axes[i][0].set_title(f"{wl}: violations (mean of {args.seeds} seeds)")
        axes[i][1].barh(labels, [r["p99_ms"] for r in rs], color="#2e86c1")
        axes[i][1].set_xlabel("p99 latency (ms)")
        axes[i][1].set_title(f"{wl}: p99 latency")
        for ax in axes[i]:
            ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "schedulers.png"), dpi=110)
    print(f"wrote {args.out}/schedulers.csv, schedulers.md, schedulers.png")


if __name__ == "__main__":
    main()
