"""Tracing and compile latency, and compiled compute, functrans vs JAX.

Run: .venv/bin/python benchmarks/bench_trace.py
Targets (issue 2): make_jaxpr faster than JAX's; jitted compute within 1.1x of JAX.
(issue 14): make_jaxpr of the gradient of a 50-layer MLP <= 0.3x JAX's.
"""

from __future__ import annotations

import os
import statistics
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import once, paired_median, print_results, result  # noqa: E402

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


def _loss(np_):
    def loss(params, x):
        return np_.sum(mlp(np_, params, x) ** 2)
    return loss


def _fresh_first_calls(ft_fn, jx_fn, rounds: int = 5) -> tuple[float, float, str]:
    """Median first-call seconds of freshly made jitted functions (interleaved rounds):
    ``ft_fn()`` / ``jx_fn()`` each build a new function, jit it and call it once."""
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(once(ft_fn))
        theirs.append(once(jx_fn))
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    spread = 50 * (ratios[(3 * rounds) // 4] - ratios[rounds // 4]) / ratios[rounds // 2]
    return statistics.median(ours), statistics.median(theirs), f"±{spread:.0f}%"


def results() -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    out = []
    deep = make_params([32] * 51)
    x32 = np.ones((8, 32), np.float32)
    ours, theirs, spread = paired_median(
        lambda: ft.make_jaxpr(lambda p, x: mlp(fnp, p, x))(deep, x32),
        lambda: jax.make_jaxpr(lambda p, x: mlp(jnp, p, x))(deep, x32), 3, 7)
    out.append(result("make_jaxpr, 50-layer MLP forward", ours, theirs, spread, 1.0))
    ours, theirs, spread = paired_median(
        lambda: ft.make_jaxpr(ft.grad(_loss(fnp)))(deep, x32),
        lambda: jax.make_jaxpr(jax.grad(_loss(jnp)))(deep, x32), 2, 7)
    out.append(result("make_jaxpr of grad, 50-layer MLP", ours, theirs, spread, 0.3))

    ten = make_params([32] * 11)
    ours, theirs, spread = _fresh_first_calls(
        lambda: ft.jit(lambda p, x: mlp(fnp, p, x))(ten, x32).block_until_ready(),
        lambda: jax.jit(lambda p, x: mlp(jnp, p, x))(ten, x32).block_until_ready())
    out.append(result("first call (trace+lower+compile), 10-layer forward", ours, theirs,
                      spread, None))

    big = make_params([784, 512, 512, 10])
    xb = np.random.default_rng(1).standard_normal((128, 784)).astype(np.float32)
    fp, fx = ft.device_put(big), ft.device_put(xb)
    jp, jxb = jax.device_put(big), jax.device_put(xb)
    f = ft.jit(lambda p, x: mlp(fnp, p, x))
    jf = jax.jit(lambda p, x: mlp(jnp, p, x))
    ours, theirs, spread = paired_median(lambda: f(fp, fx).block_until_ready(),
                                         lambda: jf(jp, jxb).block_until_ready(), 30, 9)
    out.append(result("jitted 784-512-512-10 MLP forward, batch 128", ours, theirs, spread,
                      1.1))
    return out


def main() -> None:
    print_results(results())


if __name__ == "__main__":
    main()
