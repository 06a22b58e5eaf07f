#!/usr/bin/env python3
"""Writes experiments/configs/masa/study_base.json and sweep_study.json: the Masa study of
EdgeCaffe's experiment definitions (shared data experiments/batch__*.yaml, stochastic__*.yaml).

Network sets, memory limits and modes as EdgeCaffe's definitions list them (plus 256M, 4G, linear
and deepeye_frugal, as the issue asks); arrivals: batch-gated sets of the whole network set, and
stochastic sets of 3 networks drawn at random from it with Normal(3 x mean network duration,
500 ms) x ait multiplier {0.8, 1.0, 1.2} gaps. The mean network duration is the mean over the set's
networks of (execution + loading) in the shipped profile, read from hw-models/profiles/edgecaffe.h5.

Also writes sweep_sparseloom_layerwise.json (issue 12 item 7): SparseLoom's dynamic workload
(experiments/configs/paper/base_dynamic.json and the four SLO sequences of sweep_memory.json) under
a 5, 15 and 100 % memory budget (5 % is at the floor of one unit), executed by the `soc` model (whole-subgraph loading, its LRU
cache) and by the `layerwise` model with a weight cache, loading whole units (concurrent_bulk) or
layer by layer (partial), and layer by layer without a cache.

Run: /usr/bin/python3 scripts/masa_study_config.py  (needs python3-h5py)
"""
import json
import os

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "experiments", "configs", "masa")

SETS = {
    "small-3": ["GenderNet", "FaceNet", "AgeNet"],
    "mixed-3": ["FaceNet", "AgeNet", "EmotionNet"],
    "large-3": ["ObjectNet", "EmotionNet", "MemNet"],
    "lifelogging": ["EmotionNet", "MemNet", "TinyYolo", "SceneNet", "SoS"],
    "all-networks": ["FaceNet", "ObjectNet", "EmotionNet", "MemNet", "AgeNet", "GenderNet", "TinyYolo", "SceneNet", "SoS"],
}
LIMITS_MB = {"256M": 256, "512M": 512, "1G": 1024, "2G": 2048, "4G": 4096}
MODES = ["masa", "bulk", "linear", "deepeye", "deepeye_frugal"]
# Masa exactly as EdgeCaffe runs it: every LOAD right after INIT, even for a network admitted alone
# although it exceeds the limit (`masa` chooses for such a network between that and loading at
# most one layer beyond the executing one, by predicting both: execution_model.oversize).
MODE_OVERRIDES = {m: {"execution_model.mode": m} for m in MODES}
MODE_OVERRIDES["masa_eager"] = {"execution_model.mode": "masa", "execution_model.oversize": "off"}
BATCH_SETS = 10
STOCHASTIC_SETS = 30


def table_sum_of_means_ms(table):
    """Sum over a LatencyDist table's rows of each row's mean (its samples' mean when sampled)."""
    if "samples_ms" in table:
        samples, offsets = table["samples_ms"][()], table["samples_ms@offsets"][()]
        total = 0.0
        for i in range(len(offsets) - 1):
            row = samples[offsets[i]:offsets[i + 1]]
            total += float(row.mean()) if len(row) else 0.0
        if "mean_ms" in table:  # rows without samples carry a mean
            means = table["mean_ms"][()]
            total += sum(float(means[i]) for i in range(len(offsets) - 1) if offsets[i] == offsets[i + 1])
        return total
    return float(table["mean_ms"][()].sum())


def network_durations_ms(path):
    """Per network: sum of per-layer execution and load means (one run alone, no overlap)."""
    with h5py.File(path) as f:
        return {name: table_sum_of_means_ms(g["layer_latency"]) + table_sum_of_means_ms(g["layer_load"])
                for name, g in f["models"].items()}


