#!/usr/bin/python3
"""Real fleet run on this machine: N `ssm-cache path` processes started at once, with and
without the shared tier (a local redis-server), against ssm-cache-local with API latency.
Reports the AWS calls counted at ssm-cache-local and the p50 / p99 wall time of the processes
(each process's first read). Writes docs/bench/fleet-real.md with --markdown and the points
bench/fleet/run.sh adds to the fleet plot with --dat (docs/bench/fleet-real.dat).

Usage: bench/fleet/shared_real.py --build build/default [--sizes 10 50 100 200] \
         --markdown docs/bench/fleet-real.md --dat docs/bench/fleet-real.dat
then bench/fleet/run.sh and scripts/bench-docs.sh. Loads the machine: up to 2 x 200 processes.
Needs redis-server and redis-cli (scripts/deps.sh test). Everything runs on 127.0.0.1; the
servers are stopped at the end, also on failure.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TOKEN = "fleet-bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin(port: int, method: str, path: str, body: bytes | None = None) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
    return json.loads(text) if text else {}


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def run_fleet(n: int, argv: list[str], env: dict[str, str]) -> tuple[list[float], int]:
    times: list[float] = [0.0] * n
    failures = [0]

    def one(i: int) -> None:
        t0 = time.monotonic()
        r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times[i] = time.monotonic() - t0
        if r.returncode != 0:
            failures[0] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, failures[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build/default")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100, 200])
    ap.add_argument("--params", type=int, default=50)
    ap.add_argument("--latency-ms", type=int, default=50, help="API latency at ssm-cache-local")
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--dat", default=None,
                    help="write N, AWS calls without / with the tier, p99 ms without / with")
    args = ap.parse_args()

    cli = os.path.join(args.build, "tools/ssm-cache/ssm-cache")
    local_bin = os.path.join(args.build, "tools/ssm-cache-local/ssm-cache-local")
    work = tempfile.mkdtemp(prefix="fleet-real-")
    data = os.path.join(work, "data.json")
    with open(data, "w") as f:
        json.dump({"format": "ssm-cache-local", "version": 1,
                   "parameters": [{"Name": f"/fleet/p{i:02d}", "Type": "SecureString",
                                   "Value": f"value-{i}"} for i in range(args.params)]}, f)
    key = os.path.join(work, "shared.key")
    with open(key, "w") as f:
        f.write(os.urandom(32).hex())
    redis_port = free_port()
    load_before = os.getloadavg()[0]
    procs = []
    try:
        local = subprocess.Popen([local_bin, "--port", "0", "--admin-token", TOKEN, "--quiet",
                                  "--data", data, "--latency-ms", str(args.latency_ms)],
                                 stdout=subprocess.PIPE, text=True)
        procs.append(local)
        line = local.stdout.readline()
        url = line[line.index("http://"):].strip()
        local_port = int(url.rsplit(":", 1)[1])
        redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port),
                                  "--save", "", "--appendonly", "no", "--dir", work],
                                 stdout=subprocess.DEVNULL)
        procs.append(redis)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(redis_port), "PING"],
                              capture_output=True, text=True).stdout.strip() == "PONG":
                break
            time.sleep(0.05)
        base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                    "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent",
                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        shared_env = {**base_env, "SSM_CACHE_SHARED_CACHE_URL": f"redis://127.0.0.1:{redis_port}",
                      "SSM_CACHE_SHARED_CACHE_KEY_FILE": key,
                      # A loaded machine: generous bounds, so every process uses the tier.
                      "SSM_CACHE_SHARED_CACHE_TIMEOUT_MS": "2000",
                      "SSM_CACHE_SHARED_CACHE_CONNECT_TIMEOUT_MS": "5000"}
        argv = [cli, "--endpoint-url", url, "path", "/fleet"]
        rows = []
        for n in args.sizes:
            for mode, env in (("without the tier", base_env), ("shared tier", shared_env)):
                subprocess.run(["redis-cli", "-p", str(redis_port), "FLUSHALL"], capture_output=True)
                admin(local_port, "DELETE", "/_local/stats")
                times, failed = run_fleet(n, argv, env)
                calls = admin(local_port, "GET", "/_local/stats").get("total", 0)
                rows.append((n, mode, calls, percentile(times, 50), percentile(times, 99), failed))
                print(f"N={n} {mode}: {calls} AWS calls, p50 {percentile(times, 50) * 1000:.0f} ms, "
                      f"p99 {percentile(times, 99) * 1000:.0f} ms, {failed} failed", flush=True)
    finally:
        for p in procs:
            p.kill()
            p.wait()
        # The data file and the tier's key are this run's only: nothing to keep.
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()[0]
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after", flush=True)
    if args.dat:
        by_n: dict[int, dict[str, tuple[int, float]]] = {}
        for n, mode, calls, _p50, p99, _failed in rows:
            by_n.setdefault(n, {})[mode] = (calls, p99)
        with open(args.dat, "w") as f:
            f.write("# bench/fleet/shared_real.py: N, AWS calls without the tier, with it, "
                    "p99 ms without, with\n")
            for n, m in sorted(by_n.items()):
                (cw, pw), (cs, ps) = m["without the tier"], m["shared tier"]
                f.write(f"{n} {cw} {cs} {pw * 1000:.0f} {ps * 1000:.0f}\n")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("## Fleet on one machine: N processes, with and without the shared tier\n\n")
            f.write(f"`bench/fleet/shared_real.py --sizes {' '.join(map(str, args.sizes))}`: N "
                    f"`ssm-cache path /fleet` processes ({args.params} SecureString parameters, "
                    f"{(args.params + 9) // 10} GetParametersByPath pages) started at once "
                    f"against ssm-cache-local answering after {args.latency_ms} ms, without "
                    "and with the shared tier on a local redis-server (sealed entries, leases). "
                    "AWS calls counted at ssm-cache-local; times are each process's wall time "
                    "(start to exit, its first read included), on a 2-core VM shared with other "
                    "work, so they show the shape, not a speed (1-minute load average "
                    f"{load_before:.1f} before the run, {load_after:.1f} after it). Run "
                    f"{time.strftime('%Y-%m-%d', time.gmtime())}.\n\n")
            f.write("| N | mode | AWS calls | p50 | p99 | failed |\n|---|---|---|---|---|---|\n")
            for n, mode, calls, p50, p99, failed in rows:
                f.write(f"| {n} | {mode} | {calls} | {p50 * 1000:.0f} ms | {p99 * 1000:.0f} ms | {failed} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
