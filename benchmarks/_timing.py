"""Timing helpers shared by the benchmark scripts: interleaved paired medians (the
results interface of `make bench`), best-of-N per-call latency."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def per_call(fn: Callable[[], object], number: int = 1000, repeat: int = 7,
             warmup: int = 3) -> float:
    """Best-of-``repeat`` mean seconds per call over ``number`` calls."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def paired(ours: Callable[[], object], theirs: Callable[[], object], number: int = 100,
           repeat: int = 9) -> tuple[float, float]:
    """Best-of-``repeat`` per-call seconds of two functions, measured in alternating rounds
    so that drift in the machine's load affects both alike."""
    for _ in range(3):
        ours(), theirs()
    best_a = best_b = float("inf")
    for _ in range(repeat):
        for fn, which in ((ours, 0), (theirs, 1)):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            dt = (time.perf_counter() - t0) / number
            if which == 0:
                best_a = min(best_a, dt)
            else:
                best_b = min(best_b, dt)
    return best_a, best_b


def once(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "


def row(name: str, ours: float, theirs: float, target: str = "") -> str:
    ratio = ours / theirs
    line = f"{name:<44} functrans {fmt(ours)}   jax {fmt(theirs)}   ratio {ratio:5.2f}x"
    return line + (f"   (target {target})" if target else "")


# ---- the shared results interface (``make bench`` / benchmarks/run_all.py) -------------
# Every benchmarks/bench_*.py exposes ``results() -> list[dict]``, one dict per workload:
#   workload (str), ours (median seconds, functrans), jax (median seconds, JAX; None when
#   there is no JAX figure), spread (str, e.g. "±3%"), target (ratio ours/jax to reach, or
#   None), note (optional str); optionally unit ("s" by default; "MiB" for memory figures)
#   and met (bool, for rows whose target is not a ratio). ``main()`` prints them.

def paired_median(ours: Callable[[], object], theirs: Callable[[], object], number: int = 100,
                  rounds: int = 9, warmup: int = 2) -> tuple[float, float, str]:
    """Median per-call seconds of two functions over ``rounds`` interleaved rounds of
    ``number`` calls each (the order alternates every round, so load drift and cache
    effects hit both alike), and the spread of their ratio: half the interquartile range
    of the per-round ratios, relative to the median ratio (``"±3%"``). Wall-clock time,
    or this thread's CPU time with ``BENCH_CLOCK=thread`` (see ``bench_clock``)."""
    clock = bench_clock()
    for _ in range(warmup):
        ours(), theirs()
    a, b = [], []
    for r in range(rounds):
        pair = ((ours, a), (theirs, b)) if r % 2 == 0 else ((theirs, b), (ours, a))
        for fn, store in pair:
            t0 = clock()
            for _ in range(number):
                fn()
            store.append((clock() - t0) / number)
    return statistics.median(a), statistics.median(b), ratio_spread(a, b)


def bench_clock() -> Callable[[], float]:
    """``time.perf_counter``, or ``time.thread_time`` when the environment sets
    ``BENCH_CLOCK=thread``: on a machine shared with other jobs, the calling thread's CPU
    time leaves out the time it waited to be scheduled (but also any work done on other
    threads, so use it for latency-bound workloads whose work is on the calling thread,
    such as dispatch, and compare ratios rather than absolute times)."""
    return time.thread_time if os.environ.get("BENCH_CLOCK") == "thread" else time.perf_counter


def calibrate(fn: Callable[[], object], seconds: float = 0.002) -> int:
    """How many calls of ``fn`` take about ``seconds`` (at least 1): the ``number`` for a
    round of ``paired_median`` short enough that many rounds fit."""
    fn()
    t0 = time.perf_counter()
    fn()
    dt = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(seconds / dt))


def ratio_spread(ours: list[float], theirs: list[float]) -> str:
    """Half the interquartile range of the per-round ratios over their median, as "±N%"."""
    ratios = sorted(x / y for x, y in zip(ours, theirs, strict=True))
    if len(ratios) < 2:
        return "n/a"
    q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    return f"±{50 * (q3 - q1) / statistics.median(ratios):.0f}%"


def result(workload: str, ours: float, jax: float | None, spread: str,
           target: float | None = None, note: str | None = None, **extra) -> dict:
    """One row of a benchmark's ``results()``."""
    return {"workload": workload, "ours": ours, "jax": jax, "spread": spread,
            "target": target, "note": note, **extra}


def met(r: dict) -> bool | None:
    """Whether a row meets its target (None when it has none)."""
    if "met" in r:
        return r["met"]
    if r.get("target") is None or r.get("jax") in (None, 0):
        return None
    return r["ours"] / r["jax"] <= r["target"]


def fmt_value(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    return f"{value:.1f} {unit}" if unit != "s" else fmt(value).strip()


def print_results(rows: list[dict]) -> None:
    """The rows as aligned text lines (what each benchmark's ``main()`` prints)."""
    for r in rows:
        unit = r.get("unit", "s")
        ratio = f"{r['ours'] / r['jax']:5.2f}x" if r.get("jax") else "   -  "
        target = f" target <= {r['target']}x" if r.get("target") is not None else ""
        ok = {True: " met", False: " MISSED", None: ""}[met(r)]
        note = f"  ({r['note']})" if r.get("note") else ""
        print(f"{r['workload']:<48} functrans {fmt_value(r['ours'], unit):>10}   jax "
              f"{fmt_value(r.get('jax'), unit):>10}   ratio {ratio} {r['spread']:>5}"
              f"{target}{ok}{note}")
