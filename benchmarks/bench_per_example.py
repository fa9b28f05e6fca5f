"""Per-example gradients: ``jit(vmap(grad(loss)))`` of a 784-256-10 MLP, batch 64 and 256.

Compares functrans with JAX on the same program (ratio), and with a Python loop of
per-example ``jit(grad)`` calls. Also checks the results agree. On a CPU the vmapped
version is memory-bound: it materializes a (batch, 784, 256) gradient, which the loop
never holds at once (JAX shows the same).

Run: .venv/bin/python benchmarks/bench_per_example.py
Target (issue 14): batch 256 <= 0.7x JAX.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import fmt, paired_median, per_call, print_results, result  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def make_loss(np_, nn_tanh):
    def loss(params, x, y):
        h = nn_tanh(x @ params["w1"] + params["b1"])
        logits = h @ params["w2"] + params["b2"]
        return np_.sum((logits - y) ** 2)
    return loss


def init(rng):
    def dense(n_in, n_out):
        return (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
    return {"w1": dense(784, 256), "b1": np.zeros(256, np.float32),
            "w2": dense(256, 10), "b2": np.zeros(10, np.float32)}


def block(tree):
    for leaf in jax.tree_util.tree_leaves(tree):
        leaf.block_until_ready()
    return tree


def check_close(ours, theirs):
    for a, b in zip(jax.tree_util.tree_leaves(ours), jax.tree_util.tree_leaves(theirs),
                    strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-4, atol=2e-4)


def results(batches=(64, 256), loop: bool = False) -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    rng = np.random.default_rng(0)
    params = init(rng)
    ft_loss, jx_loss = make_loss(fnp, fnp.tanh), make_loss(jnp, jnp.tanh)
    ft_pe = ft.jit(ft.vmap(ft.grad(ft_loss), in_axes=(None, 0, 0)))
    jx_pe = jax.jit(jax.vmap(jax.grad(jx_loss), in_axes=(None, 0, 0)))
    ft_params, jx_params = ft.device_put(params), jax.device_put(params)
    out = []
    for batch in batches:
        x = rng.standard_normal((batch, 784)).astype(np.float32)
        y = rng.standard_normal((batch, 10)).astype(np.float32)
        fx, fy, jxx, jy = ft.device_put((x, y)) + jax.device_put((x, y))
        check_close(block(ft_pe(ft_params, fx, fy)), block(jx_pe(jx_params, jxx, jy)))
        ours, theirs, spread = paired_median(
            lambda: block(ft_pe(ft_params, fx, fy)),  # noqa: B023
            lambda: block(jx_pe(jx_params, jxx, jy)), 10 if batch == 64 else 3, 7)  # noqa: B023
        out.append(result(f"jit(vmap(grad)) MLP 784-256-10, batch {batch}", ours, theirs,
                          spread, 0.7 if batch == 256 else None))
        if loop:
            _print_loop(ft_loss, ft_params, x, y, ours)
    return out


def _print_loop(ft_loss, ft_params, x, y, ours) -> None:
    ft_one = ft.jit(ft.grad(ft_loss))
    xs = [ft.device_put(row) for row in x]
    ys = [ft.device_put(row) for row in y]

    def loop():
        return block([ft_one(ft_params, a, b) for a, b in zip(xs, ys, strict=True)])
    loop_t = per_call(loop, 2, 3)
    print(f"  Python loop of jit(grad), batch {len(x)}: functrans {fmt(loop_t)}   "
          f"vmap speedup {loop_t / ours:6.1f}x")


def main() -> None:
    print_results(results(loop=True))


if __name__ == "__main__":
    main()
