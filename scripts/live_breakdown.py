#!/usr/bin/python3
"""Where the time of a validate run went, per task: median execution per subgraph in the simulated
and live runs, and the live gaps a simulator does not model (dispatch: a subgraph finished ->
the next started; queueing shows in both).

Usage: /usr/bin/python3 scripts/live_breakdown.py VALIDATE_DIR
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import column  # noqa: E402


def load(path):
    f = h5py.File(path, "r")
    r, g = f["requests"], f["processor_intervals"]
    tasks = list(column(r, "task"))
    out = {}
    for run_req, t in enumerate(tasks):
        out.setdefault(t, [])
    req = g["request"][()]
    phase = list(column(g, "phase"))
    start, end, sg = g["start_ns"][()], g["end_ns"][()], g["subgraph"][()]
    per = {}
    for i in range(len(req)):
        if phase[i] == "execute":
            per.setdefault(int(req[i]), []).append((int(sg[i]), start[i], end[i]))
    stats = {}
    for q, jobs in per.items():
        t = tasks[q]
        jobs.sort()
        execs = [(e - b) / 1e6 for _, b, e in jobs]
        gaps = [(jobs[k + 1][1] - jobs[k][2]) / 1e6 for k in range(len(jobs) - 1)]
        first_wait = (jobs[0][1] - r["arrival_ns"][q]) / 1e6
        d = stats.setdefault(t, {"exec": [], "gap": [], "wait0": [], "lat": []})
        d["exec"].append(sum(execs))
        d["gap"].append(sum(gaps))
        d["wait0"].append(first_wait)
        d["lat"].append((r["finish_ns"][q] - r["arrival_ns"][q]) / 1e6)
    return stats


def main(d):
    for run in ("simulated", "live"):
        st = load(f"{d}/{run}/results.h5")
        for t, v in st.items():
            print(f"{run:<10} {t:<8} median ms: latency {np.median(v['lat']):7.3f}  execution {np.median(v['exec']):7.3f}  "
                  f"wait before first subgraph {np.median(v['wait0']):6.3f}  between subgraphs {np.median(v['gap']):6.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
