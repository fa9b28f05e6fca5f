"""The incomplete gamma/beta and scaled Bessel primitives (lax.igamma, ...), the
functrans.scipy.special functions built on them, and the functrans.scipy.stats CDFs and
distributions that use them: values against SciPy and JAX in float64 (eager = the NumPy
impls, and under jit = the lowering), derivatives against JAX and finite differences,
vmap against a loop, float32/float16 under jit, and the errors."""

from __future__ import annotations

import jax
import jax.scipy.special as jss
import jax.scipy.stats as jst
import numpy as np
import pytest
import scipy.special as ss
import scipy.stats as sst
from oracle import x64_mode

import functrans as ft
import functrans.numpy as fnp
from functrans import lax
from functrans.scipy import special as fss
from functrans.scipy import stats as fst

# (a, x) pairs covering the series (x < 1 or x <= a) and the continued fraction, large a,
# tiny values, and x = 0
A = np.array([0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 0.1, 3.0, 2.0, 1e-3, 50.0, 7.5])
X = np.array([0.2, 1.5, 2.0, 7.0, 3.0, 25.0, 120.0, 5.0, 0.01, 0.0, 1e-4, 200.0, 7.5])
# (a, b, x) for betainc, both sides of the symmetry switch, x at 0 and 1
BA = np.array([0.5, 2.0, 5.0, 1.0, 0.5, 10.0, 3.0, 7.0, 1.0, 2.0, 0.3, 4.0, 100.0])
BB = np.array([0.3, 2.0, 5.0, 1.0, 0.5, 10.0, 3.0, 7.0, 1.0, 2.0, 4.0, 0.5, 80.0])
BX = np.array([0.1, 0.5, 0.9, 0.3, 0.99, 0.2, 0.7, 0.45, 0.0, 1.0, 0.5, 0.3, 0.55])
Z = np.array([-40.0, -3.0, -0.5, 0.0, 1e-5, 0.7, 5.0, 14.9, 15.1, 29.9, 30.1, 100.0, 1e3])

PRIMS = {  # name -> (functrans, jax, scipy or None, args)
    "igamma": (lax.igamma, jax.lax.igamma, ss.gammainc, (A, X)),
    "igammac": (lax.igammac, jax.lax.igammac, ss.gammaincc, (A, X)),
    "igamma_grad_a": (lax.igamma_grad_a, jax.lax.igamma_grad_a, None, (A, X)),
    "random_gamma_grad": (lax.random_gamma_grad, jax.lax.random_gamma_grad, None, (A, X)),
    "betainc": (lax.betainc, jax.lax.betainc, ss.betainc, (BA, BB, BX)),
    "bessel_i0e": (lax.bessel_i0e, jax.lax.bessel_i0e, ss.i0e, (Z,)),
    "bessel_i1e": (lax.bessel_i1e, jax.lax.bessel_i1e, ss.i1e, (Z,)),
}
JITTED = {name: ft.jit(f) for name, (f, *_) in PRIMS.items()}  # one compile per dtype


@pytest.mark.parametrize("name", list(PRIMS))
def test_primitive_values_float64_eager_and_jit(name):
    f, jf, ref, args = PRIMS[name]
    with x64_mode(True):
        want_jax = np.asarray(jf(*args))
        for got in (f(*args), JITTED[name](*args)):
            got = np.asarray(got)
            assert got.dtype == np.float64
            np.testing.assert_allclose(got, want_jax, rtol=1e-9, atol=1e-300)
            if ref is not None:
                np.testing.assert_allclose(got, ref(*args), rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("name", ["igamma", "betainc", "bessel_i0e"])
def test_primitive_values_float32_jit(name):
    f, jf, _, args = PRIMS[name]
    args32 = [a.astype(np.float32) for a in args]
    want = np.asarray(jf(*args32))
    for got in (f(*args32), JITTED[name](*args32)):
        got = np.asarray(got)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=1e-6)


