"""The GP workload of bench_linalg.py (jit(grad) of a Cholesky-based negative log marginal
likelihood, n = 512) and its parts, functrans vs JAX: per part, the n x n results in the
optimized HLO's entry computation (what XLA's fusion materializes), temp memory, and
interleaved timings (median of paired rounds, and the best round).

    python benchmarks/gp_parts.py                  # all parts: full, kernel, chol, solve
    python benchmarks/gp_parts.py full kernel      # some of them
    python benchmarks/gp_parts.py --single-thread  # XLA and BLAS on one thread each (steadier
                                                   # on a loaded machine; same for both sides)

Not part of ``make bench`` (no ``results()``): a diagnosis tool for issue 11's GP row.
"""

from __future__ import annotations

import os
import re
import sys
import timeit

if "--single-thread" in sys.argv:
    sys.argv.remove("--single-thread")
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen"
                               "=false intra_op_parallelism_threads=1")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jsl  # noqa: E402
import numpy as np  # noqa: E402
from _timing import paired_median  # noqa: E402
from bench_linalg import _cho_solve, gp_nll  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
import functrans.scipy.linalg as fsl  # noqa: E402

N = 512


def _kernel(m):
    def f(p, x):
        d2 = m.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
        k = m.exp(2 * p[1]) * m.exp(-0.5 * d2 / m.exp(2 * p[0]))
        return m.sum(k * k)
    return f


def _parts():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 3)).astype(np.float32)
    y = np.sin(x.sum(1)).astype(np.float32)
    params = np.array([0.3, 0.1, -1.0], np.float32)
    d2 = ((x[:, None] - x[None]) ** 2).sum(-1)
    k = (np.exp(0.2) * np.exp(-0.5 * d2 / np.exp(0.6)) + 0.1 * np.eye(N)).astype(np.float32)
    chol = np.linalg.cholesky(k.astype(np.float64)).astype(np.float32)
    return {
        "full": (gp_nll(fnp, _cho_solve(fsl)), gp_nll(jnp, _cho_solve(jsl)), (params, x, y)),
        "kernel": (_kernel(fnp), _kernel(jnp), (params, x)),
        "chol": (lambda a: fnp.sum(fnp.linalg.cholesky(a) ** 2),
                 lambda a: jnp.sum(jnp.linalg.cholesky(a) ** 2), (k,)),
        "solve": (lambda a: fnp.sum(fsl.solve_triangular(a, y, lower=True) ** 2),
                  lambda a: jnp.sum(jsl.solve_triangular(a, y, lower=True) ** 2), (chol,)),
    }


def _structure(compiled) -> str:
    text = compiled.as_text()
    entry = text[text.index("ENTRY"):].splitlines()[1:]
    square = sum(bool(re.search(rf"= \w+\[{N},{N}\]", line)) for line in entry)
    temp = compiled.memory_analysis().temp_size_in_bytes / 2 ** 20
    return f"{len(entry):3d} entry ops, {square:2d} [{N},{N}] results, temp {temp:4.1f} MiB"


def main():
    parts = _parts()
    for name in sys.argv[1:] or list(parts):
        f_ft, f_jx, args = parts[name]
        c_ft = ft.jit(ft.grad(f_ft)).lower(*args).compile()
        c_jx = jax.jit(jax.grad(f_jx)).lower(*args).compile()
        print(f"{name:7s} functrans: {_structure(c_ft)}\n{'':7s} jax:       {_structure(c_jx)}")
        a_ft = [ft.device_put(a) for a in args]
        a_jx = [jax.device_put(a) for a in args]
        g_ft, g_jx = np.asarray(c_ft(*a_ft)), np.asarray(c_jx(*a_jx))
        assert np.allclose(g_ft, g_jx, rtol=2e-2, atol=2e-2), (name, g_ft, g_jx)

        def ours():
            return c_ft(*a_ft).block_until_ready()

        def theirs():
            return c_jx(*a_jx).block_until_ready()

        for _ in range(3):
            o, t, spread = paired_median(ours, theirs, number=5, rounds=9)
            best_o = min(timeit.repeat(ours, number=2, repeat=20)) / 2
            best_t = min(timeit.repeat(theirs, number=2, repeat=20)) / 2
            print(f"{'':7s} median {o * 1e3:7.2f} / {t * 1e3:7.2f} ms = {o / t:.2f}x {spread:>5}"
                  f"   best {best_o * 1e3:7.2f} / {best_t * 1e3:7.2f} ms = {best_o / best_t:.2f}x",
                  flush=True)


if __name__ == "__main__":
    main()
