"""functrans.scipy (special, linalg, stats) against jax.scipy on the same programs, values
eager and under jit, gradients vs JAX, and SciPy itself as a second reference."""

from __future__ import annotations

from types import SimpleNamespace

import jax
import jax.numpy as jnp
import jax.scipy as jsp
import numpy as np
import pytest
import scipy
import scipy.linalg  # noqa: F401
import scipy.special  # noqa: F401
import scipy.stats  # noqa: F401
from oracle import assert_close, to_np

import functrans as ft
import functrans.numpy as fnp
import functrans.scipy as fsp

FS = SimpleNamespace(special=fsp.special, linalg=fsp.linalg, stats=fsp.stats, numpy=fnp)
JS = SimpleNamespace(special=jsp.special, linalg=jsp.linalg, stats=jsp.stats, numpy=jnp)

RNG = np.random.default_rng(1)
X = np.array([-7.0, -2.5, -0.5, 0.0, 0.3, 1.7, 4.2, 9.0], np.float32)
POS = np.array([0.2, 0.5, 1.0, 1.7, 3.3, 8.0], np.float32)
P = np.array([0.01, 0.2, 0.5, 0.7, 0.99], np.float32)
A = RNG.normal(size=(4, 4)).astype(np.float32)
SPD = (A @ A.T + 4 * np.eye(4)).astype(np.float32)
B = RNG.normal(size=(4, 2)).astype(np.float32)


def _both(fn, *args, jit=True, rtol=2e-5, atol=2e-6):
    """``fn(ns, *args)`` for ns = functrans.scipy (eager and jit) vs jax.scipy."""
    want = to_np(jax.jit(lambda *a: fn(JS, *a))(*args))
    for j in ((False, True) if jit else (False,)):
        f = lambda *a: fn(FS, *a)  # noqa: E731
        got = to_np((ft.jit(f) if j else f)(*args))
        jax.tree_util.tree_map(lambda g, w: assert_close(g, w, rtol=rtol, atol=atol), got,
                               want)


SPECIAL = {
    "erf": lambda s, x: s.special.erf(x),
    "erfc": lambda s, x: s.special.erfc(x),
    "expit": lambda s, x: s.special.expit(x),
    "gammaln": lambda s, x: s.special.gammaln(x),
    "gamma": lambda s, x: s.special.gamma(x),
    "digamma": lambda s, x: s.special.digamma(x),
    "ndtr": lambda s, x: s.special.ndtr(x),
    "log_ndtr": lambda s, x: s.special.log_ndtr(x * 4),
    "entr": lambda s, x: s.special.entr(x),
    "xlogy": lambda s, x: s.special.xlogy(x, x * x),
    "xlog1py": lambda s, x: s.special.xlog1py(x, x * x),
    "logsumexp": lambda s, x: s.special.logsumexp(x),
    "softmax": lambda s, x: s.special.softmax(x),
    "log_softmax": lambda s, x: s.special.log_softmax(x),
    "gammasgn_loggamma": lambda s, x: (s.special.gammasgn(x), s.special.loggamma(x)),
    "factorial_poch_beta": lambda s, x: (s.special.factorial(x), s.special.poch(x, 2.5),
                                         s.special.beta(x, 1.5)),
    "rel_entr_kl_div": lambda s, x: (s.special.rel_entr(x, x[::-1]), s.special.kl_div(
        x, x[::-1] * 0.5)),
}
SPECIAL_POS = {
    "betaln": lambda s, x: s.special.betaln(x, x[::-1]),
    "multigammaln": lambda s, x: s.special.multigammaln(x + 2, 3),
    "zeta": lambda s, x: s.special.zeta(x + 1.5, x),
    "polygamma1": lambda s, x: s.special.polygamma(1, x),
    "polygamma3": lambda s, x: s.special.polygamma(3, x),
}
SPECIAL_P = {
    "logit": lambda s, p: s.special.logit(p),
    "ndtri": lambda s, p: s.special.ndtri(p),
    "erfinv": lambda s, p: s.special.erfinv(2 * p - 1),
}


@pytest.mark.parametrize("name", sorted(SPECIAL) + sorted(SPECIAL_POS) + sorted(SPECIAL_P))
def test_special_matches_jax(name):
    fn, arg = ((SPECIAL[name], X) if name in SPECIAL else
               (SPECIAL_POS[name], POS) if name in SPECIAL_POS else (SPECIAL_P[name], P))
    _both(fn, arg, jit=name in ("gamma", "log_ndtr", "zeta"), rtol=5e-5, atol=5e-6)


