"""Control flow, functrans vs JAX (ratios):

(a) ``jit(value_and_grad)`` of an Elman RNN written with ``lax.scan`` (hidden 256, 100
    steps, batch 32), per call;
(b) the first call (trace + compile + run) of ``jit`` of a scan of length 10 and of
    length 10,000: one loop is compiled either way, so the two should be about equal;
(c) a Newton solver for sqrt written with ``lax.while_loop``, under ``jit`` and under
    ``jit(vmap)`` (batch 1024: the batched predicate runs until every element is done).

Run: .venv/bin/python benchmarks/bench_control_flow.py
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
from functrans import lax as flax  # noqa: E402

HIDDEN, STEPS, BATCH, IN = 256, 100, 32, 64


def make_rnn_loss(np_, lax_):
    def loss(params, xs, target):
        wx, wh, b, wo = params

        def step(h, x):
            h = np_.tanh(x @ wx + h @ wh + b)
            return h, h @ wo

        h0 = np_.zeros((xs.shape[1], wh.shape[0]), xs.dtype)
        _, ys = lax_.scan(step, h0, xs)
        return np_.mean((ys - target) ** 2)
    return loss


def bench_rnn(rng):
    params = [(rng.standard_normal((IN, HIDDEN)) / np.sqrt(IN)).astype(np.float32),
              (rng.standard_normal((HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)).astype(np.float32),
              np.zeros(HIDDEN, np.float32),
              (rng.standard_normal((HIDDEN, 1)) / np.sqrt(HIDDEN)).astype(np.float32)]
    xs = rng.standard_normal((STEPS, BATCH, IN)).astype(np.float32)
    target = rng.standard_normal((STEPS, BATCH, 1)).astype(np.float32)
    ft_step = ft.jit(ft.value_and_grad(make_rnn_loss(fnp, flax)))
    jx_step = jax.jit(jax.value_and_grad(make_rnn_loss(jnp, jax.lax)))
    (l1, g1), (l2, g2) = ft_step(params, xs, target), jx_step(params, xs, target)
    np.testing.assert_allclose(np.asarray(l1), np.asarray(l2), rtol=1e-4)
    for a, b in zip(g1, g2, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-3, atol=1e-5)
    fargs, jargs = ft.device_put((params, xs, target)), jax.device_put((params, xs, target))
    ours, theirs, spread = paired_median(lambda: ft.block_until_ready(ft_step(*fargs)),
                                         lambda: jax.block_until_ready(jx_step(*jargs)),
                                         number=10, rounds=9)
    return [result(f"(a) jit(value_and_grad) Elman RNN h={HIDDEN} T={STEPS} b={BATCH}", ours,
                   theirs, spread, 1.05)]


def scan_program(np_, lax_):
    def f(c0, xs):
        def step(c, x):
            c = np_.tanh(c * 0.9 + np_.sin(x) @ np_.ones((8, 8), x.dtype))
            return c, np_.sum(c)
        return lax_.scan(step, c0, xs)
    return f


def bench_first_call():
    warm = np.ones(3, np.float32)  # load both compilers before timing anything
    ft.block_until_ready(ft.jit(lambda x: fnp.sin(x))(warm))
    jax.block_until_ready(jax.jit(lambda x: jnp.sin(x))(warm))
    times, rows = {}, []
    for n in (10, 10_000):
        xs = np.ones((n, 8), np.float32)
        c0 = np.zeros(8, np.float32)
        # a fresh function object each call (nothing cached); median of 5 interleaved
        ours, theirs, spread = paired_median(
            lambda: ft.block_until_ready(ft.jit(scan_program(fnp, flax))(c0, xs)),
            lambda: jax.block_until_ready(jax.jit(scan_program(jnp, jax.lax))(c0, xs)),
            number=1, rounds=5, warmup=0)
        times[n] = ours
        rows.append(result(f"(b) first call jit(scan), length {n}", ours, theirs, spread, 1.0))
    rows[-1]["note"] = (f"functrans length 10,000 / length 10: {times[10_000] / times[10]:.2f}x"
                        " (target within 1.5x)")
    return rows


def newton_sqrt(np_, lax_):
    def solve(a):
        def body(c):
            i, x = c
            return i + 1, 0.5 * (x + a / x)

        def cond(c):
            i, x = c
            return (i < 50) & (np_.abs(x * x - a) > 1e-6 * a)
        return lax_.while_loop(cond, body, (0, a + 1.0))[1]
    return solve


def bench_newton(rng):
    a = np.float32(7.0)
    batch = (rng.random(1024) * 100 + 0.01).astype(np.float32)
    cases = [("(c) jit(while_loop) Newton sqrt, scalar", ft.jit(newton_sqrt(fnp, flax)),
              jax.jit(newton_sqrt(jnp, jax.lax)), a),
             ("(c) jit(vmap(while_loop)) Newton sqrt, b=1024",
              ft.jit(ft.vmap(newton_sqrt(fnp, flax))),
              jax.jit(jax.vmap(newton_sqrt(jnp, jax.lax))), batch)]
    rows = []
    for name, fo, fj, arg in cases:
        np.testing.assert_allclose(np.asarray(fo(arg)), np.asarray(fj(arg)), rtol=1e-5)
        fa, ja = ft.device_put(arg), jax.device_put(arg)
        ours, theirs, spread = paired_median(
            lambda fo=fo, fa=fa: ft.block_until_ready(fo(fa)),
            lambda fj=fj, ja=ja: jax.block_until_ready(fj(ja)), number=100, rounds=7)
        rows.append(result(name, ours, theirs, spread))
    return rows


def results() -> list[dict]:
    rng = np.random.default_rng(0)
    return bench_first_call() + bench_rnn(rng) + bench_newton(rng)


def main():
    print_results(results())


if __name__ == "__main__":
    main()
