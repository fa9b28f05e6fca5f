"""CNN training step and random numbers, functrans vs JAX (ratios, one run).

- ``jit(value_and_grad(loss))`` of a CNN: two 3x3 conv layers (32 and 64 channels, NHWC,
  relu, 2x2 max pooling each), then a dense layer to 10 classes; batch 64 of 32x32x3
  images (target <= 1.05x).
- ``random.normal(key, (10**6,))`` under jit and eagerly (target <= 1.0x).

Run: .venv/bin/python benchmarks/bench_cnn.py
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
import functrans.random as fr  # noqa: E402
from functrans import lax as flax  # noqa: E402

DN = ("NHWC", "HWIO", "NHWC")


def make_loss(np_, lax):
    def block(h, w, b):
        h = lax.conv_general_dilated(h, w, (1, 1), "SAME", dimension_numbers=DN)
        h = np_.maximum(h + b, 0.0)
        return lax.reduce_window(h, -np_.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def loss(params, x, onehot):
        h = block(x, params["w1"], params["b1"])
        h = block(h, params["w2"], params["b2"])
        logits = h.reshape(h.shape[0], -1) @ params["wd"] + params["bd"]
        z = logits - np_.max(logits, axis=-1, keepdims=True)
        logp = z - np_.log(np_.sum(np_.exp(z), axis=-1, keepdims=True))
        return -np_.mean(np_.sum(logp * onehot, axis=-1))
    return loss


def init(rng):
    def he(*shape):
        fan_in = int(np.prod(shape[:-1]))
        return (rng.standard_normal(shape) * np.sqrt(2 / fan_in)).astype(np.float32)
    return {"w1": he(3, 3, 3, 32), "b1": np.zeros(32, np.float32),
            "w2": he(3, 3, 32, 64), "b2": np.zeros(64, np.float32),
            "wd": he(8 * 8 * 64, 10), "bd": np.zeros(10, np.float32)}


def bench_cnn():
    rng = np.random.default_rng(0)
    params = init(rng)
    x = rng.standard_normal((64, 32, 32, 3)).astype(np.float32)
    onehot = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
    f_step = ft.jit(ft.value_and_grad(make_loss(fnp, flax)))
    j_step = jax.jit(jax.value_and_grad(make_loss(jnp, jax.lax)))
    fp, jp = ft.device_put(params), jax.device_put(params)
    fx, jx = ft.device_put(x), jax.device_put(x)
    fy, jy = ft.device_put(onehot), jax.device_put(onehot)
    fv, fg = f_step(fp, fx, fy)
    jv, jg = j_step(jp, jx, jy)
    err = max(float(np.abs(np.asarray(fg[k]) - np.asarray(jg[k])).max()) for k in params)
    ours, theirs, spread = paired_median(lambda: ft.block_until_ready(f_step(fp, fx, fy)),
                                         lambda: jax.block_until_ready(j_step(jp, jx, jy)),
                                         number=5, rounds=7)
    return [result("CNN jit(value_and_grad) step, batch 64", ours, theirs, spread, 1.05,
                   note=f"loss {float(fv):.6f} vs {float(jv):.6f}, max |grad diff| {err:.1e}")]


def bench_normal():
    n = 10**6
    fk, jk = fr.PRNGKey(0), jax.random.PRNGKey(0)
    f_jit = ft.jit(lambda k: fr.normal(k, (n,)))
    j_jit = jax.jit(lambda k: jax.random.normal(k, (n,)))
    same = np.array_equal(np.asarray(f_jit(fk)), np.asarray(j_jit(jk)))
    rows = []
    ours, theirs, spread = paired_median(lambda: ft.block_until_ready(f_jit(fk)),
                                         lambda: jax.block_until_ready(j_jit(jk)),
                                         number=10, rounds=7)
    rows.append(result("random.normal 10^6, jit", ours, theirs, spread, 1.0,
                       note=f"bit-identical to JAX: {same}"))
    ours, theirs, spread = paired_median(lambda: ft.block_until_ready(fr.normal(fk, (n,))),
                                         lambda: jax.block_until_ready(
                                             jax.random.normal(jk, (n,))),
                                         number=3, rounds=7)
    rows.append(result("random.normal 10^6, eager", ours, theirs, spread, 1.0))
    return rows


def results() -> list[dict]:
    return bench_cnn() + bench_normal()


def main():
    print(f"# backend: {jax.default_backend()}")
    print_results(results())


if __name__ == "__main__":
    main()
