"""Tracing and compile latency, and compiled compute, functrans vs JAX.

Run: .venv/bin/python benchmarks/bench_trace.py
Targets (issue 2): make_jaxpr faster than JAX's; jitted compute within 1.1x of JAX.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import once, paired, per_call, row  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def mlp(np_, params, x):
    for w, b in params[:-1]:
        x = np_.tanh(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def make_params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((a, b)).astype(np.float32) / np.sqrt(a),
             np.zeros(b, np.float32)) for a, b in zip(sizes, sizes[1:], strict=False)]


def main() -> None:
    deep = make_params([32] * 51)
    x32 = np.ones((8, 32), np.float32)
    print(row("make_jaxpr, 50-layer MLP forward",
              per_call(lambda: ft.make_jaxpr(lambda p, x: mlp(fnp, p, x))(deep, x32), 5, 5),
              per_call(lambda: jax.make_jaxpr(lambda p, x: mlp(jnp, p, x))(deep, x32), 5, 5),
              "< 1x"))

    ten = make_params([32] * 11)
    ours = min(once(lambda: ft.jit(lambda p, x: mlp(fnp, p, x))(ten, x32).block_until_ready())
               for _ in range(3))
    theirs = min(once(lambda: jax.jit(lambda p, x: mlp(jnp, p, x))(ten, x32).block_until_ready())
                 for _ in range(3))
    print(row("first call (trace+lower+compile), 10 layers", ours, theirs))

    big = make_params([784, 512, 512, 10])
    xb = np.random.default_rng(1).standard_normal((128, 784)).astype(np.float32)
    fp, fx = ft.device_put(big), ft.device_put(xb)
    jp, jxb = jax.device_put(big), jax.device_put(xb)
    f = ft.jit(lambda p, x: mlp(fnp, p, x))
    jf = jax.jit(lambda p, x: mlp(jnp, p, x))
    ours, theirs = paired(lambda: f(fp, fx).block_until_ready(),
                          lambda: jf(jp, jxb).block_until_ready(), number=50, repeat=15)
    print(row("jitted 784-512-512-10 MLP forward, batch 128", ours, theirs, "<= 1.1x"))


if __name__ == "__main__":
    main()
