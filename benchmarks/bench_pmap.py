"""pmap, functrans vs JAX in one run, on 8 simulated CPU devices: a data-parallel train
step (784-512-512-10 tanh MLP, softmax cross-entropy, global batch 1024 = 8 x 128,
gradients averaged with pmean, SGD update) and the per-call dispatch of a trivial pmap.

Every call is blocked on: XLA:CPU can deadlock when two collective programs over the
same simulated devices overlap (both libraries), and it keeps the comparison fair.

Run: .venv/bin/python benchmarks/bench_pmap.py
"""

from __future__ import annotations

import os
import sys

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import paired_median, print_results, result  # noqa: E402
from bench_train_step import init, make_loss  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

N = 8


def make_step(m_ft, m_np, m_lax):
    loss = make_loss(m_np)

    def step(params, x, onehot):
        value, grads = m_ft.value_and_grad(loss)(params, x, onehot)
        grads = m_lax.pmean(grads, "batch")
        new = m_ft.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)
        return new, m_lax.pmean(value, "batch")
    return m_ft.pmap(step, "batch")


def replicate(tree):
    return jax.tree_util.tree_map(lambda a: np.broadcast_to(a, (N,) + a.shape).copy(), tree)


def results() -> list[dict]:
    rng = np.random.default_rng(0)
    params = replicate(init(rng, [784, 512, 512, 10]))
    x = rng.standard_normal((N, 128, 784)).astype(np.float32)
    onehot = np.eye(10, dtype=np.float32)[rng.integers(0, 10, (N, 128))]
    ft_step, jx_step = make_step(ft, fnp, ft.lax), make_step(jax, jnp, jax.lax)
    (p1, l1), (p2, l2) = ft_step(params, x, onehot), jx_step(params, x, onehot)
    np.testing.assert_allclose(np.asarray(l1), np.asarray(l2), rtol=1e-4)
    np.testing.assert_allclose(np.asarray(p1[0][0]), np.asarray(p2[0][0]), rtol=1e-3, atol=1e-5)
    state = {"ft": ft_step(params, x, onehot)[0], "jax": jx_step(params, x, onehot)[0]}
    fxs = ft.pmap(lambda a, b: (a, b), "batch")(x, onehot)  # inputs placed on the devices
    jxs = jax.pmap(lambda a, b: (a, b), "batch")(x, onehot)

    def ours():
        state["ft"], loss = ft_step(state["ft"], *fxs)
        loss.block_until_ready()

    def theirs():
        state["jax"], loss = jx_step(state["jax"], *jxs)
        loss.block_until_ready()
    a, b, spread = paired_median(ours, theirs, number=5, rounds=7)
    rows = [result("pmap train step MLP 784-512-512-10, 8x128", a, b, spread, 1.05)]

    f_ft = ft.pmap(lambda v: v + 1.0, "i")
    f_jx = jax.pmap(lambda v: v + 1.0, "i")
    v = np.zeros((N, 4), np.float32)
    fv, jv = f_ft(v), f_jx(v)
    a, b, spread = paired_median(lambda: f_ft(fv).block_until_ready(),
                                 lambda: f_jx(jv).block_until_ready(), number=100, rounds=9)
    rows.append(result("pmap dispatch, trivial x+1 on 8 devices", a, b, spread, 1.0))
    return rows


def main():
    print_results(results())


if __name__ == "__main__":
    main()