def test_float16_is_computed_in_float32_under_jit():
    a, x = A[:9].astype(np.float16), X[:9].astype(np.float16)
    got = JITTED["igamma"](a, x)
    assert got.dtype == np.float16
    np.testing.assert_allclose(np.asarray(got, np.float32),
                               ss.gammainc(a.astype(np.float64), x.astype(np.float64)),
                               rtol=2e-3, atol=2e-3)


def test_edge_values_match_scipy():
    inf, nan = np.inf, np.nan
    a = np.array([1.0, 2.0, 0.0, 0.0, inf, 2.0, -1.0, 2.0, nan])
    x = np.array([0.0, inf, 0.5, 0.0, 3.0, 1e-300, 1.0, -1.0, 1.0])
    with x64_mode(True):
        for f, ref in ((lax.igamma, ss.gammainc), (lax.igammac, ss.gammaincc)):
            for got in (f(a, x), ft.jit(f)(a, x)):
                np.testing.assert_allclose(np.asarray(got), ref(a, x), rtol=1e-12)
        ba = np.array([0.0, 2.0, 2.0, 2.0, -1.0, 0.0, 2.0])
        bb = np.array([2.0, 0.0, 2.0, 2.0, 2.0, 0.0, nan])
        bx = np.array([0.5, 0.5, 0.0, 1.0, 0.5, 0.5, 0.5])
        np.testing.assert_allclose(np.asarray(lax.betainc(ba, bb, bx)), ss.betainc(ba, bb, bx))
        assert np.isnan(np.asarray(lax.betainc(2.0, 2.0, np.array([1.5, -0.5])))).all()
        assert np.isnan(np.asarray(lax.bessel_i0e(np.array([nan])))).all()


# ---- derivatives --------------------------------------------------------------------------


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_igamma_grads_in_a_and_x_vs_jax_and_finite_differences():
    a, x = A[:9], X[:9]
    with x64_mode(True):
        for fl, jl in ((lax.igamma, jax.lax.igamma), (lax.igammac, jax.lax.igammac)):
            ga, gx = ft.vmap(ft.grad(fl, argnums=(0, 1)))(a, x)
            ja, jx = jax.vmap(jax.grad(jl, argnums=(0, 1)))(a, x)
            np.testing.assert_allclose(np.asarray(ga), np.asarray(ja), rtol=1e-8)
            np.testing.assert_allclose(np.asarray(gx), np.asarray(jx), rtol=1e-8)
            ref = ss.gammainc if fl is lax.igamma else ss.gammaincc
            np.testing.assert_allclose(np.asarray(ga), _fd(lambda v: ref(v, x), a),
                                       rtol=1e-5, atol=1e-9)
            np.testing.assert_allclose(np.asarray(gx), _fd(lambda v: ref(a, v), x),
                                       rtol=1e-5, atol=1e-9)


def test_gammainc_jvp_under_jit_matches_jax():
    with x64_mode(True):
        a, x = A[:9], X[:9]
        f = ft.jit(lambda a, x: ft.jvp(fss.gammainc, (a, x), (fnp.ones_like(a), fnp.ones_like(x))))
        out, tan = f(a, x)
        jout, jtan = jax.jvp(jss.gammainc, (a, x), (np.ones_like(a), np.ones_like(x)))
        np.testing.assert_allclose(np.asarray(out), np.asarray(jout), rtol=1e-10)
        np.testing.assert_allclose(np.asarray(tan), np.asarray(jtan), rtol=1e-8)


def test_random_gamma_grad_is_the_implicit_derivative():
    """x(a) with P(a, x(a)) fixed: dx/da = -(dP/da) / (dP/dx)."""
    a, x = A[:9], X[:9]
    keep = x > 0
    with x64_mode(True):
        got = np.asarray(lax.random_gamma_grad(a, x))[keep]
        dp_da = np.asarray(lax.igamma_grad_a(a, x))[keep]
        dp_dx = np.asarray(ft.vmap(ft.grad(lax.igamma, argnums=1))(a, x))[keep]
    np.testing.assert_allclose(got, -dp_da / dp_dx, rtol=1e-8)


