#!/usr/bin/python3
"""Prints a measured profile's median latency per (model, variant, subgraph, processor).

Usage: /usr/bin/python3 scripts/live_profile_table.py PROFILE.h5
Reads the HDF5 form (column datasets with @offsets for per-entry sample lists).
"""
import sys
from collections import defaultdict

import h5py
import numpy as np


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def main(path):
    f = h5py.File(path, "r")
    for m in f["models"]:
        g = f["models"][m]["latency"]
        samples, offsets = g["samples_ms"][()], g["samples_ms@offsets"][()]
        rows = defaultdict(dict)
        procs = []
        for i in range(len(offsets) - 1):
            v, sg, p = s(g["variant"][i]), int(g["subgraph"][i]), s(g["processor"][i])
            if p not in procs:
                procs.append(p)
            rows[v][(sg, p)] = np.median(samples[offsets[i]:offsets[i + 1]])
        sgs = sorted({k[0] for r in rows.values() for k in r})
        print(f"{m}: median ms per subgraph " + ", ".join(procs))
        for v, r in rows.items():
            cells = ["/".join(f"{r[(sg, p)]:.3f}" for p in procs) for sg in sgs]
            total = [sum(r[(sg, p)] for sg in sgs) for p in procs]
            print(f"  {v:<22} " + "  ".join(f"{c:>15}" for c in cells) + "   total " + "/".join(f"{t:.3f}" for t in total))


if __name__ == "__main__":
    main(sys.argv[1])
