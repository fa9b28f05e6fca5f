"""The rest of jax.scipy.special (wofz, dawsn, fresnel, sici, owens_t, bessel_jn, hyp1f1,
hyp2f1, sph_harm_y) and stats.poisson.entropy: values against SciPy and JAX in float64
(eager: the NumPy impls) and float32 (eager and under jit), edge values, derivatives against
JAX and central finite differences, vmap against a loop, the errors, and name coverage of
jax.scipy.special / jax.scipy.stats."""

from __future__ import annotations

import types

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
from functrans.scipy import special as fss
from functrans.scipy import stats as fst

X = np.array([-7.5, -2.0, -0.3, 0.0, 1e-6, 0.15, 0.5, 1.0, 2.2, 3.9, 4.1, 6.0, 11.0, 40.0,
              1e3])
Z = np.array([0.0, 0.5, 1 + 1j, 3 - 2j, -4 + 0.3j, 10.0, 100j, -3.0, 1e-3j, 2 + 1e-6j,
              -1 - 1j, 0.2 - 5j, 6 + 6j, -0.7 + 2j])
OWEN_H = np.array([0.0, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, -1.0, 0.3, 2.0, 1.0, 0.5, 4.0])
OWEN_A = np.array([0.5, 1.0, 0.3, 2.0, 0.9, 5.0, 0.2, 0.99, 0.7, 100.0, -1.5, 1e-3, 0.0, -0.4])
# 1F1 on the series (|x| < 100) and the asymptotic series, with a = 0 and a = b
H1 = (np.array([0.5, 1.0, 2.0, 3.0, 0.1, 5.0, 1.0, 0.0, 1.5, 10.0, 2.0, 0.7]),
      np.array([1.5, 2.0, 3.0, 1.0, 0.3, 5.0, 1.0, 1.0, 2.5, 12.0, 2.5, 4.0]),
      np.array([0.5, 1.0, 3.0, 10.0, 0.1, 2.0, 150.0, 3.0, -2.0, 40.0, 120.0, 0.0]))
# 2F1 on the series, the terminating sum (a = -2, b = -3), Euler's transformation
# (c - a - b <= -1), the psi transformation (x > 0.9, c - a - b integer), b == c, x = 1, x > 1
H2 = (np.array([1.0, 0.5, -2.0, 1.5, 1.0, 1.0, 0.3, 1.0, 2.0, 1.0, 0.5, 2.0, 2.0, 0.5]),
      np.array([1.0, 1.5, 2.0, 0.5, 2.0, 2.0, 0.7, 1.0, 1.0, 1.0, 0.5, 2.0, -3.0, 3.0]),
      np.array([2.0, 2.5, 3.0, 2.0, 3.0, 3.0, 2.0, 1.5, 0.5, 1.0, 3.0, 4.0, 2.0, 2.0]),
      np.array([0.5, 0.3, 0.7, -0.5, 0.99, 0.93, -0.8, 0.8, 0.4, 0.6, 1.0, 1.5, 0.6, 0.2]))
SPH = (np.array([0, 1, 1, 2, 3, 5, 4, 2, 6]), np.array([0, 0, 1, -1, 2, -3, 4, -2, 5]),
       np.array([0.3, 1.0, 2.0, 0.5, 1.2, 2.9, 0.0, np.pi, 1.7]),
       np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.5, 2.5]))
BESSEL_Z = np.array([-6.0, -0.5, 0.2, 1.0, 2.5, 7.0, 12.0, 20.0])

# name -> (args, rtol vs SciPy in float64, rtol vs JAX, atol)
CASES = {
    "wofz": ((Z,), 1e-12, 1e-12, 0.0),
    "dawsn": ((X,), 1e-12, 1e-12, 0.0),
    "fresnel": ((X,), 1e-13, 1e-13, 0.0),
    "sici": ((X,), 1e-13, 1e-13, 1e-15),  # atol: Ci crosses zero near 0.6 and 3.4
    "owens_t": ((OWEN_H, OWEN_A), 1e-12, 1e-7, 1e-300),  # JAX's 13-point rule: 1e-8 at h = 8
    "hyp1f1": (H1, 1e-12, 1e-12, 0.0),
    "hyp2f1": (H2, 1e-11, 1e-12, 0.0),
}