def test_betainc_grad_in_x_and_error_in_a():
    with x64_mode(True):
        a, b, x = BA[:8], BB[:8], BX[:8]
        g = ft.vmap(ft.grad(lax.betainc, argnums=2))(a, b, x)
        jg = jax.vmap(jax.grad(jax.lax.betainc, argnums=2))(a, b, x)
        np.testing.assert_allclose(np.asarray(g), np.asarray(jg), rtol=1e-8)
        np.testing.assert_allclose(np.asarray(g), _fd(lambda v: ss.betainc(a, b, v), x),
                                   rtol=1e-5)
    with pytest.raises(ValueError, match=r"\[betainc\].*a and b"):
        ft.grad(lax.betainc)(2.0, 3.0, 0.5)


def test_bessel_grads_vs_jax_including_zero():
    z = np.array([-3.0, -0.5, 0.0, 0.7, 5.0, 40.0])
    with x64_mode(True):
        for fl, jl in ((lax.bessel_i0e, jax.lax.bessel_i0e), (lax.bessel_i1e, jax.lax.bessel_i1e),
                       (fss.i0, jss.i0), (fss.i1, jss.i1)):
            g = np.asarray(ft.vmap(ft.grad(fl))(z))
            np.testing.assert_allclose(g, np.asarray(jax.vmap(jax.grad(jl))(z)), rtol=1e-9,
                                       atol=1e-12)
        g2 = ft.jit(ft.vmap(ft.grad(ft.grad(fss.i0e))))(z)
        j2 = jax.vmap(jax.grad(jax.grad(jss.i0e)))(z)
        np.testing.assert_allclose(np.asarray(g2), np.asarray(j2), rtol=1e-8, atol=1e-12)


def test_no_derivative_of_the_derivative_primitives():
    with pytest.raises(Exception, match="igamma_grad_a"):
        ft.grad(lax.igamma_grad_a)(2.0, 1.0)


# ---- vmap, errors -----------------------------------------------------------------------------


def test_vmap_equals_loop_with_an_unbatched_operand():
    xs = np.linspace(0.05, 0.95, 12, dtype=np.float32).reshape(3, 4)
    a = np.array([0.5, 2.0, 3.0, 9.0], np.float32)
    got = ft.vmap(lambda x: lax.betainc(a, 2.5 * fnp.ones_like(x), x))(xs)
    loop = np.stack([np.asarray(lax.betainc(a, np.full(4, 2.5, np.float32), r)) for r in xs])
    np.testing.assert_allclose(np.asarray(got), loop, rtol=1e-6)
    got = ft.vmap(lax.igamma, in_axes=(None, 0))(a, xs * 5)
    loop = np.stack([np.asarray(lax.igamma(a, r * 5)) for r in xs])
    np.testing.assert_allclose(np.asarray(got), loop, rtol=1e-6)


def test_bad_operands_raise_named_errors():
    with pytest.raises(TypeError, match=r"\[igamma\].*int32"):
        lax.igamma(np.array([1, 2], np.int32), np.array([1, 2], np.int32))
    with pytest.raises(TypeError, match=r"\[regularized_incomplete_beta\].*equal shapes"):
        lax.betainc(np.ones(3, np.float32), np.ones(2, np.float32), np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"\[bernoulli\]"):
        fss.bernoulli(-1)


# ---- scipy.special ---------------------------------------------------------------------------

