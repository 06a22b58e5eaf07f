#!/usr/bin/env python3
"""Writes the reduced public arrival traces shipped in workloads/traces/ (see its NOTICE).

From ../shared/data/public (or the folder given as the first argument):
  azure-llm-2023/AzureLLMInferenceTrace_{code,conv}.csv -> azure_llm_2023_{code,conv}.csv
      one column arrival_ms: each request's TIMESTAMP as ms after the trace's first request
      (100 ns resolution kept); the token counts are dropped.
  invitro/invocations.csv -> azure_functions_2019_day.csv
      the per-minute invocation counts of the one function (columns 1..1440); the hashed
      owner/app/function ids and the trigger are replaced by a name.
Runs with the standard library only.
"""
import csv
import datetime
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "workloads", "traces")


def parse_timestamp_ns(text):
    day, clock = text.strip().split(" ")
    whole, _, frac = clock.partition(".")
    base = datetime.datetime.strptime(day + " " + whole, "%Y-%m-%d %H:%M:%S")
    epoch = datetime.datetime(1970, 1, 1)
    seconds = (base - epoch) // datetime.timedelta(seconds=1)
    return seconds * 1_000_000_000 + int((frac + "000000000")[:9])


def convert_llm(src, dst):
    with open(src, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    times = [parse_timestamp_ns(r["TIMESTAMP"]) for r in rows]
    first = times[0]
    with open(dst, "w", newline="") as f:
        f.write("arrival_ms\n")
        for t in times:
            offset = t - first
            f.write(f"{offset // 1_000_000}.{offset % 1_000_000:06d}".rstrip("0").rstrip(".") + "\n")
    return len(times)


def convert_counts(src, dst):
    with open(src, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        row = next(reader)
    first = header.index("1")
    counts = row[first:]
    with open(dst, "w", newline="") as f:
        f.write("function," + ",".join(header[first:]) + "\n")
        f.write("invitro-1," + ",".join(counts) + "\n")
    return len(counts), sum(int(c) for c in counts)


def main():
    public = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "public")
    os.makedirs(OUT, exist_ok=True)
    for kind in ("code", "conv"):
        n = convert_llm(os.path.join(public, "azure-llm-2023", f"AzureLLMInferenceTrace_{kind}.csv"),
                        os.path.join(OUT, f"azure_llm_2023_{kind}.csv"))
        print(f"azure_llm_2023_{kind}.csv: {n} requests")
    minutes, total = convert_counts(os.path.join(public, "invitro", "invocations.csv"),
                                    os.path.join(OUT, "azure_functions_2019_day.csv"))
    print(f"azure_functions_2019_day.csv: {minutes} minutes, {total} invocations")


if __name__ == "__main__":
    main()