def main():
    durations = network_durations_ms(os.path.join(ROOT, "hw-models", "profiles", "edgecaffe.h5"))
    print("network durations (ms):", {k: round(v, 1) for k, v in durations.items()})
    def task(n):
        return {"name": n, "model": n, "slo": {"latency_ms": 3.6e6, "min_accuracy": 0}}
    base = json.load(open(os.path.join(OUT, "batch_small3.json")))
    base["name"] = "masa_study"
    base["description"] = "Base of sweep_study.json (written by scripts/masa_study_config.py)."
    base["outputs"] = {"trace": False, "intervals": False, "sinks": []}
    json.dump(base, open(os.path.join(OUT, "study_base.json"), "w"), indent=1)
    limit_axis = {"name": "limit", "values": {k: {"execution_model.memory_limit_mb": v} for k, v in LIMITS_MB.items()}}
    mode_axis = {"name": "mode", "values": MODE_OVERRIDES}
    arrivals = {}
    for kind in ["batch", "stochastic-0.8", "stochastic-1.0", "stochastic-1.2"]:
        arrivals[kind] = {}
    for label, nets in SETS.items():
        mean = sum(durations[n] for n in nets) / len(nets)
        for kind in arrivals:
            if kind == "batch":
                s = {"name": "batch", "tasks": nets, "gated": True, "max_sets": BATCH_SETS}
            else:
                mult = float(kind.split("-")[1])
                s = {"name": "stochastic", "tasks": nets, "draw": 3, "max_sets": STOCHASTIC_SETS,
                     "arrival": {"name": "normal", "mean_ms": round(3 * mean, 3), "stddev_ms": 500, "multiplier": mult}}
            arrivals[kind][label] = s
    spec = {
        "description": "The Masa study (PerCom 2021) on EdgeCaffe's network sets: set x memory limit x mode x arrival, "
                       "3 seeds. Written by scripts/masa_study_config.py.",
        "base": "study_base.json",
        "axes": [
            {"name": "set_arrival", "values": {
                f"{label}|{kind}": {"tasks": [task(n) for n in SETS[label]], "arrival_sets": [arrivals[kind][label]]}
                for label in SETS for kind in arrivals}},
            limit_axis, mode_axis,
            {"key": "seed", "values": [1, 2, 3]},
        ],
        "metrics": ["overall.latency_ms.mean", "overall.latency_ms.p95", "overall.requests", "simulated_time_s",
                    "memory.peak_bytes", "memory.peak_demand_bytes", "memory.swap_bytes"],
    }
    json.dump(spec, open(os.path.join(OUT, "sweep_study.json"), "w"), indent=1)

    sparseloom_layerwise()


def sparseloom_layerwise():
    paper = os.path.join(ROOT, "experiments", "configs", "paper")
    memory = json.load(open(os.path.join(paper, "sweep_memory.json")))
    sequence = next(a for a in memory["axes"] if a.get("name") == "sequence")
    layerwise = {"name": "layerwise", "workers": 0, "memory_limit_mb": 0, "locked_mb": 0}
    spec = {
        "description": "Layer-wise loading under SparseLoom's dynamic workload (issue 12 item 7): the soc model "
                       "loads whole subgraphs; layerwise loads them whole (concurrent_bulk) or layer by layer "
                       "(partial), both with a weight cache, and layer by layer without one. Written by "
                       "scripts/masa_study_config.py.",
        "base": "../paper/base_dynamic.json",
        "axes": [
            sequence,
            {"name": "execution", "values": {
                "soc": {"execution_model": {"name": "soc"}},
                "layerwise-whole-cache": {"execution_model": dict(layerwise, mode="concurrent_bulk", cache=True)},
                "layerwise-layer-cache": {"execution_model": dict(layerwise, mode="partial", cache=True)},
                "layerwise-layer-nocache": {"execution_model": dict(layerwise, mode="partial", cache=False)},
            }},
            {"name": "budget", "values": {"5%": {"memory_budget.share_of_zoo": 0.05},
                                          "15%": {"memory_budget.share_of_zoo": 0.15},
                                          "100%": {"memory_budget.share_of_zoo": 1.0}}},
            {"key": "seed", "values": [1, 2, 3]},
        ],
        "metrics": ["overall.slo_violation_rate", "overall.latency_ms.p50", "overall.latency_ms.p99",
                    "overall.requests", "memory.peak_bytes", "memory.average_bytes", "memory.loads", "memory.hits",
                    "memory.evictions", "memory.preloaded_bytes"],
    }
    json.dump(spec, open(os.path.join(OUT, "sweep_sparseloom_layerwise.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