def _scipy(name, args):
    out = getattr(ss, name)(*args)
    return out if isinstance(out, tuple) else (out,)


def _tuple(out):
    return tuple(np.asarray(o) for o in out) if isinstance(out, tuple) else (np.asarray(out),)


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.mark.parametrize("name", list(CASES))
def test_values_float64_vs_scipy_and_jax(name):
    args, rtol, rtol_jax, atol = CASES[name]
    with x64_mode(True):
        got = _tuple(getattr(fss, name)(*args))
        want_jax = _tuple(jax.jit(getattr(jss, name))(*args))  # one compile, not one per op
    want = _scipy(name, args)
    for g, w, wj in zip(got, want, want_jax, strict=True):
        assert g.dtype == (np.complex128 if name == "wofz" else np.float64)
        np.testing.assert_allclose(g, wj, rtol=rtol_jax, atol=atol)
        if name in ("hyp1f1", "hyp2f1"):  # SciPy where JAX's series are meant to converge
            keep = np.isfinite(w) & (np.abs(args[-1]) < 100) & (args[-1] > -1)
            if name == "hyp2f1":
                keep &= args[-1] <= 0.95
            g, w = g[keep], w[keep]
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def test_bessel_jn_and_sph_harm_y_float64():
    with x64_mode(True):
        got = np.asarray(fss.bessel_jn(BESSEL_Z, v=4))
        assert got.shape == (5, BESSEL_Z.size)
        want = np.stack([ss.jv(k, BESSEL_Z) for k in range(5)])
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(got, np.asarray(jss.bessel_jn(BESSEL_Z, v=4)), rtol=1e-12,
                                   atol=1e-15)
        y = np.asarray(fss.sph_harm_y(*SPH))
        assert y.dtype == np.complex128
        np.testing.assert_allclose(y, ss.sph_harm_y(*SPH), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(y, np.asarray(jss.sph_harm_y(*SPH)), rtol=1e-12, atol=1e-15)
        # degrees above n_max are clipped to n_max, as JAX
        clipped = fss.sph_harm_y(SPH[0], SPH[1] * 0, SPH[2], SPH[3], n_max=3)
        np.testing.assert_allclose(np.asarray(clipped), np.asarray(
            jss.sph_harm_y(SPH[0], SPH[1] * 0, SPH[2], SPH[3], n_max=3)), rtol=1e-12, atol=1e-15)


def test_bessel_jn_float32_small_z_does_not_overflow():
    z = np.array([1e-3, 0.05, 0.2, 1.0, 2.5], np.float32)  # JAX's recurrence overflows here
    got = np.asarray(fss.bessel_jn(z, v=3))
    assert got.dtype == np.float32
    want = np.stack([ss.jv(k, z.astype(np.float64)) for k in range(4)])
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-7)


def _all_float32(m, x, z, h, a, h1):
    """One program for the float32 checks, over m = functrans or jax (one compile each)."""
    sp = m.scipy.special
    return (sp.wofz(z), sp.dawsn(x), *sp.fresnel(x), *sp.sici(x), sp.owens_t(h, a),
            sp.bessel_jn(x[9:13], v=2), sp.hyp1f1(*h1), sp.sph_harm_y(*SPH, n_max=6))