SPECIAL_X = np.array([-30.0, -3.0, -0.5, 1e-3, 0.5, 1.0, 2.5, 8.0, 9.5, 25.0, 27.0, 45.0])
SPECIAL = {  # name -> args
    "gammainc": (A, X), "gammaincc": (A, X), "betainc": (BA, BB, BX),
    "i0": (SPECIAL_X,), "i1": (SPECIAL_X,), "i0e": (SPECIAL_X,), "i1e": (SPECIAL_X,),
    "erfcx": (SPECIAL_X,), "exp1": (np.abs(SPECIAL_X),), "expi": (SPECIAL_X,),
    "boxcox": (np.array([0.5, 2.0, 3.0, 7.0]), np.array([0.0, 0.5, -1.0, 2.0])),
    "boxcox1p": (np.array([-0.5, 2.0, 3.0, 7.0]), np.array([0.0, 0.5, -1.0, 2.0])),
    "spence": (np.array([0.0, 1e-4, 0.1, 0.5, 0.7, 1.0, 1.5, 2.0, 2.5, 5.0, 30.0, 1e3]),),
    "expn": (np.array([0, 1, 2, 3, 5, 10, 40, 2, 3, 1, 7, 50]),
             np.array([0.5, 0.3, 1e-3, 1.0, 0.9, 0.2, 0.5, 1.01, 3.0, 10.0, 50.0, 2.0])),
}


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_functions_vs_scipy_and_jax_float64(name):
    args = SPECIAL[name]
    with x64_mode(True):
        got = np.asarray(getattr(fss, name)(*args))
        np.testing.assert_allclose(got, getattr(ss, name)(*args), rtol=5e-14 * 100)
        np.testing.assert_allclose(got, np.asarray(getattr(jss, name)(*args)), rtol=1e-9)


def test_special_edge_values_match_scipy():
    with x64_mode(True):
        x = np.array([-1.0, 0.0])
        np.testing.assert_allclose(np.asarray(fss.spence(x)), ss.spence(x))
        n, x = np.array([0, 1, 2, 4, -1, 2]), np.array([0.0, 0.0, 0.0, 0.0, 1.0, -1.0])
        np.testing.assert_allclose(np.asarray(fss.expn(n, x)), ss.expn(n, x))
        np.testing.assert_allclose(np.asarray(fss.exp1(np.array([0.0, -1.0]))),
                                   ss.exp1(np.array([0.0, -1.0])))


def test_special_functions_jit_equals_eager():
    x = SPECIAL_X.astype(np.float32)
    f = ft.jit(lambda v: [fss.i0(v), fss.erfcx(v), fss.expi(v), fss.exp1(fnp.abs(v))])
    for got, want in zip(f(x), [fss.i0(x), fss.erfcx(x), fss.expi(x), fss.exp1(np.abs(x))],
                         strict=True):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=2e-5)


def test_exp1_expi_grads_are_the_closed_forms():
    x = np.array([0.3, 1.0, 2.5, 12.0])
    with x64_mode(True):
        np.testing.assert_allclose(np.asarray(ft.vmap(ft.grad(fss.exp1))(x)), -np.exp(-x) / x,
                                   rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ft.vmap(ft.grad(fss.expi))(-x)), np.exp(-x) / -x,
                                   rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ft.vmap(ft.grad(fss.expi))(x)),
                                   _fd(ss.expi, x), rtol=1e-6)


def test_comb_and_bernoulli_vs_jax():
    n, k = np.array([5.0, 5.0, 3.0, -1.0, 4.0, 10.0]), np.array([2.0, 0.0, 4.0, 1.0, 2.5, 3.0])
    with x64_mode(True):
        np.testing.assert_allclose(np.asarray(fss.comb(n, k)), np.asarray(jss.comb(n, k)),
                                   rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fss.comb(n, k, repetition=True)),
                                   np.asarray(jss.comb(n, k, repetition=True)), rtol=1e-12)
        got = np.asarray(fss.bernoulli(12))
        np.testing.assert_allclose(got, ss.bernoulli(12), rtol=1e-11)
        exact = [1, -1 / 2, 1 / 6, 0, -1 / 30, 0, 1 / 42, 0, -1 / 30, 0, 5 / 66, 0, -691 / 2730]
        np.testing.assert_allclose(got, exact, rtol=1e-15)


def test_lax_zeta_and_polygamma_are_exported():
    np.testing.assert_allclose(float(lax.zeta(2.0, np.float32(1.0))), np.pi ** 2 / 6, rtol=1e-6)
    np.testing.assert_allclose(float(lax.polygamma(1.0, np.float32(1.0))), np.pi ** 2 / 6,
                               rtol=1e-5)


# ---- scipy.stats -------------------------------------------------------------------------------

