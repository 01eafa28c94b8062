#!/usr/bin/python3
"""Fleet simulation: Parameter Store API calls per second made by a fleet of Lambda instances.

Each instance reads P parameters (default 50) on every invocation. We count the API calls the
fleet sends each second, for several caching strategies, and compare them with Parameter
Store's default quota of 40 transactions per second (shared by GetParameter, GetParameters and
GetParametersByPath, per account and region).

Python 3 standard library only; deterministic for a given --seed. Single-threaded; a run of
the default scenarios takes a few seconds.

What is modelled (see docs/bench/fleet.md for the discussion):
  * N execution environments ("instances") run at once. At t=0 a deployment starts all N at
    --scale-rate per second (Lambda scales a function by 1,000 environments per 10 s). Each instance lives an exponentially distributed time (mean --lifetime) and
    is replaced at once by a new one, which is a cold start: cold starts arrive at N/lifetime
    per second in steady state.
  * Each instance serves invocations as a Poisson process of rate --rate per second; the first
    invocation happens at the cold start. A cache refreshes lazily, on the first invocation
    after its expiry (this is what the seed and our library do), so with Poisson arrivals the
    refresh happens at expiry + Exp(rate).
  * Strategies (calls per fetch of the P parameters; P=50 gives the numbers in brackets):
      no-cache     every invocation fetches all P with GetParameters in batches of 10 [5].
                   (GetParameter per name, the most common hand-written code, is P calls,
                   10x more.)
      seed-params  the seed with P stand-alone SSMParameter(name, max_age=M) objects: each
                   sends its own GetParameters call [50]; they are fetched in the same
                   invocation so they expire together.
      seed-group   the seed with one SSMParameterGroup(max_age=M) of P parameters: the group
                   refresh sends ceil(P/10) GetParameters calls, and the SSMParameter whose
                   read triggered it then sends one more GetParameters call for its own name
                   (ssm_cache/cache.py v2.10, SSMParameter._refresh) [5 + 1 = 6]. No jitter.
      ours         ssm-cache SSMParameterGroup of P parameters: ceil(P/10) calls per refresh,
                   no TTL jitter [5].
      ours-jitter  the same with ttl_jitter=J: each expiry is max_age * (1 - U(0, J)).
      sidecar      `ssm-cache serve` shared by K instances on one host (ECS/EC2/Kubernetes;
                   on Lambda every execution environment has its own, i.e. K=1). The host's
                   sidecar prefetches the P names at start with GetParametersByPath
                   (ceil(P/10) pages); afterwards each name is its own cache entry (the
                   extension's API is per name) with TTL M and jitter J, refreshed with one
                   GetParameter call on the first request after it expires (single flight;
                   stale value served meanwhile). Replacement instances on a warm host cost
                   no call at all. With --sidecar-batch, an expiry refreshes every name of the
                   host in one GetParametersByPath round instead.
      shared       the shared tier on Redis / Valkey (docs/shared-cache.md) in front of
                   ours-jitter: each instance's group refreshes from the shared entries; AWS
                   sees one fleet-wide fetch [5] when the entries are missing (the first
                   reader takes the lease, the others wait on it) or when the first instance
                   refresh arrives after refresh_ahead x ttl (0.8 x M, ttl = M).
  * Retries are NOT modelled: the counts are the load offered on first attempts. Throttled
    calls retried by an SDK add to the load of the next seconds, so every figure over the
    quota is a lower bound of the trouble.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field

STRATEGIES = ["no-cache", "seed-params", "seed-group", "ours", "ours-jitter", "sidecar",
              "shared"]
LABELS = {
    "no-cache": "no cache (GetParameters x10 per invocation)",
    "seed-params": "seed: 50 SSMParameter objects",
    "seed-group": "seed: one SSMParameterGroup",
    "ours": "ssm-cache group, no jitter",
    "ours-jitter": "ssm-cache group, TTL jitter",
    "sidecar": "ssm-cache serve, one per host",
    "shared": "ssm-cache + shared tier (Redis)",
}
REFRESH_AHEAD = 0.8  # SharedCacheOptions::refresh_ahead default


@dataclass
class Scenario:
    instances: int = 1000
    params: int = 50
    max_age: float = 300.0
    rate: float = 1.0  # invocations per second per instance
    lifetime: float = 1800.0  # mean lifetime of an execution environment, seconds
    scale_rate: float = 100.0  # deployment: new instances started per second
    duration: int = 3600
    jitter: float = 0.2
    per_host: int = 10
    sidecar_batch: bool = False
    quota: float = 40.0
    seed: int = 1


@dataclass
class Result:
    strategy: str
    series: list[int] = field(default_factory=list)

    steady_from: int = 0

    @property
    def peak(self) -> int:
        return max(self.series)

    @property
    def deploy_peak(self) -> int:
        return max(self.series[:self.steady_from] or [0])

    @property
    def steady_peak(self) -> int:
        return max(self.series[self.steady_from:] or [0])

    @property
    def mean(self) -> float:
        return sum(self.series) / len(self.series)

    def seconds_over(self, quota: float) -> float:
        return 100.0 * sum(1 for c in self.series if c > quota) / len(self.series)

    def calls_over(self, quota: float) -> float:
        total = sum(self.series)
        excess = sum(c - quota for c in self.series if c > quota)
        return 100.0 * excess / total if total else 0.0


def batches(n: int) -> int:
    return (n + 9) // 10


def ramp(sc: Scenario) -> float:
    """How long the initial deployment takes to start all instances."""
    return sc.instances / sc.scale_rate


def steady_start(sc: Scenario) -> int:
    """First second counted as steady state: one minute after the deployment ramp."""
    return min(sc.duration - 1, int(ramp(sc)) + 60)


def lives(sc: Scenario, rng: random.Random) -> list[list[tuple[float, float]]]:
    """Per instance slot, the (start, end) of each execution environment that occupies it."""
    slots = []
    for _ in range(sc.instances):
        t = rng.uniform(0.0, ramp(sc))
        slot = []
        while t < sc.duration:
            end = t + rng.expovariate(1.0 / sc.lifetime)
            slot.append((t, min(end, float(sc.duration))))
            t = end
        slots.append(slot)
    return slots


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    # Knuth: fine for small means.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def add(series: list[int], t: float, calls: int) -> None:
    i = int(t)
    if 0 <= i < len(series):
        series[i] += calls


def simulate_no_cache(sc: Scenario, slots, rng: random.Random) -> Result:
    per_fetch = batches(sc.params)
    active = [0] * (sc.duration + 1)
    series = [0] * sc.duration
    for slot in slots:
        for start, end in slot:
            add(series, start, per_fetch)  # the invocation that caused the cold start
            # Active seconds, weighted by the fraction of the second the instance lives.
            active_from, active_to = start, end
            i = int(active_from)
            while i < active_to and i < sc.duration:
                lo, hi = max(active_from, i), min(active_to, i + 1)
                active[i] += hi - lo  # type: ignore[assignment]
                i += 1
    for i in range(sc.duration):
        series[i] += per_fetch * poisson(rng, active[i] * sc.rate)
    return Result("no-cache", series)


def simulate_lazy(sc: Scenario, slots, rng: random.Random, name: str, cold_calls: int,
                  refresh_calls: int, jitter: float) -> Result:
    series = [0] * sc.duration
    for slot in slots:
        for start, end in slot:
            t = start
            add(series, t, cold_calls)
            while True:
                expiry = t + sc.max_age * (1.0 - rng.uniform(0.0, jitter))
                t = expiry + rng.expovariate(sc.rate)  # first invocation after expiry
                if t >= end:
                    break
                add(series, t, refresh_calls)
    return Result(name, series)


def simulate_sidecar(sc: Scenario, slots, rng: random.Random) -> Result:
    series = [0] * sc.duration
    per_host = max(1, sc.per_host)
    # Instances are placed on hosts in the order they start: a host starts with its first.
    slots = sorted(slots, key=lambda slot: slot[0][0])
    for h in range(0, len(slots), per_host):
        host_slots = slots[h:h + per_host]
        start = min(slot[0][0] for slot in host_slots)
        # Requests for one name reach the sidecar at (instances on the host) * rate.
        request_rate = len(host_slots) * sc.rate
        add(series, start, batches(sc.params))  # --prefetch: GetParametersByPath pages
        if sc.sidecar_batch:
            t = start
            while True:
                t += sc.max_age * (1.0 - rng.uniform(0.0, sc.jitter))
                t += rng.expovariate(request_rate)
                if t >= sc.duration:
                    break
                add(series, t, batches(sc.params))
            continue
        for _ in range(sc.params):
            t = start
            while True:
                t += sc.max_age * (1.0 - rng.uniform(0.0, sc.jitter))
                t += rng.expovariate(request_rate)
                if t >= sc.duration:
                    break
                add(series, t, 1)  # GetParameter for this one name
    return Result("sidecar", series)


def simulate_shared(sc: Scenario, slots, rng: random.Random) -> Result:
    """Instances refresh as ours-jitter, but from the shared entries; AWS sees a fetch only
    when an instance refresh (or cold start) finds the entries missing, expired, or in their
    refresh-ahead window. Leases make that one fleet-wide fetch of ceil(P/10) calls."""
    reads = []
    for slot in slots:
        for start, end in slot:
            t = start
            reads.append(t)
            while True:
                t += sc.max_age * (1.0 - rng.uniform(0.0, sc.jitter)) + rng.expovariate(sc.rate)
                if t >= end:
                    break
                reads.append(t)
    reads.sort()
    series = [0] * sc.duration
    fetched_at = None
    for t in reads:
        if fetched_at is None or t - fetched_at >= REFRESH_AHEAD * sc.max_age:
            add(series, t, batches(sc.params))
            fetched_at = t
    return Result("shared", series)


def simulate(sc: Scenario) -> dict[str, Result]:
    # Every strategy sees the same fleet (same lives), each with its own random stream.
    slots = lives(sc, random.Random(sc.seed))
    b = batches(sc.params)
    out = {
        "no-cache": simulate_no_cache(sc, slots, random.Random(sc.seed + 1)),
        "seed-params": simulate_lazy(sc, slots, random.Random(sc.seed + 2), "seed-params",
                                     sc.params, sc.params, 0.0),
        "seed-group": simulate_lazy(sc, slots, random.Random(sc.seed + 3), "seed-group",
                                    b + 1, b + 1, 0.0),
        "ours": simulate_lazy(sc, slots, random.Random(sc.seed + 4), "ours", b, b, 0.0),
        "ours-jitter": simulate_lazy(sc, slots, random.Random(sc.seed + 5), "ours-jitter",
                                     b, b, sc.jitter),
        "sidecar": simulate_sidecar(sc, slots, random.Random(sc.seed + 6)),
        "shared": simulate_shared(sc, slots, random.Random(sc.seed + 7)),
    }
    for r in out.values():
        r.steady_from = steady_start(sc)
    return out


def fmt_rate(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def mean_bound(sc: Scenario, strategy: str) -> float:
    """Largest fleet whose MEAN call rate stays under the quota (steady state, analytic)."""
    b = batches(sc.params)
    refresh_period = sc.max_age + 1.0 / sc.rate
    per_instance = {
        "no-cache": b * sc.rate,
        "seed-params": sc.params / refresh_period + sc.params / sc.lifetime,
        "seed-group": (b + 1) / refresh_period + (b + 1) / sc.lifetime,
        "ours": b / refresh_period + b / sc.lifetime,
        "ours-jitter": b / (sc.max_age * (1 - sc.jitter / 2) + 1.0 / sc.rate) + b / sc.lifetime,
    }
    if strategy == "shared":
        return math.inf  # one fleet-wide fetch per refresh_ahead x M, whatever N
    if strategy == "sidecar":
        per_host_calls = (b if sc.sidecar_batch else sc.params) / (
            sc.max_age * (1 - sc.jitter / 2) + 1.0 / (sc.per_host * sc.rate))
        return sc.quota / per_host_calls * sc.per_host
    return sc.quota / per_instance[strategy]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--instances", type=int, nargs="+", default=[100, 300, 1000, 3000, 10000])
    ap.add_argument("--params", type=int, default=50)
    ap.add_argument("--max-age", type=float, default=300.0, help="seconds (M)")
    ap.add_argument("--rate", type=float, default=1.0, help="invocations/s per instance")
    ap.add_argument("--lifetime", type=float, default=1800.0,
                    help="mean life of an execution environment, s (cold starts = N/lifetime per s)")
    ap.add_argument("--scale-rate", type=float, default=100.0,
                    help="deployment: instances started per second (Lambda: 1,000 per 10 s)")
    ap.add_argument("--duration", type=int, default=3600, help="simulated seconds")
    ap.add_argument("--jitter", type=float, default=0.2, help="ttl_jitter of ours and sidecar")
    ap.add_argument("--per-host", type=int, default=10, help="instances sharing one sidecar")
    ap.add_argument("--sidecar-batch", action="store_true",
                    help="sidecar refreshes all names of a host in one by-path round")
    ap.add_argument("--quota", type=float, default=40.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--series-at", type=int, default=1000,
                    help="fleet size whose per-second time series is plotted")
    ap.add_argument("--out", default=None, help="directory for the .dat files (default: temp)")
    ap.add_argument("--png", default=None, help="write the gnuplot plot here")
    ap.add_argument("--markdown", default=None, help="write the report (markdown) here")
    ap.add_argument("--real", default=None,
                    help="points measured by bench/fleet/shared_real.py --dat, added to the "
                         "first panel of the plot")
    args = ap.parse_args()

    results: dict[int, dict[str, Result]] = {}
    base = Scenario(params=args.params, max_age=args.max_age, rate=args.rate,
                    lifetime=args.lifetime, scale_rate=args.scale_rate, duration=args.duration,
                    jitter=args.jitter, per_host=args.per_host,
                    sidecar_batch=args.sidecar_batch, quota=args.quota, seed=args.seed)
    sizes = sorted(set(args.instances) | {args.series_at})
    for n in sizes:
        sc = Scenario(**{**base.__dict__, "instances": n})
        results[n] = simulate(sc)

    table = render_table(base, sizes, results)
    print(table)

    out = args.out
    if out is None:
        import tempfile
        out = tempfile.mkdtemp(prefix="fleet-")
    os.makedirs(out, exist_ok=True)
    write_dat(out, base, sizes, results, args.series_at)
    if args.png:
        plot(out, args.png, base, args.series_at, args.real)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(render_markdown(base, sizes, results, args, table))
    return 0


def render_table(sc: Scenario, sizes, results) -> str:
    head = "| strategy | calls per fetch | " + " | ".join(
        f"N={n:,}" for n in sizes) + " |"
    sep = "|" + "---|" * (2 + len(sizes))
    b = batches(sc.params)
    per_fetch = {"no-cache": f"{b} per invocation", "seed-params": f"{sc.params}",
                 "seed-group": f"{b}+1", "ours": f"{b}", "ours-jitter": f"{b}",
                 "sidecar": (f"{b} per host" if sc.sidecar_batch
                             else f"1 per name per host"),
                 "shared": f"{b} per fleet"}
    rows = [head, sep]
    for s in STRATEGIES:
        cells = []
        for n in sizes:
            r = results[n][s]
            def mark(x: float) -> str:
                return f"**{fmt_rate(x)}**" if x > sc.quota else fmt_rate(x)
            cells.append(f"{mark(r.deploy_peak)} / {mark(r.steady_peak)} / {mark(r.mean)}")
        rows.append(f"| {LABELS[s]} | {per_fetch[s]} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def render_over_table(sc: Scenario, sizes, results) -> str:
    head = "| strategy | " + " | ".join(f"N={n:,}" for n in sizes) + " |"
    sep = "|" + "---|" * (1 + len(sizes))
    rows = [head, sep]
    for s in STRATEGIES:
        cells = []
        for n in sizes:
            r = results[n][s]
            cells.append(f"{r.seconds_over(sc.quota):.1f}% / {r.calls_over(sc.quota):.1f}%")
        rows.append(f"| {LABELS[s]} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def write_dat(out: str, sc: Scenario, sizes, results, series_at: int) -> None:
    with open(os.path.join(out, "by_size.dat"), "w") as f:
        f.write("# N " + " ".join(f"{s}_deploy {s}_steady {s}_mean" for s in STRATEGIES) + "\n")
        for n in sizes:
            vals = []
            for s in STRATEGIES:
                r = results[n][s]
                vals += [str(max(r.deploy_peak, 0.5)), str(max(r.steady_peak, 0.5)),
                         f"{max(r.mean, 0.01):.4f}"]
            f.write(f"{n} " + " ".join(vals) + "\n")
    with open(os.path.join(out, "series.dat"), "w") as f:
        f.write("# t " + " ".join(STRATEGIES) + "\n")
        res = results[series_at]
        window = 10  # seconds averaged per point: single seconds are too noisy to read
        for t in range(0, sc.duration - window + 1, window):
            avg = [sum(res[s].series[t:t + window]) / window for s in STRATEGIES]
            # gnuplot's log scale cannot show 0: plot 0.1 for an idle window.
            f.write(f"{t} " + " ".join(f"{max(a, 0.1):.2f}" for a in avg) + "\n")


def read_real(path: str | None) -> list[tuple[int, int, int]]:
    """The points bench/fleet/shared_real.py measured (--dat): (N, AWS calls without the tier,
    with it); empty when there is no such file."""
    if not path or not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            n, without, shared = line.split()[:3]
            rows.append((int(n), int(without), int(shared)))
    return rows


def real_plot(real_dat: str | None) -> str:
    """gnuplot clauses adding the measured points to the first panel (or nothing)."""
    if not real_dat or not read_real(real_dat):
        return ""
    # 0 calls cannot sit on a log scale: shown as 0.5, like the simulated idle rows.
    return (f", '{real_dat}' using 1:($2 > 0 ? $2 : 0.5) with linespoints pt 9 ps 1.8 lw 2 "
            "dt 3 lc rgb 'black' title 'measured: N processes at once, no tier (all AWS calls)'"
            f", '{real_dat}' using 1:($3 > 0 ? $3 : 0.5) with linespoints pt 7 ps 1.8 lw 2 "
            "dt 3 lc rgb '#17becf' title 'measured: N processes at once, shared tier'")


def plot(out: str, png: str, sc: Scenario, series_at: int, real_dat: str | None = None) -> None:
    colors = ["#d62728", "#ff7f0e", "#bcbd22", "#1f77b4", "#2ca02c", "#9467bd", "#17becf"]
    script = [
        f"set terminal pngcairo size 1500,1000 font 'sans,11'" if has_cairo() else
        "set terminal png size 1500,1000",
        f"set output '{png}'",
        "set multiplot title 'Parameter Store calls per second, "
        f"{sc.params} parameters per instance, max age {sc.max_age:g} s, quota {sc.quota:g} TPS'",
        "set grid", "set key top left font ',9'",
        f"set arrow 1 from graph 0, first {sc.quota} to graph 1, first {sc.quota} nohead dt 2 lw 2 lc rgb 'black'",
        "set logscale xy",
        "set xlabel 'concurrent instances (N)'", "set ylabel 'calls per second'",
        "set size 0.333,0.5", "set origin 0,0.47",
        "set title 'Busiest second of the deployment'",
        "plot " + ", ".join(
            f"'{out}/by_size.dat' using 1:{2 + 3 * i} with linespoints lw 2 lc rgb '{colors[i]}' title '{LABELS[s]}'"
            for i, s in enumerate(STRATEGIES)) + real_plot(real_dat),
        "set origin 0.333,0.47", "unset key",
        "set title 'Busiest second after it (steady state)'",
        "plot " + ", ".join(
            f"'{out}/by_size.dat' using 1:{3 + 3 * i} with linespoints lw 2 lc rgb '{colors[i]}' title '{LABELS[s]}'"
            for i, s in enumerate(STRATEGIES)),
        "set origin 0.666,0.47",
        "set title 'Mean over the run'",
        "plot " + ", ".join(
            f"'{out}/by_size.dat' using 1:{4 + 3 * i} with linespoints lw 2 lc rgb '{colors[i]}' title '{LABELS[s]}'"
            for i, s in enumerate(STRATEGIES)),
        # Bottom: the time series for one fleet size, across the whole width.
        "set size 1,0.47", "set origin 0,0",
        "unset logscale x", "set logscale y",
        "set xlabel 'time since deployment (s)'",
        f"set title 'N={series_at:,}: calls per second, 10 s averages (0 shown as 0.1)'",
        f"set xrange [0:{sc.duration}]",
        "set key outside right top font ',9'",
        "plot " + ", ".join(
            f"'{out}/series.dat' using 1:{2 + i} with lines lw 2 lc rgb '{colors[i]}' title '{LABELS[s]}'"
            for i, s in enumerate(STRATEGIES)),
        "unset multiplot",
    ]
    subprocess.run(["gnuplot"], input="\n".join(script), text=True, check=True)


def has_cairo() -> bool:
    try:
        r = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
        return "pngcairo" in (r.stdout + r.stderr)
    except OSError:
        return False


def render_markdown(sc: Scenario, sizes, results, args, table: str) -> str:
    b = batches(sc.params)
    lines = []
    lines.append("## Fleet simulation: API calls against the 40 TPS quota\n")
    lines.append(
        f"A fleet of N Lambda execution environments, each reading {sc.params} parameters on "
        f"every invocation ({sc.rate:g} invocations/s each), max age M = {sc.max_age:g} s. "
        f"At t = 0 a deployment starts the N environments at {sc.scale_rate:g} per second "
        "(Lambda's scaling rate: 1,000 per 10 s); each environment then lives "
        f"an exponential time of mean {sc.lifetime:g} s and is replaced by a cold start "
        f"(N/{sc.lifetime:g} cold starts per second). {sc.duration} simulated seconds, "
        f"TTL jitter {sc.jitter:g} for ssm-cache, {sc.per_host} instances per host for the "
        f"sidecar. Figures are calls offered in each 1 s bin (first attempts only: SDK retries "
        f"of throttled calls would add to them). **Bold**: the busiest second is over the "
        f"{sc.quota:g} TPS quota.\n")
    lines.append("Generated by `bench/fleet/run.sh` (`bench/fleet/fleet.py`, Python 3 standard "
                 f"library, seed {sc.seed}); plot by gnuplot.\n")
    lines.append(table + "\n")
    lines.append("Share of seconds over the quota / share of calls above the quota "
                 "(those would be throttled on their first attempt):\n")
    lines.append(render_over_table(sc, sizes, results) + "\n")
    lines.append("![Fleet simulation](fleet.png)\n")
    real = read_real(args.real)
    if real:
        lines.append(
            "The dotted black and cyan lines in the first panel are **measured**, not simulated: "
            "`bench/fleet/shared_real.py` started N `ssm-cache path` processes at once on this "
            "machine against ssm-cache-local, without and with the shared tier on a local "
            "redis-server, and counted every AWS call of the burst (" +
            ", ".join(f"N = {n}: {w} vs {t}" for n, w, t in real) +
            "; details and times in the section 'Fleet on one machine'). The processes all end "
            "within a second or two (its p99), so the total of the burst is of the order of its "
            "busiest second.\n")
    lines.append("### What was modelled\n")
    lines.append(
        f"- **No cache**: every invocation fetches the {sc.params} names with GetParameters in "
        f"batches of 10 ({b} calls). Code calling GetParameter per name makes {sc.params} calls, "
        "ten times the row shown.\n"
        f"- **Seed, 50 SSMParameter objects**: ssm-cache-python v2.10 with one "
        f"`SSMParameter(name, max_age=M)` per name. Each object refreshes with its own "
        f"GetParameters call; all are first read in the same invocation, so they expire "
        f"together: {sc.params} calls per instance per refresh.\n"
        f"- **Seed, one SSMParameterGroup**: `SSMParameterGroup(max_age=M)` holding the "
        f"{sc.params} names. The read that finds the group expired calls "
        "`SSMParameter._refresh`, which refreshes the whole group "
        f"(GetParameters in batches of 10: {b} calls) and then fetches its own name again "
        f"(one more call): {b + 1} calls per refresh, and the same at the cold start. No jitter: "
        "instances deployed together refresh together, for ever.\n"
        f"- **ssm-cache group**: the same group in our library: {b} calls per refresh (the "
        "extra call is a fixed seed defect), without and with `ttl_jitter`. A refresh happens "
        "on the first invocation after expiry, as in the seed.\n"
        f"- **ssm-cache serve, one per host**: {sc.per_host} instances share one sidecar "
        "(containers on ECS/EC2/Kubernetes; on Lambda every execution environment has its own, "
        "which is the in-process row). The sidecar prefetches the names at start "
        f"(GetParametersByPath, {b} pages), then refreshes each name with one GetParameter call "
        "when a request finds it expired (TTL M with jitter; single flight). An instance "
        "replaced on a warm host costs no call. `bench/fleet/run.sh --sidecar-batch` models a "
        "sidecar that refreshes all of a host's names in one by-path round instead (ten times "
        "fewer calls).\n"
        f"- **ssm-cache + shared tier (Redis)**: the ssm-cache group with jitter in front of "
        "the shared tier ([shared-cache.md](../shared-cache.md)), shared TTL = M. An instance "
        "refresh reads the sealed shared entries; AWS sees one fleet-wide fetch "
        f"({b} calls) when a refresh finds them missing or older than "
        f"{REFRESH_AHEAD:g} x M (refresh-ahead): a lease makes the other instances wait for "
        "that fetch instead of making their own. Redis round trips are not AWS calls and are "
        "not counted.\n"
        "- Not modelled: retries (they add load where the quota is exceeded), API latency, "
        "and the quota's burst allowance.\n")
    lines.append("### What it implies\n")
    lines.append(advice(sc, sizes, results))
    lines.append("")
    return "\n".join(lines)


def advice(sc: Scenario, sizes, results) -> str:
    b = batches(sc.params)
    ours_bound = mean_bound(sc, "ours-jitter")
    seed_bound = mean_bound(sc, "seed-params")
    sidecar_bound = mean_bound(sc, "sidecar")
    nc_bound = mean_bound(sc, "no-cache")

    def largest_ok(strategy: str, metric: str) -> str:
        ok = [n for n in sizes
              if (results[n][strategy].steady_peak if metric == "peak"
                  else results[n][strategy].mean) <= sc.quota]
        return f"{max(ok):,}" if ok else f"none of the sizes simulated (smallest {sizes[0]:,})"

    mid = 1000 if 1000 in results else sizes[len(sizes) // 2]
    r_nj, r_j = results[mid]["ours"], results[mid]["ours-jitter"]
    out = []
    out.append(
        f"1. **Cache, and fetch as a group.** Without a cache the quota is gone at about "
        f"{nc_bound:,.0f} busy instances. A group costs {b} calls per refresh where "
        f"per-name objects cost {sc.params}: in steady state the mean stays under the quota up "
        f"to about {ours_bound:,.0f} instances with ssm-cache groups versus {seed_bound:,.0f} "
        f"with per-name seed objects (M = {sc.max_age:g} s).")
    out.append(
        f"2. **Turn on TTL jitter** (`ttl_jitter = {sc.jitter:g}`). Instances deployed "
        f"together otherwise refresh together on every period: at N = {mid:,} the busiest "
        f"second after the deployment drops from {r_nj.steady_peak:,} calls without jitter to "
        f"{r_j.steady_peak:,} with it, for about the same mean ({r_nj.mean:.1f} vs "
        f"{r_j.mean:.1f} calls/s: jitter only shortens expiries). The busiest second is then "
        f"the deployment itself, which no per-instance cache can avoid: {sc.scale_rate:g} new "
        f"instances per second x {b} calls = {sc.scale_rate * b:,.0f} calls/s; only a warm "
        "shared sidecar, or a slower rollout, avoids it.")
    out.append(
        f"3. **Largest fleet simulated whose busiest second after the deployment stays under "
        f"{sc.quota:g} TPS**: no cache {largest_ok('no-cache', 'peak')}; seed per-name objects "
        f"{largest_ok('seed-params', 'peak')}; seed group {largest_ok('seed-group', 'peak')}; "
        f"ssm-cache without jitter {largest_ok('ours', 'peak')}; with jitter "
        f"{largest_ok('ours-jitter', 'peak')}; sidecar per host {largest_ok('sidecar', 'peak')}. "
        f"Largest whose mean stays under: no cache {largest_ok('no-cache', 'mean')}, seed "
        f"per-name {largest_ok('seed-params', 'mean')}, seed group "
        f"{largest_ok('seed-group', 'mean')}, ssm-cache with jitter "
        f"{largest_ok('ours-jitter', 'mean')}, sidecar {largest_ok('sidecar', 'mean')}.")
    out.append(
        f"4. **Beyond a few thousand instances, in-process caching alone is not enough.** The "
        f"mean grows as N x {b} / M: keep it under the quota with a longer max age (ssm-cache "
        "serves the last good value when a refresh is throttled, so a long M costs freshness, "
        f"not availability; M >= N x {b} / {sc.quota:g} s), fewer parameters (one JSON "
        "parameter instead of 50 is one call), a shared sidecar per host where hosts exist "
        f"(its cost is per host, not per instance: mean under the quota up to about "
        f"{sidecar_bound:,.0f} instances at {sc.per_host} per host), Secrets Manager for "
        "bundled values (GetSecretValue: 10,000 TPS), or Parameter Store's paid higher "
        "throughput setting.")
    r_shared = results[max(sizes)]["shared"]
    out.append(
        f"5. **A fleet-shared tier makes the cost per fleet** ([shared-cache.md]"
        f"(../shared-cache.md)): with the entries in Redis / Valkey, AWS sees {b} calls per "
        f"{REFRESH_AHEAD:g} x M whatever the fleet size, deployments included (the first "
        f"instance takes the lease, the others wait for its fetch). At N = {max(sizes):,}: "
        f"busiest second after the deployment {r_shared.deploy_peak:,}, in steady state "
        f"{r_shared.steady_peak:,}, mean {r_shared.mean:.2f} calls/s; largest fleet simulated "
        f"under the quota: {largest_ok('shared', 'peak')}.")
    out.append(
        "6. **Throttling will happen during deployments of large fleets**; what matters is "
        "what the application sees. ssm-cache retries with backoff and, once it holds a "
        "value, serves it while a refresh is throttled; the seed raises the throttling error "
        "into the handler.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
