#!/usr/bin/python3
"""Runs the Powertools vs ssm-cache comparison against one ssm-cache-local and writes the report.

Called by bench/compare/run.sh (which installs and builds first); usable alone:
  driver.py --bin BUILD_DIR --out docs/bench/compare.md [--quick]
BUILD_DIR holds ssm_cache_compare, minimal_get, ssm-cache and ssm-cache-local (searched
recursively). Python 3 standard library plus Debian's botocore (to store the parameters).
Single-threaded; starts exactly one server and stops it, also on failure.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def find(bin_dir: str, name: str) -> str:
    for dirpath, _, files in os.walk(bin_dir):
        if name in files and os.access(os.path.join(dirpath, name), os.X_OK):
            return os.path.join(dirpath, name)
    raise SystemExit(f"driver.py: {name} not found under {bin_dir} (build it first)")


ADMIN_TOKEN = "bench-admin-token"  # ssm-cache-local's admin endpoints need a bearer token
ADMIN_HEADERS = {"Authorization": "Bearer " + ADMIN_TOKEN}


class Server:
    def __init__(self, exe: str):
        self.proc = subprocess.Popen([exe, "--port", "0", "--admin-token", ADMIN_TOKEN],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        prefix = "listening on "
        if not line.startswith(prefix):
            self.stop()
            raise SystemExit(f"driver.py: ssm-cache-local said {line!r}, not 'listening on URL'")
        self.url = line[len(prefix):]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def stats(self) -> dict[str, int]:
        req = urllib.request.Request(self.url + "/_local/stats", headers=ADMIN_HEADERS)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r).get("calls", {})

    def ssm_calls(self) -> int:
        return sum(v for k, v in self.stats().items() if k.startswith("AmazonSSM.Get"))

    def faults(self, spec: dict) -> None:
        req = urllib.request.Request(self.url + "/_local/faults", data=json.dumps(spec).encode(),
                                     headers={"Content-Type": "application/json", **ADMIN_HEADERS},
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()


def seed(url: str) -> None:
    import botocore.session
    session = botocore.session.get_session()
    ssm = session.create_client("ssm", region_name="us-east-1", endpoint_url=url,
                                aws_access_key_id="test", aws_secret_access_key="test")
    ssm.put_parameter(Name="/bench/one", Value="hello from the benchmark", Type="String",
                      Overwrite=True)
    for count in (25, 100):
        width = len(str(count - 1))
        for i in range(count):
            ssm.put_parameter(Name=f"/bench/n{count}/p{i:0{width}d}",
                              Value=f"value-{count}-{i}-" + "x" * 32, Type="String",
                              Overwrite=True)


def run_json(cmd: list[str], env: dict) -> dict:
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise SystemExit(f"driver.py: {' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def first_line_ms(cmd: list[str], env: dict, expect: str) -> float:
    """Wall time from process start to its first line of output."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    ms = (time.perf_counter() - t0) * 1000
    _, err = p.communicate(timeout=60)
    if p.returncode != 0 or line.strip() != expect:
        raise SystemExit(f"driver.py: {' '.join(cmd)} printed {line!r} (exit {p.returncode}): {err.strip()}")
    return ms


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = ap.parse_args()

    exe = {n: find(args.bin, n) for n in ("ssm-cache-local", "ssm-cache", "ssm_cache_compare",
                                          "minimal_get")}
    node = shutil.which("node") or "node"
    pt = [node, os.path.join(HERE, "powertools.mjs")]
    cold_runs = 3 if args.quick else 10
    batches = "5" if args.quick else "9"

    server = Server(exe["ssm-cache-local"])
    try:
        seed(server.url)
        env = {**os.environ, **ENV, "BENCH_ENDPOINT": server.url,
               "AWS_ENDPOINT_URL_SSM": server.url, "AWS_ENDPOINT_URL": server.url}
        rows: dict[str, dict[str, str]] = {"Powertools": {}, "ssm-cache": {}}
        raw: dict = {}

        print("== cached read", flush=True)
        ours = run_json([exe["ssm_cache_compare"], "cached", "/bench/one", "2000000", batches], env)
        theirs = run_json(pt + ["cached", "/bench/one", "100000", batches], env)
        raw["cached"] = {"ssm-cache": ours, "Powertools": theirs}
        rows["ssm-cache"]["cached read (ns/read, median)"] = f"{ours['ns_per_read']:.1f}"
        rows["Powertools"]["cached read (ns/read, median)"] = f"{theirs['ns_per_read']:.0f}"

        print("== cold start", flush=True)
        value = "hello from the benchmark"
        cold = {
            "Powertools (node)": [first_line_ms(pt + ["get", "/bench/one"], env, value)
                                  for _ in range(cold_runs)],
            "ssm-cache get (CLI)": [first_line_ms([exe["ssm-cache"], "get", "/bench/one"], env, value)
                                    for _ in range(cold_runs)],
            "minimal_get (C++ program)": [first_line_ms([exe["minimal_get"], "/bench/one"], env, value)
                                          for _ in range(cold_runs)],
        }
        raw["cold"] = cold
        rows["Powertools"]["cold start (ms, median of %d)" % cold_runs] = \
            f"{statistics.median(cold['Powertools (node)']):.1f}"
        rows["ssm-cache"]["cold start (ms, median of %d)" % cold_runs] = (
            f"{statistics.median(cold['minimal_get (C++ program)']):.1f} (program), "
            f"{statistics.median(cold['ssm-cache get (CLI)']):.1f} (CLI)")

        print("== first fetch", flush=True)
        raw["first_fetch"] = {}
        for latency in (0, 20):
            server.faults({"latency_ms": latency})
            for by in ("name", "path"):
                for count in (25, 100):
                    for impl, cmd in (("ssm-cache", [exe["ssm_cache_compare"]]), ("Powertools", pt)):
                        before = server.ssm_calls()
                        r = run_json(cmd + ["first-fetch", by, f"/bench/n{count}", str(count)], env)
                        calls = server.ssm_calls() - before
                        raw["first_fetch"][f"{impl} {by} {count} {latency}ms"] = {**r, "calls": calls}
                        rows[impl][f"first fetch {count} by {by}, {latency} ms latency: calls / ms"] = \
                            f"{calls} / {r['wall_ms']:.1f}"
                        if latency == 0 and by == "name" and count == 100:
                            rows[impl]["peak RSS, fetch of 100 by name (MB, VmHWM)"] = \
                                f"{r['vmhwm_kb'] / 1024:.1f}"
        server.faults({"latency_ms": 0})

        print("== throttling: 40 calls/s quota, 8 tasks, 100 parameters, max age 1 s, 10 s", flush=True)
        raw["throttle"] = {}
        seconds = "4" if args.quick else "10"
        for impl, cmd in (("ssm-cache", [exe["ssm_cache_compare"]]), ("Powertools", pt)):
            server.faults({"throttle_tps": 40})
            before = server.ssm_calls()
            r = run_json(cmd + ["throttle", "/bench/n100", "100", "8", seconds, "1", "10"], env)
            calls = server.ssm_calls() - before
            server.faults({"throttle_tps": 0})
            time.sleep(1.5)  # let the quota's bucket refill between the two runs
            raw["throttle"][impl] = {**r, "calls": calls}
            rows[impl]["throttled: calls made"] = str(calls)
            rows[impl]["throttled: errors seen by the application"] = str(r["errors"])
            rows[impl]["throttled: stale values served (of reads)"] = f"{r['stale']:,} (of {r['reads']:,})"
    finally:
        server.stop()

    table = render_table(rows)
    print()
    print(table)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(render_markdown(table, raw, args))
    return 0