def test_float32_eager_jit_and_jax_agree():
    f32 = lambda v: v.astype(np.float32)  # noqa: E731
    args = (f32(X[X < 100]), Z.astype(np.complex64), f32(OWEN_H), f32(OWEN_A),
            tuple(map(f32, H1)))
    eager = _all_float32(ft, *args)
    jitted = ft.jit(lambda *v: _all_float32(ft, *v))(*args)
    want = jax.jit(lambda *v: _all_float32(jax, *v))(*args)
    for e, j, w in zip(eager, jitted, want, strict=True):
        e, j, w = np.asarray(e), np.asarray(j), np.asarray(w)
        assert e.dtype == j.dtype == w.dtype and e.dtype in (np.float32, np.complex64)
        np.testing.assert_allclose(j, e, rtol=2e-5, atol=1e-6)
        np.testing.assert_allclose(e, w, rtol=2e-5, atol=1e-6)
    h2 = tuple(map(f32, H2))  # 2F1 against its own jit and SciPy (where its series converge)
    e, j = np.asarray(fss.hyp2f1(*h2)), np.asarray(ft.jit(fss.hyp2f1)(*h2))
    assert e.dtype == j.dtype == np.float32
    np.testing.assert_allclose(j, e, rtol=2e-5)
    keep = H2[3] <= 0.95
    np.testing.assert_allclose(e[keep], ss.hyp2f1(*H2)[keep], rtol=5e-5)


def test_edge_values():
    inf, nan = np.inf, np.nan
    with x64_mode(True):
        si, ci = fss.sici(np.array([0.0, -0.0, inf, -inf, nan]))
        np.testing.assert_array_equal(np.asarray(si), [0.0, 0.0, np.pi / 2, -np.pi / 2, nan])
        np.testing.assert_array_equal(np.asarray(ci), [-inf, -inf, 0.0, nan, nan])
        s, c = fss.fresnel(np.array([0.0, inf, -inf]))
        np.testing.assert_array_equal(np.asarray(s), [0.0, 0.5, -0.5])
        np.testing.assert_array_equal(np.asarray(c), [0.0, 0.5, -0.5])
        np.testing.assert_array_equal(np.asarray(fss.dawsn(np.array([0.0, inf, -inf]))), 0.0)
        np.testing.assert_allclose(np.asarray(fss.wofz(0.0)), 1.0, rtol=1e-13)
        h = np.array([0.0, 0.0, 1.5, 2.0, nan])
        a = np.array([0.7, -3.0, 0.0, 1.0, 0.5])
        np.testing.assert_allclose(np.asarray(fss.owens_t(h, a)), ss.owens_t(h, a), rtol=1e-14)
        a1, b1, x1 = np.array([0.0, 0.0, 2.0, 2.0]), np.array([0.0, 3.0, 2.0, 0.0]), np.ones(4)
        np.testing.assert_allclose(np.asarray(fss.hyp1f1(a1, b1, x1)), [1.0, 1.0, np.e, inf],
                                   rtol=1e-15)
        c2 = np.array([-1.0, 0.0, 3.0, 3.0, 2.0])
        x2 = np.array([0.5, 0.5, 0.0, 2.0, 1.0])
        ones = np.ones(5)
        np.testing.assert_array_equal(np.asarray(fss.hyp2f1(ones, ones, c2, x2)),
                                      [inf, inf, 1.0, inf, inf])
        np.testing.assert_allclose(np.asarray(fss.hyp2f1(0.5, 0.5, 2.0, 1.0)),
                                   ss.hyp2f1(0.5, 0.5, 2.0, 1.0), rtol=1e-14)


def test_half_precision_is_computed_in_float32():
    x = np.array([-3.0, 0.1, 0.5, 1.0, 2.5, 5.0], np.float16)
    for name in ("dawsn", "fresnel", "sici"):
        got = _tuple(getattr(fss, name)(x))
        for g, w in zip(got, _scipy(name, (x.astype(np.float64),)), strict=True):
            assert g.dtype == np.float16
            np.testing.assert_allclose(g.astype(np.float64), w, rtol=2e-3, atol=1e-3)


# ---- derivatives ----------------------------------------------------------------------------

GX = np.array([-1.5, 0.1, 0.3, 1.0, 2.5, 4.5, 7.0])
UNARY_GRADS = [("dawsn", None), ("fresnel", 0), ("fresnel", 1), ("sici", 0), ("sici", 1)]


