"""Eager ``functrans.numpy`` per-op latency vs JAX (no jit), on the CPU.

Single ops on small float32 arrays (100 elements, or 10x10): elementwise (target
<= 0.3x JAX), reductions, ``.at[].set/add``, indexing and concatenate (target <= 0.5x
JAX), plus a 20-op elementwise expression on 1,000 elements. Each figure is the median
of interleaved rounds (functrans and JAX alternate), with the spread of the ratio; the
note gives NumPy's own time for the same op (the floor for an eager NumPy backend).

    python benchmarks/bench_numpy_eager.py
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import calibrate, paired_median, print_results, result  # noqa: E402

import functrans.numpy as fnp  # noqa: E402


def expr20(m, x):
    """20 elementwise ops."""
    y = m.sin(x) * 2.0 + 1.0
    y = m.exp(-y * y) - m.cos(x) / 3.0
    y = m.maximum(y, 0.1) * x + m.tanh(y)
    y = m.sqrt(m.abs(y) + 1.0) - m.minimum(x, y) * 0.5
    return m.where(y > 0.0, y, -y) + m.log(m.abs(x) + 2.0)


def np_at(x, i, v, add=False):
    x = x.copy()
    if add:
        x[i] += v
    else:
        x[i] = v
    return x


def workloads():
    """(name, target, functrans fn, jax fn, numpy fn) per workload; fns take (m, x, y)."""
    return [
        ("eager x + y, f32[100]", 0.3, lambda m, x, y: x + x),
        ("eager x * 2.0, f32[100]", 0.3, lambda m, x, y: x * 2.0),
        ("eager sin(x), f32[100]", 0.3, lambda m, x, y: m.sin(x)),
        ("eager 20-op expression, f32[1000]", None, None),
        ("eager x.sum(), f32[100]", 0.5, lambda m, x, y: x.sum()),
        ("eager y.sum(axis=0), f32[10,10]", 0.5, lambda m, x, y: y.sum(axis=0)),
        ("eager x.max(), f32[100]", 0.5, lambda m, x, y: x.max()),
        ("eager x.at[17].set(3.0), f32[100]", 0.5, "set"),
        ("eager x.at[17].add(3.0), f32[100]", 0.5, "add"),
        ("eager x[17], f32[100]", 0.5, lambda m, x, y: x[17]),
        ("eager x[1:3], f32[100]", 0.5, lambda m, x, y: x[1:3]),
        ("eager y[2, 3:7], f32[10,10]", 0.5, lambda m, x, y: y[2, 3:7]),
        ("eager concatenate([x, x]), f32[100]", 0.5,
         lambda m, x, y: m.concatenate([x, x])),
    ]


def _block(out):
    if hasattr(out, "block_until_ready"):
        out.block_until_ready()
    return out


def _numpy_time(fn, number, rounds=7):
    """NumPy's own per-call time: the best of ``rounds`` (a floor, for the note)."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def results() -> list[dict]:
    rng = np.random.default_rng(0)
    xn = rng.standard_normal(100).astype(np.float32)
    yn = rng.standard_normal((10, 10)).astype(np.float32)
    zn = rng.standard_normal(1000).astype(np.float32)
    frames = {fnp: (fnp.asarray(xn), fnp.asarray(yn), fnp.asarray(zn)),
              jnp: (jnp.asarray(xn), jnp.asarray(yn), jnp.asarray(zn)),
              np: (xn, yn, zn)}
    rows = []
    for name, target, fn in workloads():
        calls = {}
        for m, (x, y, z) in frames.items():
            if fn is None:
                calls[m] = lambda m=m, z=z: expr20(m, z)
            elif isinstance(fn, str):
                add = fn == "add"
                calls[m] = ((lambda x=x, a=add: np_at(x, 17, 3.0, a)) if m is np else
                            (lambda x=x: x.at[17].add(3.0)) if add else
                            (lambda x=x: x.at[17].set(3.0)))
            else:
                calls[m] = lambda m=m, x=x, y=y: fn(m, x, y)
        np.testing.assert_allclose(np.asarray(calls[fnp]()), np.asarray(calls[jnp]()),
                                   rtol=1e-5, atol=1e-6)
        jax_call = lambda c=calls[jnp]: _block(c())  # noqa: E731
        number = min(calibrate(calls[fnp]), calibrate(jax_call))
        ours, theirs, spread = paired_median(calls[fnp], jax_call, number=number, rounds=41)
        t_np = _numpy_time(calls[np], number)
        note = f"NumPy {t_np * 1e6:.1f} us"
        if "sin" in name:  # eager computes narrow-float transcendentals in float64
            t64 = _numpy_time(lambda: np.sin(xn.astype(np.float64)).astype(np.float32),
                              number)
            note += (f"; NumPy in float64 and rounded (what eager computes, for accuracy) "
                     f"{t64 * 1e6:.1f} us = {t64 / theirs:.2f}x JAX, the floor of this ratio")
        rows.append(result(name, ours, theirs, spread, target, note=note))
    return rows


def main():
    print(f"# jax {jax.__version__}, numpy {np.__version__}; eager, median per call")
    print_results(results())


if __name__ == "__main__":
    main()