def render_table(rows: dict[str, dict[str, str]]) -> str:
    metrics = list(rows["ssm-cache"].keys())
    out = ["| measure | ssm-cache | Powertools (TypeScript) |", "|---|---|---|"]
    for m in metrics:
        out.append(f"| {m} | {rows['ssm-cache'].get(m, '')} | {rows['Powertools'].get(m, '')} |")
    return "\n".join(out)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model or platform.processor()}, {os.cpu_count()} cores, {mem}, {platform.system()} {platform.release()}"


def versions() -> str:
    def pkg(name: str) -> str:
        try:
            with open(os.path.join(HERE, "node_modules", name, "package.json")) as f:
                return json.load(f)["version"]
        except (OSError, ValueError, KeyError):
            return "?"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"Node.js {node}, @aws-lambda-powertools/parameters {pkg('@aws-lambda-powertools/parameters')}, "
            f"@aws-sdk/client-ssm {pkg('@aws-sdk/client-ssm')}")


def render_markdown(table: str, raw: dict, args) -> str:
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cold = raw["cold"]
    cold_lines = "\n".join(
        f"- {k}: median {statistics.median(v):.1f} ms, min {min(v):.1f}, max {max(v):.1f}"
        for k, v in cold.items())
    t = raw["throttle"]
    return f"""## Side by side: ssm-cache vs Powertools for AWS Lambda (TypeScript)

Both libraries ran in the same run against the same `ssm-cache-local` server on loopback.
Command: `bench/compare/run.sh{' --quick' if args.quick else ''}`. Date: {date}.
Machine: {machine()}. {versions()}.

{table}

How each figure is measured:
- **Cached read**: one parameter already in the cache (max age 1 h); batches of reads in one
  process, median of the batches' time per read. ssm-cache: `SSMParameter::value()` (a copy of
  the string). Powertools: `await provider.get(name)` (it is async; no cheaper read exists).
- **Cold start**: from process start to the first line of output carrying the value, median of
  {len(next(iter(cold.values())))} runs. ssm-cache: a minimal C++ program (`minimal_get.cpp`,
  `SSMParameter(name).value()`) and the `ssm-cache get` CLI; Powertools: `node powertools.mjs get`
  (`SSMProvider.get`).
{cold_lines}
- **First fetch**: a new process fetching 25 or 100 parameters by name (ssm-cache: one
  `SSMParameterGroup` read once; Powertools: `getParametersByName`) or by path (ssm-cache:
  `group.parameters(path)`; Powertools: `getMultiple(path)`). Calls are counted by the server
  (`/_local/stats`), wall time inside the process from the first call to the last value, with
  the server adding 0 or 20 ms to each call. The minimum possible is ceil(N/10) calls either way.
- **Peak RSS**: `VmHWM` from `/proc/self/status`, read inside the process at the end of the
  100-by-name first fetch.
- **Throttling**: the server throttles beyond 40 calls/s (token bucket, like the real quota);
  8 threads (ssm-cache) or 8 async tasks (Powertools) each read the same 100 parameters (max
  age 1 s) every 10 ms for {'4' if args.quick else '10'} s. "Calls made" counts every request the server
  received, retries included; an "error" is a read of the 100 values that threw; a value is
  "stale" when it was served while the last successful fetch was older than the max age.
  ssm-cache: {t['ssm-cache']['calls']} calls, {t['ssm-cache']['errors']} errors; Powertools:
  {t['Powertools']['calls']} calls, {t['Powertools']['errors']} errors.

Raw results (JSON):

```json
{json.dumps(raw, indent=1, sort_keys=True)}
```
"""


if __name__ == "__main__":
    sys.exit(main())