def _pick(f, sel):
    return f if sel is None else (lambda v: f(v)[sel])


def test_unary_grads_vs_jax_and_finite_differences():
    with x64_mode(True):
        for name, sel in UNARY_GRADS:
            f, jf = _pick(getattr(fss, name), sel), _pick(getattr(jss, name), sel)
            g = np.asarray(ft.vmap(ft.grad(f))(GX))
            jg = jax.jit(jax.vmap(jax.grad(jf)))(GX)
            np.testing.assert_allclose(g, np.asarray(jg), rtol=1e-9)
            np.testing.assert_allclose(g, _fd(_pick(getattr(ss, name), sel), GX), rtol=1e-7,
                                       atol=1e-9)
        z = np.array([1 + 1j, 0.5 - 2j, -3 + 0.2j])
        t = ft.jvp(fss.wofz, (z,), (np.ones_like(z),))[1]
        dz = 1e-6
        np.testing.assert_allclose(np.asarray(t), (ss.wofz(z + dz) - ss.wofz(z - dz)) / (2 * dz),
                                   rtol=1e-7)


def test_owens_t_and_bessel_grads():
    h, a = np.array([0.5, 1.0, 2.0, 0.0]), np.array([0.5, 2.0, -0.7, 1.5])
    with x64_mode(True):
        for argnum in (0, 1):
            g = np.asarray(ft.vmap(ft.grad(fss.owens_t, argnums=argnum))(h, a))
            jg = np.asarray(jax.jit(jax.vmap(jax.grad(jss.owens_t, argnums=argnum)))(h, a))
            np.testing.assert_allclose(g, jg, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.asarray(ft.vmap(ft.grad(fss.owens_t))(h, a)),
                                   _fd(lambda v: ss.owens_t(v, a), h), rtol=1e-7, atol=1e-10)
        z = BESSEL_Z[2:]
        g = np.asarray(ft.vmap(ft.grad(lambda v: fss.bessel_jn(v, v=2)[2]))(z))
        np.testing.assert_allclose(g, ss.jvp(2, z), rtol=1e-9, atol=1e-12)


def test_hypergeometric_grads_in_every_argument():
    a, b, x = np.array([0.5, 1.0, 2.0]), np.array([1.5, 2.0, 3.5]), np.array([0.5, 1.0, 3.0])
    c, x2 = np.array([2.5, 3.0, 4.5]), np.array([0.3, -0.4, 0.6])
    with x64_mode(True):
        g1 = ft.vmap(ft.grad(fss.hyp1f1, argnums=(0, 1, 2)))(a, b, x)
        j1 = jax.jit(jax.vmap(jax.grad(jss.hyp1f1, argnums=(0, 1, 2))))(a, b, x)
        g2 = ft.vmap(ft.grad(fss.hyp2f1, argnums=(0, 1, 2, 3)))(a, b, c, x2)
        j2 = jax.jit(jax.vmap(jax.grad(jss.hyp2f1, argnums=(0, 1, 2, 3))))(a, b, c, x2)
    for g, j in zip((*g1, *g2), (*j1, *j2), strict=True):
        np.testing.assert_allclose(np.asarray(g), np.asarray(j), rtol=1e-11)
    fd1 = [_fd(lambda v: ss.hyp1f1(v, b, x), a), _fd(lambda v: ss.hyp1f1(a, v, x), b),
           _fd(lambda v: ss.hyp1f1(a, b, v), x)]
    fd2 = [_fd(lambda v: ss.hyp2f1(v, b, c, x2), a), _fd(lambda v: ss.hyp2f1(a, v, c, x2), b),
           _fd(lambda v: ss.hyp2f1(a, b, v, x2), c), _fd(lambda v: ss.hyp2f1(a, b, c, v), x2)]
    for g, fd in zip((*g1, *g2), (*fd1, *fd2), strict=True):
        np.testing.assert_allclose(np.asarray(g), fd, rtol=1e-7)