SX = np.array([-1.0, 0.0, 0.3, 1.0, 1.5, 2.5, 4.0, 7.0])
SK = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 10.0])
STATS = [
    ("gamma", ["cdf", "sf", "logcdf", "logsf"], (SX, 2.5, 0.1, 1.2)),
    ("beta", ["cdf", "sf", "logcdf", "logsf"], (SX / 4, 2.0, 3.0)),
    ("poisson", ["cdf"], (SK, 3.0)),
    ("chi2", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], (SX, 3.0)),
    ("gennorm", ["logpdf", "pdf", "cdf"], (SX, 1.5)),
    ("geom", ["logpmf", "pmf"], (SK, 0.3)),
    ("gumbel_r", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], (SX, 0.5, 2.0)),
    ("gumbel_l", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], (SX, 0.5, 2.0)),
    ("pareto", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], (SX, 2.0, 0.0, 0.8)),
    ("truncnorm", ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"], (SX, -0.5, 3.0, 0.2, 1.3)),
    ("truncnorm", ["logpdf", "cdf", "logcdf", "sf", "logsf"], (SX, 4.0, 6.0)),
    ("vonmises", ["logpdf", "pdf"], (SX, 2.0)),
    ("wrapcauchy", ["logpdf", "pdf"], (SX, 0.4)),
    ("nbinom", ["logpmf", "pmf"], (SK, 3.0, 0.4)),
    ("betabinom", ["logpmf", "pmf"], (SK, 8.0, 2.0, 3.0)),
]


@pytest.mark.parametrize("dist,fns,args", STATS, ids=[f"{d}-{i}" for i, (d, *_) in
                                                       enumerate(STATS)])
def test_stats_vs_scipy_float64(dist, fns, args):
    with x64_mode(True):
        for fn in fns:
            got = np.asarray(getattr(getattr(fst, dist), fn)(*args))
            want = getattr(getattr(sst, dist), fn)(*args)
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14, err_msg=fn)


@pytest.mark.parametrize("dist,fns,args", [STATS[i] for i in (0, 3, 6, 8)],
                         ids=["gamma", "chi2", "gumbel_r", "pareto"])
def test_stats_vs_jax_float64(dist, fns, args):
    with x64_mode(True):
        for fn in fns:
            got = np.asarray(getattr(getattr(fst, dist), fn)(*args))
            want = np.asarray(getattr(getattr(jst, dist), fn)(*args))
            np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-12, err_msg=fn)


def test_stats_vs_scipy_where_jax_is_less_accurate():
    with x64_mode(True):
        np.testing.assert_allclose(np.asarray(fst.betabinom.pmf(SK, 8.0, 2.0, 3.0)),
                                   sst.betabinom.pmf(SK, 8, 2.0, 3.0), rtol=1e-12, atol=1e-300)
        xm = np.array([[1, 2, 3], [0, 6, 0], [2, 2, 1]])
        p = np.array([0.2, 0.5, 0.3])
        np.testing.assert_allclose(np.asarray(fst.multinomial.logpmf(xm, 6, p)),
                                   sst.multinomial.logpmf(xm, 6, p), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(fst.multinomial.logpmf(xm[0], 6, p)),
                                   np.asarray(jst.multinomial.logpmf(xm[0], 6, p)), rtol=1e-12)
        a = np.arange(12.0).reshape(3, 4)
        np.testing.assert_allclose(np.asarray(fst.sem(a)), np.asarray(jst.sem(a)), rtol=1e-12)
    with pytest.raises(ValueError, match=r"\[multinomial\].*integer"):
        fst.multinomial.logpmf(xm.astype(np.float32), 6, p)


def test_stats_cdfs_under_jit_and_grad():
    x = np.array([0.5, 1.0, 2.0, 4.0], np.float32)
    f = ft.jit(lambda x, a: [fst.gamma.cdf(x, a), fst.beta.cdf(x / 5, a, 2.0)])
    x64 = x.astype(np.float64)
    want = [sst.gamma.cdf(x64, 1.5), sst.beta.cdf(x64 / 5, 1.5, 2.0)]
    for got, w in zip(f(x, np.float32(1.5)), want, strict=True):
        np.testing.assert_allclose(np.asarray(got), w, rtol=2e-5, atol=1e-7)
    g = ft.grad(lambda a: fnp.sum(fst.gamma.cdf(x, a)))(np.float32(1.5))
    np.testing.assert_allclose(float(g), _fd(lambda a: np.sum(ss.gammainc(a, x64)), 1.5),
                               rtol=1e-4)


