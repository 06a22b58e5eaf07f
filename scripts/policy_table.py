#!/usr/bin/python3
"""Prints one table comparing policy runs: SLO violations, latency p50/p99, throughput, memory.

    /usr/bin/python3 scripts/policy_table.py NAME=RUN_DIR [NAME=RUN_DIR ...]

Each RUN_DIR is a `stitchsim run` output directory (its summary.json is read). Used by
scripts/demo.sh to show SparseLoom next to its baselines on the default scenario.
"""
import json
import os
import sys


def main(argv):
    if len(argv) < 2 or any("=" not in a for a in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    rows = []
    for arg in argv[1:]:
        name, run_dir = arg.split("=", 1)
        path = os.path.join(run_dir, "summary.json")
        try:
            s = json.load(open(path))
            o = s["overall"]
            rows.append((name, 100 * o["slo_violation_rate"], o["latency_ms"]["p50"], o["latency_ms"]["p99"],
                         o["throughput_rps"], s["memory"]["average_bytes"] / 2**20, s["memory"]["peak_bytes"] / 2**20,
                         s["plans"]["stitched_requests"] / max(1, o["requests"]) * 100))
        except (OSError, KeyError, ValueError) as e:
            print(f"{path}: cannot read the summary ({e})", file=sys.stderr)
            return 2
    head = ("policy", "violations %", "p50 ms", "p99 ms", "throughput r/s", "mem avg MiB", "mem peak MiB", "stitched %")
    print("{:<12} {:>12} {:>8} {:>8} {:>15} {:>12} {:>13} {:>10}".format(*head))
    for r in rows:
        print("{:<12} {:>12.2f} {:>8.2f} {:>8.2f} {:>15.2f} {:>12.1f} {:>13.1f} {:>10.1f}".format(*r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
