#!/usr/bin/python3
"""Writes the SparseLoom paper experiments' configs into experiments/configs/paper/.

SLO configurations C1..C8 are defined relative to each task's reference point, measured with
stitchsim itself on the base experiment's profile: the latency of the task's most accurate zoo
variant on its fastest placement with no other load (SV-AO at a trickle of requests, mean
latencies), and that variant's accuracy. C1 is lenient in both latency and accuracy; each next
configuration tightens both, so that from C5 on the most accurate variant alone can no longer meet
the latency SLO and a policy must trade a little accuracy (cheaper zoo variants, or stitching,
which can give up less accuracy for the same speed-up).

Re-run after changing the default profile:
    /usr/bin/python3 scripts/make_paper_configs.py [--binary build/bin/stitchsim]
"""
import argparse
import itertools
import json
import os
import random
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(ROOT, "experiments", "configs", "paper")

# (latency factor on the reference latency, accuracy margin below the reference accuracy)
SLO_CONFIGS = {
    "C1": (3.0, 0.050),
    "C2": (2.0, 0.040),
    "C3": (1.5, 0.030),
    "C4": (1.2, 0.020),
    "C5": (1.0, 0.015),
    "C6": (0.8, 0.010),
    "C7": (0.6, 0.005),
    "C8": (0.5, 0.002),
}
POLICIES = {
    "SparseLoom": {"name": "sparseloom"},
    "AV-P": {"name": "av", "partitioned": True},
    "AV-NP": {"name": "av", "partitioned": False},
    "SV-AO-P": {"name": "sv_ao", "partitioned": True},
    "SV-AO-NP": {"name": "sv_ao", "partitioned": False},
    "SV-LO-P": {"name": "sv_lo", "partitioned": True},
    "SV-LO-NP": {"name": "sv_lo", "partitioned": False},
}
BUDGETS = {"15%": 0.15, "55%": 0.55, "100%": 1.0}
# Per-platform Fig. 14 (--platform) adds budgets below 15 %: our tasks' largest working set is
# 5-10 % of their zoos, so 15 % never binds (no evictions) and only smaller budgets show where
# the budget starts to matter.
PLATFORM_BUDGETS = {"3%": 0.03, "5%": 0.05, "8%": 0.08, "10%": 0.1, **BUDGETS}
TASK_GAP_S = 2.0   # tasks join one after another, this far apart
DURATION_S = 12.0


def reference(binary, base_path, platform=None, profile=None):
    base = json.load(open(base_path))
    probe = json.loads(json.dumps(base))
    if platform:
        probe["platform"], probe["profile"] = platform, profile
    probe["duration"] = "20s"
    probe["variant_selector"] = {"name": "sv_ao"}
    probe["latency_model"] = {"name": "profile_table", "deterministic": True}
    probe["preloader"] = {"name": "none"}
    probe["outputs"] = {"trace": False, "intervals": False}
    probe.pop("slo_changes", None)
    for i, t in enumerate(probe["tasks"]):
        # One request every 4 s per task, tasks 1 s apart: no request ever waits for another.
        t["arrival"] = {"name": "periodic", "rate_rps": 0.25}
        t["start"] = f"{i}s"
        t["slo"] = {"latency_ms": 1e6, "min_accuracy": 0.0}
    base_dir = os.path.dirname(base_path)
    for key in ("platform", "profile"):
        if isinstance(probe[key], str):
            probe[key] = os.path.normpath(os.path.join(base_dir, probe[key]))
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "probe.json")
        json.dump(probe, open(cfg, "w"))
        subprocess.run([binary, "run", cfg, "--out", os.path.join(d, "run"), "-q"], check=True)
        summary = json.load(open(os.path.join(d, "run", "summary.json")))
    # p50 at a trickle excludes the first request's weight loads.
    return {t["name"]: (summary["tasks"][t["name"]]["latency_ms"]["p50"],
                        summary["tasks"][t["name"]]["accuracy_mean"]) for t in base["tasks"]}


def slo_overrides(tasks, ref):
    """Override sets C1..C8 and their documentation, relative to the reference points `ref`."""
    sets, doc = {}, {}
    for name, (factor, margin) in SLO_CONFIGS.items():
        overrides, entry = {}, {"latency_factor": factor, "accuracy_margin": margin, "tasks": {}}
        for i, t in enumerate(tasks):
            lat = round(ref[t][0] * factor, 3)
            acc = round(max(0.0, ref[t][1] - margin), 4)
            overrides[f"tasks.{i}.slo"] = {"latency_ms": lat, "min_accuracy": acc}
            entry["tasks"][t] = {"latency_ms": lat, "min_accuracy": acc}
        sets[name] = overrides
        doc[name] = entry
    return sets, doc


