"""Timing helpers shared by the benchmark scripts: best-of-N per-call latency."""

from __future__ import annotations

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
