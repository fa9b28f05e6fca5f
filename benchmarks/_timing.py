"""Timing helpers shared by the benchmark scripts.

Every ``bench_*.py`` exposes ``results() -> list[dict]``, one dict per workload with keys
``workload`` (str), ``ours`` and ``jax`` (median seconds per call, from
``paired_median``'s interleaved rounds), ``spread`` (str like "±3%"), ``target`` (the
functrans/JAX ratio to meet, or None) and optionally ``note`` (str); ``result`` builds
one, ``print_results`` prints them (each script's ``main()``).
"""

from __future__ import annotations

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


def paired_median(ours: Callable[[], object], theirs: Callable[[], object], number: int = 100,
                  rounds: int = 9) -> tuple[float, float, str]:
    """``(median_ours, median_jax, spread)``: per-call seconds of two functions, each the
    median over ``rounds`` interleaved rounds of ``number`` calls (so drift in the
    machine's load affects both alike). ``spread`` is half the interquartile range of
    the per-round ratios, relative to their median, as a string like ``"±3%"``."""
    for _ in range(2):
        ours(), theirs()
    times_a, times_b = [], []
    for _ in range(rounds):
        for fn, times in ((ours, times_a), (theirs, times_b)):
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - t0) / number)
    ratios = sorted(a / b for a, b in zip(times_a, times_b, strict=True))
    q1, q3 = _quantile(ratios, 0.25), _quantile(ratios, 0.75)
    spread = 50 * (q3 - q1) / _quantile(ratios, 0.5)
    return statistics.median(times_a), statistics.median(times_b), f"±{spread:.0f}%"


def _quantile(sorted_values: list[float], q: float) -> float:
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def result(workload: str, ours: float, theirs: float, spread: str, target: float | None,
           note: str = "") -> dict:
    """One entry of a benchmark script's ``results()`` list (the shared interface)."""
    out = {"workload": workload, "ours": ours, "jax": theirs, "spread": spread,
           "target": target}
    if note:
        out["note"] = note
    return out


def print_results(results: list[dict]) -> None:
    """Prints ``results()`` entries, one line each: times, ratio, target and whether met."""
    for r in results:
        ratio = r["ours"] / r["jax"]
        target = r["target"]
        met = "" if target is None else ("  met" if ratio <= target else "  MISSED")
        line = (f"{r['workload']:<52} functrans {fmt(r['ours'])}   jax {fmt(r['jax'])}   "
                f"ratio {ratio:5.2f}x {r['spread']:>5}")
        line += f"   (target <= {target}x{met})" if target is not None else ""
        print(line + (f"   {r['note']}" if r.get("note") else ""))
