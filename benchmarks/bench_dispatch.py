"""Dispatch latency: a cached jit call of a tiny function, and eager ops.

Run: .venv/bin/python benchmarks/bench_dispatch.py
Targets (issue 2): cached jit dispatch <= 1.5x JAX's latency; eager op <= 0.5x JAX's.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import per_call, row  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans import lax  # noqa: E402


def main() -> None:
    x_np = np.linspace(-1, 1, 8, dtype=np.float32)
    x, jx = ft.device_put(x_np), jax.device_put(x_np)

    f = ft.jit(lambda x: lax.sin(x) * 2.0 + 1.0)
    jf = jax.jit(lambda x: jax.lax.sin(x) * 2.0 + 1.0)
    f(x).block_until_ready(), jf(jx).block_until_ready()
    print(row("cached jit call, f32[8]", per_call(lambda: f(x), 5000),
              per_call(lambda: jf(jx), 5000), "<= 1.5x"))

    xe, jxe = fnp.asarray(x_np), jnp.asarray(x_np)
    print(row("eager lax.sin, f32[8]", per_call(lambda: lax.sin(xe), 5000),
              per_call(lambda: jax.lax.sin(jxe), 5000), "<= 0.5x"))
    print(row("eager x * y (numpy namespace), f32[8]", per_call(lambda: xe * xe, 5000),
              per_call(lambda: jxe * jxe, 5000), "<= 0.5x"))
    print(row("eager fnp.sum, f32[8]", per_call(lambda: fnp.sum(xe), 5000),
              per_call(lambda: jnp.sum(jxe), 5000), "<= 0.5x"))


if __name__ == "__main__":
    main()