def paper_base(args):
    """The paper experiments' base config from the default experiment (base.json's content)."""
    base = json.load(open(args.base))
    base_dir = os.path.dirname(os.path.abspath(args.base))
    for key in ("platform", "profile"):
        if isinstance(base[key], str):
            base[key] = os.path.relpath(os.path.normpath(os.path.join(base_dir, base[key])), OUT)
    base["name"] = "paper"
    base["description"] = ("SparseLoom paper experiments: four tasks joining one after another, SLOs from "
                           "slo_configs.json. Generated by scripts/make_paper_configs.py.")
    base["duration"] = f"{DURATION_S:g}s"
    base["variant_selector"] = {"name": "sparseloom"}
    base["preloader"] = {"name": "hotness"}
    base["memory_budget"] = {"share_of_zoo": 1.0}
    base["outputs"] = {"trace": False, "intervals": False}
    base.pop("slo_changes", None)
    for t in base["tasks"]:
        if "rate_rps" in t["arrival"]:
            t["arrival"]["rate_rps"] = round(t["arrival"]["rate_rps"] * args.rate_scale, 6)
    return base


# Paper platforms: key -> (label, platform file, profile). Each gets a Fig. 10 sweep
# (sweep_platform_KEY.json); `--platform KEY` also writes its own Fig. 11/13/14 set.
PLATFORMS = {
    "sm8550": ("Snapdragon 8 Gen 2", "hw-models/platforms/snapdragon_8gen2.json", "hw-models/profiles/sm8550.h5"),
    "rk3588": ("RK3588", "hw-models/platforms/rk3588.json", "hw-models/profiles/rk3588.h5"),
    "core_ultra": ("Core Ultra 7 165H", "hw-models/platforms/core_ultra.json", "hw-models/profiles/core_ultra.h5"),
}
BASE_METRICS = ["overall.slo_violation_rate", "overall.throughput_rps", "overall.accuracy_mean",
                "overall.latency_ms.p50", "overall.latency_ms.p99", "memory.peak_bytes", "memory.average_bytes",
                "memory.preloaded_bytes", "plans.stitched_requests", "overall.requests"]
# The per-platform Fig. 13/14 sweeps also record loads and evictions (why a budget matters or not).
METRICS = BASE_METRICS + ["memory.loads", "memory.evictions"]


def write_platform_sweep(args, key, tasks, policies, metrics):
    """Fig. 10 on one platform: sweep_platform_KEY.json over base.json. Returns (label, SLO doc)."""
    label, plat, prof = PLATFORMS[key]
    pref = reference(args.binary, args.base, os.path.join(ROOT, plat), os.path.join(ROOT, prof))
    psets, pdoc = slo_overrides(tasks, pref)
    where = {"platform": os.path.relpath(os.path.join(ROOT, plat), OUT),
             "profile": os.path.relpath(os.path.join(ROOT, prof), OUT)}
    sweep = {
        "description": f"Paper Fig. 10 on {label}: violation rate per policy and SLO configuration.",
        "base": "base.json",
        "axes": [{"name": "platform", "values": {label: where}}, {"name": "slo", "values": psets},
                 {"name": "policy", "values": policies}, {"key": "seed", "values": [1, 2, 3]}],
        "metrics": metrics}
    json.dump(sweep, open(os.path.join(OUT, f"sweep_platform_{key}.json"), "w"), indent=1)
    return label, {"reference": {t: list(v) for t, v in pref.items()}, "configs": pdoc}


def dynamic_sequences(tasks, configs):
    """Fig. 14's SLO sequences: every run walks through C1..C8 in one of four orders."""
    step = DURATION_S / len(SLO_CONFIGS)
    names = list(SLO_CONFIGS)
    rng = random.Random(7)
    sequences = {"ascending": names, "descending": names[::-1],
                 "shuffled-a": rng.sample(names, len(names)), "shuffled-b": rng.sample(names, len(names))}
    seq_sets = {}
    for label, seq in sequences.items():
        overrides = {}
        changes = []
        for k, cname in enumerate(seq):
            for i, t in enumerate(tasks):
                slo = configs[cname]["tasks"][t]
                if k == 0:
                    overrides[f"tasks.{i}.slo"] = slo
                else:
                    changes.append({"at": f"{k * step:g}s", "task": t, **slo})
        overrides["slo_changes"] = changes
        seq_sets[label] = overrides
    return seq_sets


