"""Eager ``functrans.numpy`` per-call latency vs JAX and NumPy.

Two programs, run eagerly (no jit) on the CPU: a 20-op elementwise expression on
1,000 float32 elements, and an indexing update ``x.at[i].set(v)``. Prints the
median per-call time of each framework and the ratios.

    python benchmarks/bench_numpy_eager.py
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import functrans.numpy as fnp  # noqa: E402


def expr20(m, x):
    """20 elementwise ops."""
    y = m.sin(x) * 2.0 + 1.0
    y = m.exp(-y * y) - m.cos(x) / 3.0
    y = m.maximum(y, 0.1) * x + m.tanh(y)
    y = m.sqrt(m.abs(y) + 1.0) - m.minimum(x, y) * 0.5
    return m.where(y > 0.0, y, -y) + m.log(m.abs(x) + 2.0)


def at_set(x, i, v):
    return x.at[i].set(v)


def np_at_set(x, i, v):
    x = x.copy()
    x[i] = v
    return x


def bench(fn, *args, n=300):
    fn(*args)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn(*args)
        if hasattr(out, "block_until_ready"):
            out.block_until_ready()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main():
    xn = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
    xf, xj = fnp.asarray(xn), jnp.asarray(xn)
    rows = {
        "20-op expression": (bench(lambda: expr20(fnp, xf)), bench(lambda: expr20(jnp, xj)),
                             bench(lambda: expr20(np, xn))),
        "x.at[i].set(v)": (bench(lambda: at_set(xf, 17, 3.0)),
                           bench(lambda: at_set(xj, 17, 3.0)),
                           bench(lambda: np_at_set(xn, 17, 3.0))),
    }
    print(f"jax {jax.__version__}, numpy {np.__version__}; median per call")
    print(f"{'program':<20}{'functrans':>12}{'jax':>12}{'numpy':>12}{'jax/ft':>9}{'ft/np':>9}")
    for name, (t_ft, t_jax, t_np) in rows.items():
        print(f"{name:<20}{t_ft * 1e6:>10.1f}us{t_jax * 1e6:>10.1f}us{t_np * 1e6:>10.1f}us"
              f"{t_jax / t_ft:>9.2f}{t_ft / t_np:>9.2f}")


if __name__ == "__main__":
    main()
