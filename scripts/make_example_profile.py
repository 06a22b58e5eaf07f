#!/usr/bin/env python3
"""Writes hw-models/profiles/example_illustrative.json: a small, hand-made, ILLUSTRATIVE profile.

The numbers are not measurements. They are chosen to have plausible magnitudes for a phone SoC
(NPU fastest for int8, GPU for fp16, CPU slowest) so the default experiment exercises every part
of the simulator until measured profiles replace it. Re-running this script reproduces the file.
"""
import json
import os

# Whole-model fp32 latency in ms on (cpu, gpu, npu) and weight MB, per model; split over 3
# subgraphs by a fixed share. None: the processor cannot run that precision.
MODELS = {
    "resnet101": dict(ms=(180.0, 38.0, None), mb=170.0, act_mb=12.0, share=(0.30, 0.45, 0.25), acc=0.774),
    "bert_base": dict(ms=(150.0, 30.0, None), mb=420.0, act_mb=8.0, share=(0.34, 0.33, 0.33), acc=0.924),
    "vit_small": dict(ms=(90.0, 18.0, None), mb=88.0, act_mb=6.0, share=(0.33, 0.34, 0.33), acc=0.798),
    "wav2vec2": dict(ms=(260.0, 52.0, None), mb=360.0, act_mb=20.0, share=(0.40, 0.30, 0.30), acc=0.940),
}
# name, precision, pruning, sparsity, speed factor per processor (cpu, gpu, npu), accuracy drop, size factor
VARIANTS = [
    ("dense_fp32", "fp32", "none", 0.0, (1.0, 1.0, None), 0.000, 1.00),
    ("dense_fp16", "fp16", "none", 0.0, (0.95, 0.55, 0.30), 0.001, 0.50),
    ("dense_int8", "int8", "none", 0.0, (0.55, 0.80, 0.12), 0.008, 0.25),
    ("pruned50_structured_int8", "int8", "structured", 0.5, (0.30, 0.45, 0.07), 0.025, 0.13),
]
PROCS = ["cpu", "gpu", "npu"]
KINDS = {"cpu": "CPU", "gpu": "GPU", "npu": "NPU"}  # profile check wants every processor's kind


def main():
    models = {}
    for name, m in MODELS.items():
        variants, memory, latency = [], [], []
        for vname, prec, prune, sp, speed, drop, size in VARIANTS:
            variants.append(dict(name=vname, precision=prec, pruning=prune, sparsity=sp,
                                 accuracy=round(m["acc"] - drop, 4)))
            for s, share in enumerate(m["share"]):
                wbytes = int(m["mb"] * 1e6 * size * share)
                memory.append(dict(variant=vname, subgraph=s, weights_bytes=wbytes,
                                   activation_bytes=int(m["act_mb"] * 1e6 * share),
                                   provenance=dict(kind="estimated", source="illustrative")))
                for p, proc in enumerate(PROCS):
                    base = m["ms"][p] if m["ms"][p] is not None else m["ms"][1] * 0.8
                    if speed[p] is None:
                        continue
                    mean = round(base * speed[p] * share, 4)
                    latency.append(dict(variant=vname, subgraph=s, processor=proc, mean_ms=mean,
                                        stddev_ms=round(mean * 0.06, 4),
                                        provenance=dict(kind="estimated", source="illustrative")))
        models[name] = dict(subgraph_count=3, variants=variants, memory=memory, latency=latency)
    profile = {
        "format": "stitchsim-profile",
        "version": 1,
        "description": "ILLUSTRATIVE example profile: hand-made numbers of plausible magnitude, not measurements.",
        "illustrative": True,
        "processors": [{"name": p, "kind": KINDS[p]} for p in PROCS],
        "models": models,
    }
    out = os.path.join(os.path.dirname(__file__), "..", "hw-models", "profiles", "example_illustrative.json")
    with open(out, "w") as f:
        json.dump(profile, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