def test_sph_harm_y_grad_in_theta_vs_jax():
    n, m, th, ph = (v[:6] for v in SPH)

    def f(mod, t):
        return mod.numpy.sum(mod.numpy.real(mod.scipy.special.sph_harm_y(n, m, t, ph, n_max=5)))

    with x64_mode(True):
        g = np.asarray(ft.grad(lambda t: f(ft, t))(th))
        jg = np.asarray(jax.jit(jax.grad(lambda t: f(jax, t)))(th))
    np.testing.assert_allclose(g, jg, rtol=1e-10, atol=1e-12)


# ---- vmap, errors ---------------------------------------------------------------------------


def test_vmap_equals_loop():
    rows = np.linspace(0.1, 3.0, 12, dtype=np.float32).reshape(3, 4)
    a, b = np.array([0.5, 1.0, 2.0, 3.0], np.float32), np.float32(2.5)
    got = ft.vmap(lambda x: fss.hyp1f1(a, b, x))(rows)  # a while loop with a batched stop
    loop = np.stack([np.asarray(fss.hyp1f1(a, b, r)) for r in rows])
    np.testing.assert_allclose(np.asarray(got), loop, rtol=1e-6)
    got_s, got_c = ft.vmap(fss.sici)(rows * 2)
    loop = [fss.sici(r * 2) for r in rows]
    np.testing.assert_allclose(np.asarray(got_s), np.stack([np.asarray(s) for s, _ in loop]),
                               rtol=1e-6)
    np.testing.assert_allclose(np.asarray(got_c), np.stack([np.asarray(c) for _, c in loop]),
                               rtol=1e-6)


def test_bad_input_raises_named_errors():
    with pytest.raises(ValueError, match=r"\[dawsn\].*complex"):
        fss.dawsn(np.array([1 + 1j]))
    with pytest.raises(TypeError, match=r"\[bessel_jn\].*v"):
        fss.bessel_jn(1.0, v=-1)
    with pytest.raises(ValueError, match=r"\[bessel_jn\].*n_iter"):
        fss.bessel_jn(1.0, v=5, n_iter=3)
    with pytest.raises(NotImplementedError, match=r"\[sph_harm_y\].*diff_n"):
        fss.sph_harm_y(1, 0, 0.5, 0.5, diff_n=1)
    with pytest.raises(TypeError, match=r"\[sph_harm_y.*n_max"):
        ft.jit(lambda n: fss.sph_harm_y(n, 0, 0.5, 0.5))(np.array([2]))


# ---- stats.poisson.entropy, coverage --------------------------------------------------------


def test_poisson_entropy_vs_scipy_and_jax():
    mu = np.array([0.0, 1e-3, 0.5, 1.0, 5.0, 9.9, 10.0, 30.0, 99.0, 100.0, 150.0, 1e3])
    with x64_mode(True):
        got = np.asarray(fst.poisson.entropy(mu))
        np.testing.assert_allclose(got, sst.poisson(mu).entropy(), rtol=1e-9)
        np.testing.assert_allclose(got, np.asarray(jst.poisson.entropy(mu)), rtol=2e-6)
        assert np.isnan(np.asarray(fst.poisson.entropy(-1.0)))
    got32 = fst.poisson.entropy(mu.astype(np.float32), np.zeros((2, 1), np.float32))
    assert got32.shape == (2, mu.size) and got32.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got32)[0], sst.poisson(mu).entropy(), rtol=2e-5)


def _public(mod):
    return {n for n in dir(mod) if not n.startswith("_")}


def test_every_jax_scipy_special_and_stats_name_exists():
    assert _public(jss) <= _public(fss), sorted(_public(jss) - _public(fss))
    for name in _public(jst):
        sub = getattr(jst, name)
        if isinstance(sub, types.ModuleType):
            ours = getattr(fst, name)
            assert _public(sub) <= _public(ours), (name, sorted(_public(sub) - _public(ours)))
    assert callable(fnp.sum)
