#!/usr/bin/env python3
"""Markdown tables of bench/before_after/run.sh: reads the raw results it left in WORK.

Usage: tables.py WORK ROUNDS BEFORE_LABEL AFTER_LABEL
Each cell: the median over all rounds, and the range of the rounds' values in brackets.
"""
import json
import os
import re
import statistics
import sys

work, rounds, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sides = ("before", "after")


def cell(values, fmt):
    if not values:
        return "n/a"
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def table(title, unit_note, rows, fmt):
    """rows: [(label, {side: [values]})]"""
    print(f"\n#### {title}\n")
    if unit_note:
        print(unit_note + "\n")
    print(f"| | before ({before}) | after ({after}) |")
    print("|---|---:|---:|")
    for label, by_side in rows:
        print(f"| {label} | {cell(by_side['before'], fmt)} | {cell(by_side['after'], fmt)} |")


def cached_read():
    rows = {}
    for r in range(1, rounds + 1):
        for s in sides:
            data = json.load(open(os.path.join(work, f"read.{s}.{r}.json")))
            for b in data["benchmarks"]:
                if b.get("aggregate_name") != "median":
                    continue
                name = b["run_name"]
                rows.setdefault(name, {"before": [], "after": []})[s].append(b["cpu_time"])
    table("Cached read (bench/cache_read_bench, hit-path rows)",
          "CPU ns per read: median of 3 repetitions per round; cell = median of the rounds (range).",
          sorted(rows.items()), "{:.1f}")


def cold_start():
    times = {"before": [], "after": []}
    for r in range(1, rounds + 1):
        for res in json.load(open(os.path.join(work, f"cold.{r}.json")))["results"]:
            times[res["command"]] += [t * 1e3 for t in res["times"]]
    print("\n#### Cold start: `ssm-cache get NAME` against ssm-cache-local (hyperfine -N, to exit)\n")
    print(f"ms over all runs of all rounds ({len(times['before'])} per side).\n")
    print(f"| | before ({before}) | after ({after}) |")
    print("|---|---:|---:|")
    for label, fn in (("median", statistics.median), ("min", min), ("mean", statistics.mean)):
        print(f"| {label} | {fn(times['before']):.2f} | {fn(times['after']):.2f} |")


def rss():
    kb = {s: [int(x) for x in open(os.path.join(work, f"rss.{s}")).read().split()] for s in sides}
    table("Peak RSS of `ssm-cache get NAME` (/usr/bin/time -f %M)",
          f"MB (max resident set); {len(kb['before'])} runs per side, alternating.",
          [("max RSS, MB", {s: [k / 1024 for k in kb[s]] for s in sides})], "{:.2f}")


def sidecar():
    rows = {k: {"before": [], "after": []} for k in
            ("sidecar req/s", "sidecar p99", "nginx req/s (same run)", "sidecar / nginx")}
    pat_s = re.compile(r"ssm-cache serve \(cached\): ([\d.]+) req/s, p99 ([\d.]+)(us|ms|s)")
    pat_n = re.compile(r"nginx static JSON: +([\d.]+) req/s")
    scale = {"us": 1.0, "ms": 1e3, "s": 1e6}
    for r in range(1, rounds + 1):
        for s in sides:
            text = open(os.path.join(work, f"sidecar.{s}.{r}.txt")).read()
            m, n = pat_s.search(text), pat_n.search(text)
            if not m or not n:
                sys.exit(f"tables.py: no result in sidecar.{s}.{r}.txt:\n{text}")
            rps, nginx = float(m.group(1)), float(n.group(1))
            rows["sidecar req/s"][s].append(rps)
            rows["sidecar p99"][s].append(float(m.group(2)) * scale[m.group(3)])
            rows["nginx req/s (same run)"][s].append(nginx)
            rows["sidecar / nginx"][s].append(rps / nginx)
    print("\n#### Sidecar: bench/sidecar/run.sh, cached parameter (wrk, p99 in us)\n")
    print(f"| | before ({before}) | after ({after}) |")
    print("|---|---:|---:|")
    for label, by_side in rows.items():
        fmt = "{:.2f}" if label == "sidecar / nginx" else "{:,.0f}"
        print(f"| {label} | {cell(by_side['before'], fmt)} | {cell(by_side['after'], fmt)} |")


cached_read()
cold_start()
rss()
sidecar()