def test_special_gradients_match_jax():
    for fn, arg in ((SPECIAL["gammaln"], POS), (SPECIAL["log_ndtr"], X),
                    (SPECIAL_POS["zeta"], POS), (SPECIAL_P["ndtri"], P),
                    (SPECIAL["xlogy"], POS), (SPECIAL_POS["betaln"], POS)):
        want = jax.grad(lambda x, fn=fn: jnp.sum(fn(JS, x)))(arg)
        got = ft.grad(lambda x, fn=fn: fnp.sum(fn(FS, x)))(arg)
        assert_close(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-4)


def test_special_matches_scipy_float64_reference():
    x = POS.astype(np.float64)
    assert_close(np.asarray(fsp.special.polygamma(2, POS)), scipy.special.polygamma(2, x)
                 .astype(np.float32), rtol=1e-5)
    assert_close(np.asarray(fsp.special.zeta(3.0, POS)), scipy.special.zeta(3.0, x)
                 .astype(np.float32), rtol=1e-5)
    assert_close(np.asarray(fsp.special.log_ndtr(X * 4)),
                 scipy.special.log_ndtr(X.astype(np.float64) * 4).astype(np.float32), rtol=1e-5)


# ---- linalg ---------------------------------------------------------------------------------

LINALG = {
    "cholesky": (lambda s, a: (s.linalg.cholesky(a), s.linalg.cholesky(a, lower=True)), (SPD,)),
    "cho_solve": (lambda s, a, b: s.linalg.cho_solve(s.linalg.cho_factor(a), b), (SPD, B)),
    "cho_solve_lower_vec": (lambda s, a, b: s.linalg.cho_solve(
        s.linalg.cho_factor(a, lower=True), b[:, 0]), (SPD, B)),
    "solve_triangular": (lambda s, a, b: tuple(
        s.linalg.solve_triangular(a + 4 * np.eye(4, dtype=np.float32), b, trans=t, lower=lo)
        for t in (0, 1) for lo in (True, False)), (A, B)),
    "lu": (lambda s, a: s.linalg.lu(a), (A,)),
    "lu_permute_l": (lambda s, a: s.linalg.lu(a, permute_l=True), (A[:, :3],)),
    "lu_solve": (lambda s, a, b: (s.linalg.lu_solve(s.linalg.lu_factor(a), b),
                                  s.linalg.lu_solve(s.linalg.lu_factor(a), b, trans=1)),
                 (A, B)),
    "qr": (lambda s, a: tuple(abs(v) for v in s.linalg.qr(a, mode="economic")), (A[:, :3],)),
    "svd": (lambda s, a: s.linalg.svd(a, compute_uv=False), (A,)),
    "eigh": (lambda s, a: s.linalg.eigh(a, eigvals_only=True), (SPD,)),
    "det_inv_solve": (lambda s, a, b: (s.linalg.det(a), s.linalg.inv(a), s.linalg.solve(a, b),
                                       s.linalg.solve(a @ a.T + np.eye(4, dtype=np.float32), b,
                                                                      assume_a="pos")),
                      (A, B)),
    "block_diag": (lambda s, a, b: s.linalg.block_diag(a, b, 3.0), (A, B)),
    "expm": (lambda s, a: (s.linalg.expm(a), s.linalg.expm(a * 20), s.linalg.expm(a * 0)),
             (A,)),
}


@pytest.mark.parametrize("name", sorted(LINALG))
def test_linalg_matches_jax(name):
    fn, args = LINALG[name]
    _both(fn, *args, rtol=2e-4, atol=2e-4)


def test_expm_gradient_and_scipy_reference():
    assert_close(np.asarray(fsp.linalg.expm(A)), scipy.linalg.expm(A.astype(np.float64))
                 .astype(np.float32), rtol=1e-4, atol=1e-4)
    f = lambda s, a: s.numpy.sum(s.numpy.sin(s.linalg.expm(a)))  # noqa: E731
    want = jax.grad(lambda a: f(JS, a))(A * 0.5)
    got = ft.grad(lambda a: f(FS, a))(A * 0.5)
    assert_close(np.asarray(got), np.asarray(want), rtol=1e-3, atol=1e-3)


def test_cho_solve_gradient_matches_jax():
    def f(s, a, b):
        return s.numpy.sum(s.linalg.cho_solve(s.linalg.cho_factor(a), b) ** 2)
    want = jax.grad(lambda a, b: f(JS, a, b), argnums=(0, 1))(SPD, B)
    got = ft.grad(lambda a, b: f(FS, a, b), argnums=(0, 1))(SPD, B)
    def sym(g):  # the derivative in a is defined on symmetric matrices only
        return (g + g.T) / 2 if g.shape == (4, 4) else g
    jax.tree_util.tree_map(lambda g, w: assert_close(sym(g), sym(w), rtol=1e-3, atol=1e-4),
                           to_np(got), to_np(want))


