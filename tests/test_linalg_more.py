"""The rest of issue 11 against JAX in float64: lax.custom_linear_solve / lax.custom_root
(values, jvp/grad vs JAX and finite differences, vmap == loop, jit == eager), det's
derivative at singular matrices, the new lax.linalg functions (schur, hessenberg,
householder_product, symmetric_product, cholesky_update, tridiagonal_solve) and the new
scipy.linalg functions (Schur-based ones and special matrices), and their errors.

Programs are written once over a namespace ``m`` (``FT``/``JAX``, see oracle.py)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, x64_mode

import functrans as ft
import functrans.numpy as fnp
from functrans.lax import linalg as fll
from functrans.scipy import linalg as fsl
from functrans.test_util import check_grads

RNG = np.random.default_rng(11)
A = RNG.normal(size=(4, 4))
SPD = A @ A.T + 4 * np.eye(4)
B = RNG.normal(size=(3, 3))
C = RNG.normal(size=(4, 3))
V = RNG.normal(size=(4,))
TALL = RNG.normal(size=(4, 3))
TOL = dict(rtol=1e-9, atol=1e-9)


@pytest.fixture(autouse=True)
def _x64():
    with x64_mode(True):
        yield


def _jsl():
    import jax.scipy.linalg as jsl
    return jsl


def _sl(m):
    return fsl if m is FT else _jsl()


def _ll(m):
    return fll if m is FT else jax.lax.linalg


def _grad(m):
    return m.ft.grad


# ---- custom_linear_solve ---------------------------------------------------------------

def _cls_program(m, symmetric=False):
    def f(a, b):
        sym = (a + a.T) / 2 if symmetric else a
        solve = lambda mv, r: m.np.linalg.solve(sym, r)  # noqa: E731
        tsolve = None if symmetric else (lambda vm, r: m.np.linalg.solve(sym.T, r))
        x = m.lax.custom_linear_solve(lambda v: sym @ v, b, solve, tsolve, symmetric=symmetric)
        return m.np.sum(x ** 2) + m.np.sum(m.np.sin(x))
    return f


@pytest.mark.parametrize("symmetric", [False, True])
def test_custom_linear_solve_matches_jax(symmetric):
    f_ft, f_jx = _cls_program(FT, symmetric), _cls_program(JAX, symmetric)
    assert_close(f_ft(SPD, V), f_jx(SPD, V), **TOL)
    for argnums in (0, 1, (0, 1)):
        g_ft = ft.grad(f_ft, argnums)(SPD, V)
        g_jx = jax.grad(f_jx, argnums)(SPD, V)
        for a, b in zip(np.atleast_1d(g_ft) if argnums != (0, 1) else g_ft,
                        np.atleast_1d(g_jx) if argnums != (0, 1) else g_jx, strict=True):
            assert_close(a, b, **TOL)
    t = (A, C[:, 0])
    assert_close(ft.jvp(f_ft, (SPD, V), t)[1], jax.jvp(f_jx, (SPD, V), t)[1], **TOL)
    assert_close(ft.jit(ft.grad(f_ft))(SPD, V), jax.grad(f_jx)(SPD, V), **TOL)


def test_custom_linear_solve_finite_differences_and_vmap():
    f = _cls_program(FT)
    check_grads(f, (SPD, V), order=2, modes=("fwd", "rev"))
    As = np.stack([SPD, SPD + np.eye(4)])
    Vs = np.stack([V, -V])
    g = ft.vmap(ft.grad(f, (0, 1)))(As, Vs)
    loop = [ft.grad(f, (0, 1))(a, v) for a, v in zip(As, Vs, strict=True)]
    for k in range(2):
        assert_close(g[k], np.stack([lp[k] for lp in loop]), **TOL)
    # only b batched, and only a batched
    assert_close(ft.vmap(f, (None, 0))(SPD, Vs), np.array([f(SPD, v) for v in Vs]), **TOL)
    assert_close(ft.vmap(f, (0, None))(As, V), np.array([f(a, V) for a in As]), **TOL)


def test_custom_linear_solve_pytree_and_solve_is_not_differentiated():
    """b is a dict; solve has no derivative of its own in a (stop_gradient inside), yet
    the implicit derivative through matvec is exact."""
    def make(m):
        def f(a, b):
            def matvec(v):
                return {"x": a @ v["x"], "y": 2.0 * v["y"]}

            def solve(mv, r):
                return {"x": m.np.linalg.solve(m.lax.stop_gradient(a), r["x"]),
                        "y": r["y"] / 2.0}
            out = m.lax.custom_linear_solve(matvec, b, solve, symmetric=True)
            return m.np.sum(out["x"] ** 2) + m.np.sum(out["y"] ** 3)
        return f
    b = {"x": V, "y": np.array([1.0, -2.0])}
    a = (SPD + SPD.T) / 2
    g_ft, g_jx = ft.grad(make(FT), (0, 1))(a, b), jax.grad(make(JAX), (0, 1))(a, b)
    assert_close(g_ft[0], g_jx[0], **TOL)
    for k in ("x", "y"):
        assert_close(g_ft[1][k], g_jx[1][k], **TOL)


def test_custom_linear_solve_errors():
    def needs_transpose(a, b):
        return fnp.sum(ft.lax.custom_linear_solve(lambda v: a @ v, b,
                                                  lambda mv, r: fnp.linalg.solve(a, r)))
    assert np.isfinite(ft.jvp(needs_transpose, (SPD, V), (A, V))[1])
    with pytest.raises(TypeError, match=r"\[custom_linear_solve\].*transpose_solve"):
        ft.grad(needs_transpose)(SPD, V)
    with pytest.raises(TypeError, match=r"\[custom_linear_solve\] matvec .*f64\[3\].*f64\[4\]"):
        ft.lax.custom_linear_solve(lambda v: v[:3], V, lambda mv, r: r)
    with pytest.raises(NotImplementedError, match=r"\[custom_linear_solve\] has_aux"):
        ft.lax.custom_linear_solve(lambda v: v, V, lambda mv, r: r, has_aux=True)


# ---- custom_root ----------------------------------------------------------------------------

def _root_program(m, has_aux=False):
    def f(a):
        def newton(g, x0):
            x = x0
            for _ in range(25):
                x = x - g(x) / (3 * x ** 2)
            return (x, x0) if has_aux else x
        out = m.lax.custom_root(lambda x: x ** 3 - a, m.np.ones_like(a), newton,
                                lambda g, y: y / g(m.np.ones_like(y)),
                                has_aux=has_aux)
        x = out[0] if has_aux else out
        return m.np.sum(m.np.sin(x) * a)
    return f


@pytest.mark.parametrize("has_aux", [False, True])
def test_custom_root_matches_jax(has_aux):
    f_ft, f_jx = _root_program(FT, has_aux), _root_program(JAX, has_aux)
    a = np.array([2.0, 5.0, 0.7])
    assert_close(f_ft(a), f_jx(a), **TOL)
    assert_close(ft.grad(f_ft)(a), jax.grad(f_jx)(a), **TOL)
    assert_close(ft.jit(ft.grad(f_ft))(a), jax.grad(f_jx)(a), **TOL)
    assert_close(ft.jvp(f_ft, (a,), (a,))[1], jax.jvp(f_jx, (a,), (a,))[1], **TOL)
    assert_close(ft.vmap(ft.grad(f_ft))(np.stack([a, 2 * a])),
                 np.stack([ft.grad(f_ft)(a), ft.grad(f_ft)(2 * a)]), **TOL)
    check_grads(f_ft, (a,), order=1, modes=("fwd", "rev"))


# ---- det at singular matrices -----------------------------------------------------------

def _rank(n, r, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, r)) @ rng.normal(size=(r, n))


@pytest.mark.parametrize("n,r", [(3, 2), (3, 1), (4, 3), (4, 2), (5, 4), (4, 4), (2, 1)])
def test_det_grad_finite_at_singular_matrices(n, r):
    a = _rank(n, r, n * 10 + r)
    g_ft = ft.grad(fnp.linalg.det)(a)
    assert np.all(np.isfinite(np.asarray(g_ft)))
    assert_close(g_ft, jax.grad(jax.numpy.linalg.det)(a), rtol=1e-8, atol=1e-10)
    assert_close(ft.jit(ft.grad(fnp.linalg.det))(a), g_ft, rtol=1e-8, atol=1e-10)


def test_det_hessian_and_vmap_of_grad():
    a = _rank(4, 3, 7)
    assert_close(ft.hessian(fnp.linalg.det)(A), jax.hessian(jax.numpy.linalg.det)(A),
                 rtol=1e-8, atol=1e-10)
    stack = np.stack([a, A])
    assert_close(ft.vmap(ft.grad(fnp.linalg.det))(stack),
                 jax.vmap(jax.grad(jax.numpy.linalg.det))(stack), rtol=1e-8, atol=1e-10)
    check_grads(fnp.linalg.det, (A,), order=1, modes=("fwd", "rev"))


# ---- lax.linalg additions ---------------------------------------------------------------

LAX_CASES = {
    "schur": (lambda m, a: tuple(_ll(m).schur(a)), (A,)),
    "schur_no_vectors": (lambda m, a: _ll(m).schur(a, compute_schur_vectors=False)[0], (A,)),
    "schur_complex": (lambda m, a: tuple(_ll(m).schur(a.astype(np.complex128))), (A,)),
    "hessenberg": (lambda m, a: tuple(_ll(m).hessenberg(a)), (A,)),
    "householder_product": (lambda m, a: _ll(m).householder_product(a[:, :3], a[0, :3] / 10),
                            (A,)),
    "tridiagonal": (lambda m, a: tuple(_ll(m).tridiagonal(a + a.T)), (A,)),
    "tridiagonal_upper": (lambda m, a: tuple(_ll(m).tridiagonal(a + a.T, lower=False)), (A,)),
    "ormqr_left_transpose": (lambda m, a, c: _ll(m).ormqr(a[:, :2], a[0, :2] / 3, c,
                                                          transpose=True), (A, C)),
    "ormqr_right": (lambda m, a, c: _ll(m).ormqr(a, a[0] / 3, c.T, left=False), (A, C)),
    "lu_pivots_to_permutation": (
        lambda m, p: _ll(m).lu_pivots_to_permutation(p, 5),
        (np.array([[2, 2, 3, 4], [1, 4, 2, 3]], np.int32),)),
    "qdwh": (lambda m, a: tuple(_ll(m).qdwh(a)), (TALL,)),
    "qdwh_square": (lambda m, a: tuple(_ll(m).qdwh(a, max_iterations=3)), (SPD,)),
    "svd_algorithm": (lambda m, a: _ll(m).svd(a, algorithm=_ll(m).SvdAlgorithm.QR)[1], (A,)),
    "symmetric_product": (lambda m, a, c: _ll(m).symmetric_product(a, c, alpha=2., beta=.5),
                          (TALL, SPD)),
    "cholesky_update": (lambda m, a, w: _ll(m).cholesky_update(
        _ll(m).cholesky(a).T, w), (SPD, V)),
    "tridiagonal_solve": (lambda m, dl, d, du, b: _ll(m).tridiagonal_solve(dl, d, du, b),
                          (V, V + 5, V[::-1], C)),
}


@pytest.mark.parametrize("name", sorted(LAX_CASES))
def test_lax_linalg_values_eager_and_jit(name):
    fn, args = LAX_CASES[name]
    expect = fn(JAX, *args)
    for got in (fn(FT, *args), ft.jit(lambda *xs: fn(FT, *xs))(*args)):
        for g, e in zip(np.atleast_1d(got) if not isinstance(got, tuple) else got,
                        np.atleast_1d(expect) if not isinstance(expect, tuple) else expect,
                        strict=True):
            assert_close(g, e, **TOL)


def test_lax_linalg_vmap_equals_loop():
    stack = np.stack([A, B[:1].repeat(4, 0)[:, :1] * A, A.T])
    for fn in (lambda x: fll.schur(x)[0], lambda x: fll.hessenberg(x)[0]):
        assert_close(ft.vmap(fn)(stack), np.stack([fn(x) for x in stack]), **TOL)
    dls = np.stack([V, 2 * V])
    f = lambda dl, b: fll.tridiagonal_solve(dl, V + 5, V[::-1], b)  # noqa: E731
    assert_close(ft.vmap(f, (0, None))(dls, C), np.stack([f(x, C) for x in dls]), **TOL)


def test_tridiagonal_solve_grad_matches_jax():
    def f(m):
        return lambda dl, d, du, b: m.np.sum(_ll(m).tridiagonal_solve(dl, d, du, b) ** 2)
    args = (V, V + 5, V[::-1], C)
    for a, b in zip(ft.grad(f(FT), (0, 1, 2, 3))(*args),
                    jax.grad(f(JAX), (0, 1, 2, 3))(*args), strict=True):
        assert_close(a, b, **TOL)
    check_grads(f(FT), args, order=1, modes=("fwd", "rev"))


# ---- scipy.linalg additions -------------------------------------------------------------

def _abs(x, m):
    return m.np.abs(x)


SCIPY_CASES = {
    "schur_real": lambda m: tuple(_sl(m).schur(A)),
    "schur_complex_t": lambda m: _abs(_sl(m).schur(A, output="complex")[0], m),
    "rsf2csf": lambda m: tuple(_sl(m).rsf2csf(*_sl(m).schur(A))),
    "hessenberg_q": lambda m: tuple(_sl(m).hessenberg(A, calc_q=True)),
    "sqrtm": lambda m: _sl(m).sqrtm(A),
    "sqrtm_spd": lambda m: _sl(m).sqrtm(SPD),
    "funm_exp": lambda m: _sl(m).funm(A, m.np.exp),
    "funm_err": lambda m: _sl(m).funm(A, m.np.sin, disp=False),
    "solve_sylvester": lambda m: _sl(m).solve_sylvester(A, B, C),
    "solve_sylvester_singular": lambda m: _sl(m).solve_sylvester(A, -A, SPD),
    "polar_right": lambda m: tuple(_sl(m).polar(TALL)),
    "polar_left": lambda m: tuple(_sl(m).polar(TALL.T, side="left")),
    "expm_frechet": lambda m: tuple(_sl(m).expm_frechet(A / 3, SPD / 10)),
    "eigh_tridiagonal": lambda m: _sl(m).eigh_tridiagonal(V, V[:3], eigvals_only=True),
    "eigh_tridiagonal_i": lambda m: _sl(m).eigh_tridiagonal(
        V, V[:3], eigvals_only=True, select="i", select_range=(1, 2)),
    "qr_multiply_right": lambda m: _abs(_sl(m).qr_multiply(TALL, C.T[:2])[0], m),
    "qr_multiply_left": lambda m: _abs(_sl(m).qr_multiply(TALL, B, mode="left")[0], m),
    "toeplitz": lambda m: _sl(m).toeplitz(V, C.T),
    "toeplitz_complex": lambda m: _sl(m).toeplitz(V + 1j * V[::-1]),
    "hankel": lambda m: _sl(m).hankel(V, C[:, 0]),
    "hankel_default": lambda m: _sl(m).hankel(C.T),
    "circulant": lambda m: _sl(m).circulant(C.T),
    "leslie": lambda m: _sl(m).leslie(V, V[:3]),
    "companion": lambda m: _sl(m).companion(np.array([1, -10, 31, -30])),
    "fiedler": lambda m: _sl(m).fiedler(C.T),
    "fiedler_companion": lambda m: _sl(m).fiedler_companion(np.arange(1.0, 7.0)),
    "convolution_matrix_full": lambda m: _sl(m).convolution_matrix(V, 3),
    "convolution_matrix_same": lambda m: _sl(m).convolution_matrix(V[:3], 5, "same"),
    "convolution_matrix_valid": lambda m: _sl(m).convolution_matrix(C.T, 2, "valid"),
    "hilbert": lambda m: _sl(m).hilbert(4),
    "invhilbert": lambda m: _sl(m).invhilbert(5),
    "pascal": lambda m: _sl(m).pascal(5),
    "pascal_upper": lambda m: _sl(m).pascal(4, "upper"),
    "invpascal": lambda m: _sl(m).invpascal(5),
    "invpascal_lower": lambda m: _sl(m).invpascal(4, "lower"),
    "helmert_full": lambda m: _sl(m).helmert(5, full=True),
    "hadamard": lambda m: _sl(m).hadamard(8),
    "dft": lambda m: _sl(m).dft(5, "sqrtn"),
}


@pytest.mark.parametrize("name", sorted(SCIPY_CASES))
def test_scipy_linalg_matches_jax(name):
    got, expect = SCIPY_CASES[name](FT), SCIPY_CASES[name](JAX)
    got = got if isinstance(got, tuple) else (got,)
    expect = expect if isinstance(expect, tuple) else (expect,)
    loose = name.startswith("pascal")  # JAX's pascal is float32 through lgamma; ours exact
    for g, e in zip(got, expect, strict=True):
        assert_close(g, e, rtol=1e-5 if loose else 1e-8, atol=1e-9)


def test_scipy_linalg_float32_and_jit():
    with x64_mode(False):
        a32 = A[:3, :3].astype(np.float32)
        expect = _jsl().sqrtm(a32)
        assert_close(fsl.sqrtm(a32), expect, rtol=2e-4, atol=2e-4)
        assert_close(ft.jit(fsl.sqrtm)(a32), expect, rtol=2e-4, atol=2e-4)
        assert_close(fsl.funm(a32, fnp.exp), _jsl().funm(a32, jax.numpy.exp), rtol=2e-4,
                     atol=2e-4)
        assert_close(ft.jit(fsl.toeplitz)(a32[0]), _jsl().toeplitz(a32[0]))


def test_expm_frechet_is_finite_differences_of_expm():
    e = SPD / 10
    _, frechet = fsl.expm_frechet(A / 3, e)
    h = 1e-6
    fd = (np.asarray(fsl.expm(A / 3 + h * e)) - np.asarray(fsl.expm(A / 3 - h * e))) / (2 * h)
    assert_close(frechet, fd, rtol=1e-6, atol=1e-7)


# ---- errors -----------------------------------------------------------------------------

ERRORS = [
    (lambda: fll.schur(np.ones((3, 4))), ValueError, r"\[schur\] needs square.*f64\[3,4\]"),
    (lambda: fll.hessenberg(np.ones((3,))), ValueError, r"\[hessenberg\].*rank >= 2"),
    (lambda: fll.schur(np.ones((2, 2)), sort_eig_vals=True), NotImplementedError,
     r"\[schur\] sorting"),
    (lambda: fll.householder_product(np.ones((2, 3)), np.ones(2)), ValueError,
     r"\[householder_product\].*f64\[2,3\]"),
    (lambda: fll.tridiagonal_solve(V, V, V[:3], C), ValueError,
     r"\[tridiagonal_solve\].*\(4,\), \(4,\), \(3,\)"),
    (lambda: fll.symmetric_product(TALL, B), ValueError, r"\[symmetric_product\].*\(3, 3\)"),
    (lambda: fll.cholesky_update(SPD, V[:3]), ValueError, r"\[cholesky_update\].*\(3,\)"),
    (lambda: fll.qdwh(TALL.T), ValueError, r"\[qdwh\].*m >= n.*\(3, 4\)"),
    (lambda: fll.cholesky(SPD.astype(np.complex128)), TypeError,
     r"\[cholesky\] complex matrices are not supported"),
    (lambda: fsl.solve_sylvester(A, B, TALL.T), ValueError, r"\[solve_sylvester\].*\(3, 4\)"),
    (lambda: fsl.schur(A, output="x"), ValueError, r"\[schur\] output"),
    (lambda: fsl.sqrtm(A, blocksize=2), NotImplementedError, r"\[sqrtm\]"),
    (lambda: fsl.funm(np.ones((2, 3)), np.exp), ValueError, r"\[funm\].*\(2, 3\)"),
    (lambda: fsl.polar(A, side="up"), ValueError, r"\[polar\] side"),
    (lambda: fsl.eigh_tridiagonal(V, V), ValueError, r"\[eigh_tridiagonal\].*\(4,\)"),
    (lambda: fsl.eigh_tridiagonal(V, V[:3], select="v"), NotImplementedError,
     r"\[eigh_tridiagonal\] select='v'"),
    (lambda: fsl.qr_multiply(TALL, B[:2]), ValueError, r"\[qr_multiply\].*\(4, 3\)"),
    (lambda: fsl.leslie(V, V), ValueError, r"\[leslie\].*\(4,\)"),
    (lambda: fsl.hadamard(3), ValueError, r"\[hadamard\].*3"),
    (lambda: fsl.convolution_matrix(V, 0), ValueError, r"\[convolution_matrix\]"),
    (lambda: fsl.expm_frechet(A, B), ValueError, r"\[expm_frechet\].*\(3, 3\)"),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_bad_input_errors(k):
    fn, exc, pattern = ERRORS[k]
    with pytest.raises(exc, match=pattern):
        fn()


def test_off_cpu_lowering_is_a_clear_error():
    with pytest.raises(NotImplementedError, match=r"\[schur\] has an XLA lowering only for "
                                                  r"the CPU"):
        ft.jit(lambda x: fll.schur(x)[0] + 1.0).trace(A + 0.5).lower(
            lowering_platforms=("cuda",))