def write_platform_set(args, key, base):
    """Fig. 10, 11, 13 and 14 on platform KEY, SLOs relative to its own reference points:
    base_KEY.json, base_dynamic_KEY.json, slo_configs_KEY.json, sweep_platform_KEY.json,
    sweep_order_KEY.json, sweep_memory_KEY.json. Touches no other file."""
    label, plat, prof = PLATFORMS[key]
    tasks = [t["name"] for t in base["tasks"]]
    policies = {k: {"variant_selector": v} for k, v in POLICIES.items()}
    budgets = {k: {"memory_budget.share_of_zoo": v} for k, v in PLATFORM_BUDGETS.items()}
    _, pdoc = write_platform_sweep(args, key, tasks, policies, BASE_METRICS)
    psets, _ = slo_overrides(tasks, {t: tuple(v) for t, v in pdoc["reference"].items()})
    json.dump({"platform": label, **pdoc}, open(os.path.join(OUT, f"slo_configs_{key}.json"), "w"), indent=1)
    pbase = json.loads(json.dumps(base))
    pbase["name"] = f"paper-{key}"
    pbase["description"] = f"SparseLoom paper experiments on {label}; SLOs from slo_configs_{key}.json."
    pbase["platform"] = os.path.relpath(os.path.join(ROOT, plat), OUT)
    pbase["profile"] = os.path.relpath(os.path.join(ROOT, prof), OUT)
    json.dump(pbase, open(os.path.join(OUT, f"base_{key}.json"), "w"), indent=1)
    procs = [p["name"] for p in json.load(open(os.path.join(ROOT, plat)))["processors"]]
    placement = {"optimised": {"variant_selector": {"name": "sparseloom"}}}
    for perm in itertools.permutations(procs):
        placement[">".join(perm)] = {"variant_selector": {"name": "sparseloom", "order": ">".join(perm)}}
    json.dump({"description": f"Paper Fig. 13 on {label}: SparseLoom with each fixed placement order versus the optimised one.",
               "base": f"base_{key}.json",
               "axes": [{"name": "slo", "values": psets}, {"name": "placement", "values": placement},
                        {"key": "seed", "values": [1, 2, 3]}],
               "metrics": METRICS}, open(os.path.join(OUT, f"sweep_order_{key}.json"), "w"), indent=1)
    dynamic = json.loads(json.dumps(pbase))
    dynamic["name"] = f"paper-dynamic-{key}"
    json.dump(dynamic, open(os.path.join(OUT, f"base_dynamic_{key}.json"), "w"), indent=1)
    json.dump({"description": f"Paper Fig. 14 on {label}: memory budget vs violations when SLOs change during the run.",
               "base": f"base_dynamic_{key}.json",
               "axes": [{"name": "sequence", "values": dynamic_sequences(tasks, pdoc["configs"])},
                        {"name": "policy", "values": policies}, {"name": "budget", "values": budgets},
                        {"key": "seed", "values": [1, 2, 3, 4, 5]}],
               "metrics": METRICS}, open(os.path.join(OUT, f"sweep_memory_{key}.json"), "w"), indent=1)
    print(f"wrote {OUT}: base_{key}.json, base_dynamic_{key}.json, slo_configs_{key}.json, sweep_platform_{key}.json, "
          f"sweep_order_{key}.json, sweep_memory_{key}.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "bin", "stitchsim"))
    ap.add_argument("--base", default=os.path.join(ROOT, "experiments", "configs", "default.json"))
    ap.add_argument("--rate-scale", type=float, default=0.5,
                    help="scale of the base experiment's request rates (default 0.5: a platform with headroom, "
                         "so that violations come from the SLOs rather than from overload)")
    ap.add_argument("--platform", choices=sorted(PLATFORMS),
                    help="write only this platform's Fig. 10/11/13/14 set (files suffixed _KEY), nothing else")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if args.platform:
        write_platform_set(args, args.platform, paper_base(args))
        return
    ref = reference(args.binary, args.base)

    base = paper_base(args)
    json.dump(base, open(os.path.join(OUT, "base.json"), "w"), indent=1)

    tasks = [t["name"] for t in base["tasks"]]
    slo_sets, configs_doc = slo_overrides(tasks, ref)
    slo_doc = {"reference": {t: {"latency_ms": round(ref[t][0], 4), "accuracy": round(ref[t][1], 4)} for t in tasks},
               "configs": configs_doc}
    json.dump(slo_doc, open(os.path.join(OUT, "slo_configs.json"), "w"), indent=1)

    orders = {}
    for perm in itertools.permutations(range(len(tasks))):
        label = ">".join(tasks[i] for i in perm)
        orders[label] = {f"tasks.{task}.start": f"{pos * TASK_GAP_S:g}s" for pos, task in enumerate(perm)}
    policies = {k: {"variant_selector": v} for k, v in POLICIES.items()}
    budgets = {k: {"memory_budget.share_of_zoo": v} for k, v in BUDGETS.items()}
    metrics = BASE_METRICS

    main_sweep = {
        "description": "Paper Fig. 3, 10, 14: every policy x SLO configuration x arrival order x memory budget x seed.",
        "base": "base.json",
        "axes": [{"name": "slo", "values": slo_sets}, {"name": "policy", "values": policies},
                 {"name": "budget", "values": budgets}, {"name": "order", "values": orders},
                 {"key": "seed", "values": [1, 2, 3, 4, 5]}],
        "metrics": metrics}
    json.dump(main_sweep, open(os.path.join(OUT, "sweep_main.json"), "w"), indent=1)

    procs = [p["name"] for p in json.load(open(os.path.join(OUT, base["platform"])))["processors"]] \
        if isinstance(base["platform"], str) else [p["name"] for p in base["platform"]["processors"]]
    placement = {"optimised": {"variant_selector": {"name": "sparseloom"}}}
    for perm in itertools.permutations(procs):
        placement[">".join(perm)] = {"variant_selector": {"name": "sparseloom", "order": ">".join(perm)}}
    order_sweep = {
        "description": "Paper Fig. 13: SparseLoom with each fixed placement order versus the optimised one.",
        "base": "base.json",
        "axes": [{"name": "slo", "values": slo_sets}, {"name": "placement", "values": placement},
                 {"key": "seed", "values": [1, 2, 3]}],
        "metrics": metrics}
    json.dump(order_sweep, open(os.path.join(OUT, "sweep_order.json"), "w"), indent=1)
    # Fig. 10 per platform: each shipped SoC profile with a platform description, its C1..C8
    # relative to that platform's own reference points (as the paper sets SLOs per device);
    # tasks start together (one arrival order).
    for key in PLATFORMS:
        label, pdoc = write_platform_sweep(args, key, tasks, policies, metrics)
        slo_doc.setdefault("per_platform", {})[label] = pdoc
    json.dump(slo_doc, open(os.path.join(OUT, "slo_configs.json"), "w"), indent=1)

    # Fig. 14 needs plans that change during a run: with one SLO configuration per run, each task
    # uses one or two plans, which fit in any budget and make the budget moot. Here every run
    # walks through all eight configurations (one every DURATION_S / 8 seconds), in one of four
    # sequences, so the working set spans many subgraphs and the budget decides what stays loaded.
    dynamic = json.loads(json.dumps(base))
    dynamic["name"] = "paper-dynamic"
    seq_sets = dynamic_sequences(tasks, slo_doc["configs"])
    json.dump(dynamic, open(os.path.join(OUT, "base_dynamic.json"), "w"), indent=1)
    memory_sweep = {
        "description": "Paper Fig. 14: memory budget vs violations when SLOs change during the run.",
        "base": "base_dynamic.json",
        "axes": [{"name": "sequence", "values": seq_sets}, {"name": "policy", "values": policies},
                 {"name": "budget", "values": budgets}, {"key": "seed", "values": [1, 2, 3, 4, 5]}],
        "metrics": metrics}
    json.dump(memory_sweep, open(os.path.join(OUT, "sweep_memory.json"), "w"), indent=1)
    print(f"wrote {OUT}: base.json, base_dynamic.json, slo_configs.json, sweep_memory.json, sweep_main.json "
          f"({len(slo_sets) * len(policies) * len(budgets) * len(orders) * 5} runs), sweep_order.json")


if __name__ == "__main__":
    main()
