"""Linear algebra and FFT, functrans vs JAX in one run (paired, interleaved timing):

* jit(grad) of a Gaussian-process negative log marginal likelihood (n = 512, RBF kernel,
  Cholesky-based; gradient in the 2 kernel hyperparameters and the noise) — target <= 1.05x;
* batched ``solve`` of 1,000 3x3 systems, under jit and eagerly;
* ``fft`` of 2^20 complex points under jit (and ``rfft`` of 2^20 real points).

Run: .venv/bin/python benchmarks/bench_linalg.py
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


def gp_nll(np_, cho_solve_fn):
    def nll(params, x, y):
        log_ls, log_amp, log_noise = params[0], params[1], params[2]
        d2 = np_.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
        k = np_.exp(2 * log_amp) * np_.exp(-0.5 * d2 / np_.exp(2 * log_ls))
        k = k + (np_.exp(2 * log_noise) + 1e-4) * np_.eye(x.shape[0], dtype=x.dtype)
        chol = np_.linalg.cholesky(k)
        alpha = cho_solve_fn(chol, y)
        return (0.5 * np_.dot(y, alpha) + np_.sum(np_.log(np_.diagonal(chol)))
                + 0.5 * x.shape[0] * np.log(2 * np.pi))
    return nll


def _cho_solve(linalg):
    def solve(chol, y):
        z = linalg.solve_triangular(chol, y, lower=True)
        return linalg.solve_triangular(chol, z, lower=True, trans=1)
    return solve


def bench_gp():
    import jax.scipy.linalg as jsl

    import functrans.scipy.linalg as fsl
    rng = np.random.default_rng(0)
    n = 512
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = np.sin(x.sum(1)).astype(np.float32)
    params = np.array([0.3, 0.1, -1.0], np.float32)
    f_ft = ft.jit(ft.grad(gp_nll(fnp, _cho_solve(fsl))))
    f_jx = jax.jit(jax.grad(gp_nll(jnp, _cho_solve(jsl))))
    xf, yf, pf = (ft.device_put(v) for v in (x, y, params))
    xj, yj, pj = (jax.device_put(v) for v in (x, y, params))
    g_ft, g_jx = np.asarray(f_ft(pf, xf, yf)), np.asarray(f_jx(pj, xj, yj))
    assert np.allclose(g_ft, g_jx, rtol=1e-2, atol=1e-2), (g_ft, g_jx)
    ours, theirs, spread = paired_median(lambda: f_ft(pf, xf, yf).block_until_ready(),
                                         lambda: f_jx(pj, xj, yj).block_until_ready(),
                                         number=20, rounds=7)
    return [result("GP nll jit(grad), n=512 (cholesky)", ours, theirs, spread, 1.05)]


def bench_batched_solve():
    rng = np.random.default_rng(1)
    a = (rng.normal(size=(1000, 3, 3)) + 3 * np.eye(3)).astype(np.float32)
    b = rng.normal(size=(1000, 3, 1)).astype(np.float32)
    s_ft, s_jx = ft.jit(fnp.linalg.solve), jax.jit(jnp.linalg.solve)
    af, bf = ft.device_put(a), ft.device_put(b)
    aj, bj = jax.device_put(a), jax.device_put(b)
    assert np.allclose(np.asarray(s_ft(af, bf)), np.asarray(s_jx(aj, bj)), atol=1e-3)
    ours, theirs, spread = paired_median(lambda: s_ft(af, bf).block_until_ready(),
                                         lambda: s_jx(aj, bj).block_until_ready(), number=50)
    rows = [result("solve 1000x(3x3) jit", ours, theirs, spread)]
    ours, theirs, spread = paired_median(lambda: np.asarray(fnp.linalg.solve(a, b)),
                                         lambda: jnp.linalg.solve(a, b).block_until_ready(),
                                         number=20)
    rows.append(result("solve 1000x(3x3) eager", ours, theirs, spread))
    return rows


def bench_fft():
    rng = np.random.default_rng(2)
    n = 2 ** 20
    c = (rng.normal(size=n) + 1j * rng.normal(size=n)).astype(np.complex64)
    r = rng.normal(size=n).astype(np.float32)
    rows = []
    for name, fft_ft, fft_jx, v in (("fft 2^20 complex64 jit", fnp.fft.fft, jnp.fft.fft, c),
                                    ("rfft 2^20 float32 jit", fnp.fft.rfft, jnp.fft.rfft, r)):
        g_ft, g_jx = ft.jit(fft_ft), jax.jit(fft_jx)
        vf, vj = ft.device_put(v), jax.device_put(v)
        assert np.allclose(np.asarray(g_ft(vf)), np.asarray(g_jx(vj)), rtol=1e-3, atol=1e-1)
        ours, theirs, spread = paired_median(lambda g=g_ft, v=vf: g(v).block_until_ready(),
                                             lambda g=g_jx, v=vj: g(v).block_until_ready(),
                                             number=10)
        rows.append(result(name, ours, theirs, spread))
    return rows


def results() -> list[dict]:
    return bench_gp() + bench_batched_solve() + bench_fft()


def main():
    print_results(results())


if __name__ == "__main__":
    main()