# ---- stats ----------------------------------------------------------------------------------

STATS = {
    "norm": lambda s, x: (s.stats.norm.logpdf(x, 0.5, 2.0), s.stats.norm.pdf(x),
                          s.stats.norm.cdf(x, 1.0), s.stats.norm.logcdf(x),
                          s.stats.norm.sf(x), s.stats.norm.logsf(x, scale=3.0)),
    "norm_ppf": lambda s, x: (s.stats.norm.ppf(s.numpy.abs(x) / 10), s.stats.norm.isf(
        s.numpy.abs(x) / 10, 1.0, 2.0)),
    "uniform": lambda s, x: (s.stats.uniform.logpdf(x, -1.0, 3.0), s.stats.uniform.cdf(x),
                             s.stats.uniform.pdf(x, 0.0, 2.0)),
    "laplace": lambda s, x: (s.stats.laplace.logpdf(x, 1.0, 2.0), s.stats.laplace.cdf(x)),
    "logistic": lambda s, x: (s.stats.logistic.logpdf(x, 1.0, 2.0), s.stats.logistic.cdf(x),
                              s.stats.logistic.sf(x), s.stats.logistic.ppf(
                                  s.numpy.abs(x) / 10)),
    "cauchy": lambda s, x: (s.stats.cauchy.logpdf(x, 1.0, 2.0), s.stats.cauchy.cdf(x),
                            s.stats.cauchy.ppf(s.numpy.abs(x) / 10)),
    "t": lambda s, x: s.stats.t.logpdf(x, 3.5, 0.5, 2.0),
    "expon": lambda s, x: (s.stats.expon.logpdf(x, 0.0, 2.0), s.stats.expon.cdf(x, 0.5),
                           s.stats.expon.sf(x), s.stats.expon.logsf(x, 0.0, 2.0),
                           s.stats.expon.logcdf(s.numpy.abs(x) + 0.1),
                           s.stats.expon.ppf(s.numpy.abs(x) / 10, 1.0, 2.0)),
    "gamma": lambda s, x: s.stats.gamma.logpdf(s.numpy.abs(x) + 0.1, 2.5, 0.0, 1.5),
    "beta": lambda s, x: s.stats.beta.logpdf(s.numpy.abs(x) / 10, 2.0, 3.5),
    "poisson": lambda s, x: s.stats.poisson.logpmf(s.numpy.floor(s.numpy.abs(x)), 3.0),
    "binom": lambda s, x: s.stats.binom.logpmf(s.numpy.floor(s.numpy.abs(x)), 8.0, 0.3),
    "bernoulli": lambda s, x: s.stats.bernoulli.logpmf(s.numpy.clip(s.numpy.floor(x), 0, 1),
                                                       0.3),
}


@pytest.mark.parametrize("name", sorted(STATS))
def test_stats_match_jax(name):
    _both(STATS[name], X, jit=name in ("norm", "gamma"), rtol=5e-5, atol=5e-6)


def test_multivariate_normal_and_dirichlet_match_jax_and_scipy():
    xs = RNG.normal(size=(5, 4)).astype(np.float32)
    mean = RNG.normal(size=(4,)).astype(np.float32)
    _both(lambda s, x, m, c: s.stats.multivariate_normal.logpdf(x, m, c), xs, mean, SPD,
          rtol=1e-4, atol=1e-4)
    want = scipy.stats.multivariate_normal.logpdf(xs.astype(np.float64), mean, SPD)
    assert_close(np.asarray(fsp.stats.multivariate_normal.logpdf(xs, mean, SPD)),
                 want.astype(np.float32), rtol=1e-4)
    g = ft.grad(lambda c: fnp.sum(fsp.stats.multivariate_normal.logpdf(xs, mean, c)))(SPD)
    gj = jax.grad(lambda c: jnp.sum(jsp.stats.multivariate_normal.logpdf(xs, mean, c)))(SPD)
    assert_close(np.asarray(g), np.asarray(gj), rtol=1e-3, atol=1e-4)
    x = np.array([[0.2, 0.5], [0.3, 0.1], [0.5, 0.4]], np.float32)
    alpha = np.array([1.5, 2.0, 0.7], np.float32)
    _both(lambda s, x, a: s.stats.dirichlet.logpdf(x, a), x, alpha, jit=False, rtol=1e-4,
          atol=1e-5)
