#!/usr/bin/python3
"""Fig. 4 beside the estimator's error, checked against measured truth.

hold-out: copies a JSON profile whose stitched accuracies are all measured (the digits model),
keeping KEEP of them (seeded draw) as measured and marking the rest "estimated" with
method "held out", so `stitchsim explore` must estimate them.

check: reads an explore run on the held-out profile and the full profile, and prints for the
stitching gain at margin 0 and at the estimator's margin: the claimed latency cut at equal or
higher accuracy, the stitched point's estimated and *measured* accuracy, and whether the
measured accuracy really is >= the zoo point's (i.e. whether the claimed gain is real).

usage: /usr/bin/python3 scripts/estimator_holdout.py hold-out FULL.json OUT.json --keep 100 --seed 1
       /usr/bin/python3 scripts/estimator_holdout.py check FULL.json EXPLORE_DIR [--json OUT]
"""
import argparse
import json
import random


def hold_out(args):
    with open(args.full) as f:
        p = json.load(f)
    rng = random.Random(args.seed)
    for name, m in p["models"].items():
        entries = m.get("stitched_accuracy", [])
        keep = set(rng.sample(range(len(entries)), min(args.keep, len(entries))))
        for i, e in enumerate(entries):
            if i not in keep:
                e["provenance"] = {"kind": "estimated", "source": "scripts/estimator_holdout.py",
                                   "method": f"held out: measured, hidden from the estimators (seed {args.seed})"}
    with open(args.out, "w") as f:
        json.dump(p, f)
    print(f"wrote {args.out}: {args.keep} measured stitched accuracies kept per model, the rest held out")


def check(args):
    with open(args.full) as f:
        p = json.load(f)
    with open(f"{args.dir}/summary.json") as f:
        s = json.load(f)
    rows = []
    for task, t in s["tasks"].items():
        m = p["models"][t["model"]]
        truth = {tuple(e["variants"]): e["accuracy"] for e in m.get("stitched_accuracy", [])}
        for v in m["variants"]:
            truth[tuple([v["name"]] * t["subgraphs"])] = v["accuracy"]
        cv = t["accuracy"]["cv"]["estimator"]
        for key in ("stitching_gain", "stitching_gain_at_margin"):
            g = t.get(key)
            if not g or not g.get("latency_cut_stitched_point"):
                continue
            sp, zp = g["latency_cut_stitched_point"], g["latency_cut_zoo_point"]
            true_acc = truth.get(tuple(sp["variants"]))
            rows.append({"task": task, "margin": g.get("margin", 0.0), "latency_cut_share": g["latency_cut_share"],
                         "stitched": "|".join(sp["variants"]), "estimated_accuracy": sp["accuracy"],
                         "measured_accuracy": true_acc, "zoo": "|".join(zp["variants"]), "zoo_accuracy": zp["accuracy"],
                         "real": true_acc is not None and true_acc >= zp["accuracy"], "cv_mae": cv.get("mae"),
                         "cv_p95_abs": cv.get("p95_abs")})
    for r in rows:
        print(f"{r['task']}: margin {100 * r['margin']:.1f} pt: -{100 * r['latency_cut_share']:.1f}% latency via {r['stitched']} "
              f"(estimated {r['estimated_accuracy']:.3f}, measured {r['measured_accuracy']:.3f}) vs zoo {r['zoo']} "
              f"({r['zoo_accuracy']:.3f}): {'real' if r['real'] else 'NOT real'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hold-out")
    h.add_argument("full")
    h.add_argument("out")
    h.add_argument("--keep", type=int, default=100)
    h.add_argument("--seed", type=int, default=1)
    c = sub.add_parser("check")
    c.add_argument("full")
    c.add_argument("dir")
    c.add_argument("--json")
    args = ap.parse_args()
    hold_out(args) if args.cmd == "hold-out" else check(args)


if __name__ == "__main__":
    main()