# ---- gaussian_kde -------------------------------------------------------------------------------


def test_gaussian_kde_vs_scipy_float64():
    rng = np.random.default_rng(0)
    data1, data2, w = rng.normal(size=30), rng.normal(size=(2, 40)), rng.uniform(size=40)
    pts1, pts2 = np.linspace(-3, 3, 7), rng.normal(size=(2, 5))
    with x64_mode(True):
        for bw in (None, "silverman", 0.3):
            k, s = fst.gaussian_kde(data1, bw), sst.gaussian_kde(data1, bw)
            np.testing.assert_allclose(np.asarray(k(pts1)), s(pts1), rtol=1e-12)
            np.testing.assert_allclose(np.asarray(k.logpdf(pts1)), s.logpdf(pts1), rtol=1e-12)
        k, s = fst.gaussian_kde(data2, weights=w), sst.gaussian_kde(data2, weights=w)
        np.testing.assert_allclose(np.asarray(k.pdf(pts2)), s.pdf(pts2), rtol=1e-12)
        np.testing.assert_allclose(float(k.integrate_gaussian([0.1, 0.2], np.eye(2))),
                                   s.integrate_gaussian([0.1, 0.2], np.eye(2)), rtol=1e-12)
        k3, s3 = fst.gaussian_kde(data2[:, :10]), sst.gaussian_kde(data2[:, :10])
        np.testing.assert_allclose(float(k.integrate_kde(k3)), s.integrate_kde(s3), rtol=1e-12)
        k1, s1 = fst.gaussian_kde(data1), sst.gaussian_kde(data1)
        np.testing.assert_allclose(float(k1.integrate_box_1d(-1.0, 0.5)),
                                   s1.integrate_box_1d(-1.0, 0.5), rtol=1e-12)
    with pytest.raises(ValueError, match=r"\[gaussian_kde\].*weights"):
        fst.gaussian_kde(data2, weights=w[:5])


def test_gaussian_kde_is_a_pytree_and_resamples():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(2, 40)).astype(np.float32)
    k = fst.gaussian_kde(data)
    got = ft.jit(lambda kde, p: kde.logpdf(p))(k, data[:, :3])
    np.testing.assert_allclose(np.asarray(got),
                               sst.gaussian_kde(data.astype(np.float64)).logpdf(data[:, :3]),
                               rtol=1e-5)
    r = np.asarray(k.resample(ft.random.key(0), (4000,)))
    assert r.shape == (2, 4000)
    np.testing.assert_allclose(r.mean(1), data.mean(1), atol=0.1)  # mean of the mixture


def test_rankdata_and_mode_vs_scipy_and_jax():
    a = np.array([3.0, 1, 3, 2, 5, 1, 3])
    b = np.array([[1, 2, 2, 5], [3, 3, 1, 1], [4, 4, 4, 0]])
    for method in ("average", "min", "max", "dense", "ordinal"):
        got = fst.rankdata(a, method)
        assert got.dtype == jst.rankdata(a, method).dtype
        np.testing.assert_array_equal(np.asarray(got), sst.rankdata(a, method))
        np.testing.assert_array_equal(np.asarray(fst.rankdata(b, method, axis=1)),
                                      sst.rankdata(b, method, axis=1))
    assert np.isnan(np.asarray(fst.rankdata(np.array([1.0, np.nan, 2.0])))).all()
    for kw in (dict(axis=1), dict(axis=0, keepdims=True), dict(axis=None)):
        got, want = fst.mode(b, **kw), jst.mode(b, **kw)
        np.testing.assert_array_equal(np.asarray(got.mode), np.asarray(want.mode))
        np.testing.assert_array_equal(np.asarray(got.count), np.asarray(want.count))
    with pytest.raises(ValueError, match=r"\[rankdata\]"):
        fst.rankdata(a, "bogus")
