"""Compiled-program parity in CPU time, which a loaded machine distorts less than wall time:
the closed-over-MLP grad and HVP executables run alone (``execute_sharded`` on the same
input buffers, no dispatch), XLA's compile of a 50-layer MLP grad module alone, and the
whole first call of a freshly jitted grad (trace + lower + compile + run).

CPU time is ``time.process_time`` (all threads of the process). XLA's intra-op threads
spin while they wait, so for the quietest figures run on one core with one XLA thread:

    XLA_FLAGS=--xla_cpu_multi_thread_eigen=false taskset -c 1 \
        .venv/bin/python benchmarks/bench_compile.py

Targets (issue 14): the executables <= 1.0x JAX's; the first call <= 0.7x JAX's.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _timing import print_results, ratio_spread, result  # noqa: E402
from bench_hvp import make_mlp_loss  # noqa: E402
from bench_train_step import init, make_loss  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans.xla_lowering import runtime  # noqa: E402


def _cpu_paired(ours, theirs, number: int, rounds: int, prepare: bool = False):
    """Median CPU seconds per call of two functions in alternating rounds, and the spread
    of their ratio. With ``prepare``, each function returns the thunk to time (set-up,
    such as lowering a fresh module, is not counted)."""
    a, b = [], []
    for r in range(rounds + 1):
        pair = ((ours, a), (theirs, b)) if r % 2 == 0 else ((theirs, b), (ours, a))
        for fn, store in pair:
            thunk = fn() if prepare else fn
            c0 = time.process_time()
            for _ in range(number):
                thunk()
            if r:  # the first round warms up
                store.append((time.process_time() - c0) / number)
    return statistics.median(a), statistics.median(b), ratio_spread(a, b)


def _executables(n: int, which: str):
    """(ours, theirs): thunks running the two compiled executables alone."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 256)).astype(np.float32)
    y = rng.standard_normal((128, 10)).astype(np.float32)
    hidden = n // (256 + 1 + 10)
    ft_loss, n_params = make_mlp_loss(fnp, ft.device_put(x), ft.device_put(y), hidden)
    jx_loss, _ = make_mlp_loss(jnp, jax.device_put(x), jax.device_put(y), hidden)
    theta = (rng.standard_normal(n_params) * 0.05).astype(np.float32)
    v = rng.standard_normal(n_params).astype(np.float32)
    if which == "grad":
        ours_f, theirs_f = ft.jit(ft.grad(ft_loss)), jax.jit(jax.grad(jx_loss))
        args = (theta,)
    else:
        ours_f = ft.jit(lambda t, u: ft.hvp(ft_loss, (t,), (u,)))
        theirs_f = jax.jit(lambda t, u: jax.jvp(jax.grad(jx_loss), (t,), (u,))[1])
        args = (theta, v)
    ours_c = ours_f.lower(*args).compile()
    theirs_c = theirs_f.lower(*args).compile()
    bufs = [jax.device_put(a) for a in args]
    handlers = ours_c._exe.handlers  # same output aval and device for both

    def run(compiled):
        exe = compiled.runtime_executable()
        return lambda: exe.execute_sharded(bufs).consume_with_handlers(
            handlers)[0].block_until_ready()
    return run(ours_c), run(theirs_c), n_params


def _mlp_args(depth: int):
    rng = np.random.default_rng(0)
    p = init(rng, [64] * depth + [10])
    xs = rng.standard_normal((32, 64)).astype(np.float32)
    oh = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)]
    return p, xs, oh


def compile_results(depth: int = 50, rounds: int = 4) -> list[dict]:
    """XLA's compile alone of a fresh module, and the whole first call, in CPU time."""
    args = _mlp_args(depth)
    dev = runtime.default_device()

    def ours_compile():
        module = ft.jit(ft.grad(make_loss(fnp))).lower(*args).module
        return lambda: runtime.compile_module(module, dev)

    def theirs_compile():
        return jax.jit(jax.grad(make_loss(jnp))).lower(*args).compile
    out = []
    ours, theirs, spread = _cpu_paired(ours_compile, theirs_compile, 1, rounds, prepare=True)
    out.append(result(f"XLA compile alone, {depth}-layer MLP grad (CPU time)", ours, theirs,
                      spread, None))
    ours, theirs, spread = _cpu_paired(
        lambda: ft.block_until_ready(ft.jit(ft.grad(make_loss(fnp)))(*args)),
        lambda: jax.block_until_ready(jax.jit(jax.grad(make_loss(jnp)))(*args)), 1, rounds)
    out.append(result(f"first call jit(grad), {depth}-layer MLP (CPU time)", ours, theirs,
                      spread, 0.7))
    return out


def executable_results(n: int = 10**6, rounds: int = 9) -> list[dict]:
    out = []
    for which in ("grad", "hvp"):
        ours, theirs, n_params = _executables(n, which)
        o, t, spread = _cpu_paired(ours, theirs, 3, rounds)
        out.append(result(f"{which} executable alone, closed-over MLP n={n_params:.1e} (CPU)",
                          o, t, spread, 1.0))
    return out


def results() -> list[dict]:
    """Every workload of this script (the shared ``results()`` interface)."""
    return executable_results() + compile_results()


def main():
    print_results(results())


if __name__ == "__main__":
    main()
