"""Dispatch latency: cached jit calls of a tiny function (positional arrays, a 7-leaf
pytree argument, a static argument plus keyword arguments) and eager ops.

Run: .venv/bin/python benchmarks/bench_dispatch.py
Targets (issue 14): cached jit dispatch <= 0.9x JAX's latency with positional arrays,
<= 1.0x with a pytree argument and with static/keyword arguments; (issue 2) an eager
op <= 0.5x JAX's.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import paired_median, print_results, result  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans import lax  # noqa: E402

NUMBER, ROUNDS = 2000, 9


def _tree_fn(m):
    def f(p):
        return (m.sin(p["a"]) + p["b"] * p["c"] - p["d"][0] + p["d"][1] * p["e"]
                + p["f"] - p["g"])
    return f


def _static_fn(lax_):
    def f(x, n, *, scale, shift):
        for _ in range(n):
            x = lax_.sin(x)
        return x * scale + shift
    return f


def _timed(name, ours, theirs, target, number=NUMBER):
    ours(), theirs()
    a, b, spread = paired_median(ours, theirs, number, ROUNDS)
    return result(name, a, b, spread, target)


def jit_results() -> list[dict]:
    """The cached-jit-dispatch workloads."""
    x_np = np.linspace(-1, 1, 8, dtype=np.float32)
    x, jx = ft.device_put(x_np), jax.device_put(x_np)
    out = []
    f = ft.jit(lambda x: lax.sin(x) * 2.0 + 1.0)
    jf = jax.jit(lambda x: jax.lax.sin(x) * 2.0 + 1.0)
    out.append(_timed("cached jit call, positional f32[8]", lambda: f(x), lambda: jf(jx), 0.9))

    tree = {"a": x_np, "b": x_np + 1, "c": x_np * 2, "d": (x_np - 1, x_np * 3), "e": x_np,
            "f": x_np + 2}
    tree["g"] = x_np - 3
    ft_tree, jx_tree = ft.device_put(tree), jax.device_put(tree)
    g, jg = ft.jit(_tree_fn(fnp)), jax.jit(_tree_fn(jnp))
    out.append(_timed("cached jit call, 7-leaf pytree argument", lambda: g(ft_tree),
                      lambda: jg(jx_tree), 1.0))

    h = ft.jit(_static_fn(lax), static_argnums=1)
    jh = jax.jit(_static_fn(jax.lax), static_argnums=1)
    out.append(_timed("cached jit call, static arg + 2 keyword arrays",
                      lambda: h(x, 2, scale=x, shift=x), lambda: jh(jx, 2, scale=jx, shift=jx),
                      1.0))
    return out


def eager_results() -> list[dict]:
    """Eager single-op latency (no jit)."""
    x_np = np.linspace(-1, 1, 8, dtype=np.float32)
    xe, jxe = fnp.asarray(x_np), jnp.asarray(x_np)
    return [
        _timed("eager lax.sin, f32[8]", lambda: lax.sin(xe), lambda: jax.lax.sin(jxe), 0.5),
        _timed("eager x * y (numpy namespace), f32[8]", lambda: xe * xe, lambda: jxe * jxe,
               0.5),
        _timed("eager fnp.sum, f32[8]", lambda: fnp.sum(xe), lambda: jnp.sum(jxe), 0.5),
    ]


def results() -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    return jit_results() + eager_results()


def main() -> None:
    print_results(results())


if __name__ == "__main__":
    main()
