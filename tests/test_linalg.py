"""functrans.numpy.linalg and functrans.lax.linalg against JAX (and SciPy): values eager
and under jit, gradients and Hessians vs JAX, jvp vs finite differences, vmap vs a
loop, the transpose identity of triangular_solve, singular inputs, errors.

Programs are written once over a namespace ``m`` (``FT``/``JAX``); decompositions whose
factors are defined up to signs (eigh, svd, qr) are compared through sign-invariant
quantities (eigenvalues, squared vector entries, reconstructions)."""

from __future__ import annotations

import jax
import numpy as np
import pytest
from oracle import FT, JAX, assert_close, to_np

import functrans as ft
import functrans.numpy as fnp
from functrans import lax as flax
from functrans.lax import linalg as fll
from functrans.test_util import check_grads

RNG = np.random.default_rng(0)
A = RNG.normal(size=(4, 4)).astype(np.float32)
SPD = (A @ A.T + 4 * np.eye(4)).astype(np.float32)
B = RNG.normal(size=(4, 3)).astype(np.float32)
V = RNG.normal(size=(4,)).astype(np.float32)
TALL = RNG.normal(size=(5, 3)).astype(np.float32)
WIDE = TALL.T.copy()
BATCH = RNG.normal(size=(3, 4, 4)).astype(np.float32)
SPD_BATCH = (BATCH @ BATCH.transpose(0, 2, 1) + 4 * np.eye(4)).astype(np.float32)

L = lambda m: m.np.linalg  # noqa: E731


def _sq(x, m):
    return x * x


# name -> (program over m, args); outputs must be sign-invariant
VALUE_CASES = {
    "solve_vec": (lambda m, a, b: L(m).solve(a, b), (A, V)),
    "solve_mat": (lambda m, a, b: L(m).solve(a, b), (A, B)),
    "solve_batch_bcast": (lambda m, a, b: L(m).solve(a, b), (BATCH, B)),
    "inv": (lambda m, a: L(m).inv(a), (BATCH,)),
    "det": (lambda m, a: L(m).det(a), (BATCH,)),
    "slogdet": (lambda m, a: tuple(L(m).slogdet(a)), (BATCH,)),
    "cholesky": (lambda m, a: L(m).cholesky(a), (SPD_BATCH,)),
    "cholesky_upper": (lambda m, a: L(m).cholesky(a, upper=True), (SPD,)),
    "qr_reduced": (lambda m, a: tuple(m.np.abs(x) for x in L(m).qr(a)), (TALL,)),
    "qr_complete": (lambda m, a: tuple(m.np.abs(x) for x in L(m).qr(a, mode="complete")),
                    (TALL,)),
    "qr_r_wide": (lambda m, a: m.np.abs(L(m).qr(a, mode="r")), (WIDE,)),
    "svd": (lambda m, a: (lambda u, s, vh: (m.np.abs(u), s, m.np.abs(vh)))(
        *L(m).svd(a, full_matrices=False)), (TALL,)),
    "svd_full_wide": (lambda m, a: (lambda u, s, vh: (s, (u * s) @ vh[:3]))(*L(m).svd(a)),
                      (WIDE,)),
    "svdvals": (lambda m, a: L(m).svdvals(a), (BATCH,)),
    "eigh": (lambda m, a: (lambda w, v: (w, v * v))(*L(m).eigh(a)), (SPD_BATCH,)),
    "eigh_upper": (lambda m, a: L(m).eigh(a, UPLO="U", symmetrize_input=False)[0], (A,)),
    "eigvalsh": (lambda m, a: L(m).eigvalsh(a), (SPD,)),
    "pinv": (lambda m, a: L(m).pinv(a), (TALL,)),
    "lstsq": (lambda m, a, b: L(m).lstsq(a, b)[:3], (TALL, TALL[:, :2] @ B[:2])),
    "lstsq_vec": (lambda m, a, b: L(m).lstsq(a, b)[0], (TALL, TALL[:, 0])),
    "matrix_rank": (lambda m, a: L(m).matrix_rank(a), (np.stack([A, A * 0, SPD]),)),
    "matrix_power": (lambda m, a: (L(m).matrix_power(a, 5), L(m).matrix_power(a, -2),
                                   L(m).matrix_power(a, 0)), (A / 2,)),
    "cond": (lambda m, a: (L(m).cond(a), L(m).cond(a, -2), L(m).cond(a, "fro"),
                           L(m).cond(a, 1)), (SPD,)),
    "norms_matrix": (lambda m, a: tuple(L(m).norm(a, o) for o in (None, "fro", "nuc", 2, -2,
                                                                  1, -1, np.inf, -np.inf)),
                     (A,)),
    "norm_axes_keepdims": (lambda m, a: L(m).norm(a, 2, axis=(0, 2), keepdims=True),
                           (BATCH,)),
    "vector_matrix_norm": (lambda m, a: (L(m).vector_norm(a), L(m).vector_norm(a, ord=1,
                                                                               axis=1),
                                         L(m).matrix_norm(a), L(m).matrix_norm(a, ord="nuc")),
                           (BATCH,)),
    "multi_dot": (lambda m, a, b, v: (L(m).multi_dot([v, a, b]), L(m).multi_dot([a, a, b])),
                  (A, B, V)),
    "tensorsolve": (lambda m, a, b: L(m).tensorsolve(a, b), (A.reshape(2, 2, 4), V.reshape(2,
                                                                                          2))),
    "tensorinv": (lambda m, a: L(m).tensorinv(a, 1), (A.reshape(4, 2, 2),)),
    "products": (lambda m, a, v: (L(m).outer(v, v), L(m).cross(v[:3], v[1:]),
                                  L(m).trace(a, offset=1), L(m).diagonal(a, offset=-1),
                                  L(m).matrix_transpose(a), L(m).vecdot(a, a)), (BATCH, V)),
}


def _run(prog, m, args, jit=False):
    f = lambda *a: prog(m, *a)  # noqa: E731
    return to_np((m.jit(f) if jit else f)(*args))


@pytest.mark.parametrize("name", sorted(VALUE_CASES))
def test_values_match_jax_eager_and_jit(name):
    prog, args = VALUE_CASES[name]
    want = _run(prog, JAX, args, jit=True)
    for jit in (False, True):
        got = _run(prog, FT, args, jit=jit)
        jax.tree_util.tree_map(lambda g, w: assert_close(g, w, rtol=2e-4, atol=2e-4), got,
                               want)


# ---- derivatives ----------------------------------------------------------------------------

def _scalarize(m, out):
    leaves = jax.tree_util.tree_leaves(out)
    return sum(m.np.sum(m.np.sin(x)) for x in leaves)


GRAD_CASES = {
    "solve": (lambda m, a, b: L(m).solve(a, b), (A, B)),
    "inv": (lambda m, a: L(m).inv(a), (A,)),
    "det": (lambda m, a: L(m).det(a), (BATCH,)),
    "slogdet": (lambda m, a: L(m).slogdet(a)[1], (A,)),
    "cholesky": (lambda m, a: L(m).cholesky(a), (SPD,)),
    "cholesky_solve": (lambda m, a, b: fl_of(m).triangular_solve(
        L(m).cholesky(a), b, left_side=True, lower=True, transpose_a=True), (SPD, B)),
    "triangular_right": (lambda m, a, b: fl_of(m).triangular_solve(
        a + 4 * m.np.eye(4), b.T, left_side=False, lower=False), (A, B)),
    "lu": (lambda m, a: fl_of(m).lu(a)[0], (A,)),
    "qr": (lambda m, a: (lambda q, r: (q * q, r * r))(*L(m).qr(a)), (TALL,)),
    "eigh": (lambda m, a: (lambda w, v: (w, v * v))(*L(m).eigh(a)), (SPD,)),
    "svd_tall": (lambda m, a: (lambda u, s, vh: (s, u * u, vh * vh))(
        *L(m).svd(a, full_matrices=False)), (TALL,)),
    "svd_wide": (lambda m, a: (lambda u, s, vh: (s, u * u, vh * vh))(
        *L(m).svd(a, full_matrices=False)), (WIDE,)),
    "svdvals": (lambda m, a: L(m).svdvals(a), (BATCH,)),
    "pinv": (lambda m, a: L(m).pinv(a), (TALL,)),
    "norm2": (lambda m, a: L(m).norm(a, 2), (A,)),
}


def fl_of(m):
    return fll if m is FT else jax.lax.linalg


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_grad_and_hessian_match_jax(name):
    prog, args = GRAD_CASES[name]
    want = to_np(jax.grad(lambda *a: _scalarize(JAX, prog(JAX, *a)),
                          argnums=tuple(range(len(args))))(*args))
    got = to_np(ft.grad(lambda *a: _scalarize(FT, prog(FT, *a)),
                        argnums=tuple(range(len(args))))(*args))
    jax.tree_util.tree_map(lambda g, w: assert_close(g, w, rtol=2e-3, atol=2e-3), got, want)
    x0 = args[0]
    hw = jax.hessian(lambda x: _scalarize(JAX, prog(JAX, x, *args[1:])))(x0)
    hg = ft.hessian(lambda x: _scalarize(FT, prog(FT, x, *args[1:])))(x0)
    assert_close(np.asarray(hg), np.asarray(hw), rtol=5e-3, atol=5e-3)


@pytest.mark.parametrize("name", ["solve", "det", "cholesky", "eigh", "svd_tall", "qr"])
def test_jvp_and_vjp_match_finite_differences(name):
    """check_grads order 1 in float32 (step and tolerances for float32; x64 checks of
    order 2 need the 64-bit mode, not on this branch), then jit(grad) == grad."""
    prog, args = GRAD_CASES[name]
    f = lambda *a: _scalarize(FT, prog(FT, *a))  # noqa: E731
    check_grads(f, args, order=1, atol=5e-2, rtol=5e-2, eps=1e-2)
    g = ft.grad(f)
    assert_close(np.asarray(ft.jit(g)(*args)), np.asarray(g(*args)), rtol=1e-3, atol=1e-3)


def test_triangular_solve_transpose_identity():
    a = np.tril(A) + 4 * np.eye(4, dtype=np.float32)
    for left in (True, False):
        b = B if left else B.T
        f = lambda x: fll.triangular_solve(a, x, left_side=left, lower=True)  # noqa: E731,B023
        y, f_vjp = ft.vjp(f, b)
        ct = RNG.normal(size=np.shape(y)).astype(np.float32)
        t = RNG.normal(size=b.shape).astype(np.float32)
        (ct_in,) = f_vjp(ct)
        lhs = float(np.sum(ct * np.asarray(f(t))))
        rhs = float(np.sum(np.asarray(ct_in) * t))
        assert abs(lhs - rhs) < 1e-3 * max(1.0, abs(lhs))


# ---- vmap -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["solve_mat", "det", "cholesky", "eigh", "svd", "qr_reduced",
                                  "inv"])
def test_vmap_equals_loop(name):
    prog, args = VALUE_CASES[name]
    xs = np.stack([args[0], args[0] * 1.5 + np.eye(*args[0].shape[-2:], dtype=np.float32)])
    f = lambda x: prog(FT, x, *args[1:])  # noqa: E731
    got = to_np(ft.vmap(f)(xs))
    want = [to_np(f(x)) for x in xs]
    want = jax.tree_util.tree_map(lambda *w: np.stack(w), *want)
    jax.tree_util.tree_map(lambda g, w: assert_close(g, w, rtol=1e-4, atol=1e-4), got, want)


def test_vmap_of_grad_and_batched_rhs():
    g = ft.vmap(ft.grad(lambda a: fnp.linalg.slogdet(a)[1]))(BATCH)
    assert_close(np.asarray(g), np.asarray(jax.vmap(jax.grad(
        lambda a: jax.numpy.linalg.slogdet(a)[1]))(BATCH)), rtol=1e-3, atol=1e-3)
    bs = RNG.normal(size=(3, 4)).astype(np.float32)
    got = ft.vmap(fnp.linalg.solve, in_axes=(None, 0))(A, bs)
    assert_close(np.asarray(got), np.linalg.solve(A, bs.T).T.astype(np.float32), rtol=1e-4,
                 atol=1e-4)
    got = ft.jit(ft.vmap(lambda a, b: fll.triangular_solve(a, b, left_side=True, lower=True),
                         in_axes=(0, None)))(SPD_BATCH, B)
    want = jax.vmap(lambda a, b: jax.lax.linalg.triangular_solve(a, b, left_side=True,
                                                                 lower=True),
                    in_axes=(0, None))(SPD_BATCH, B)
    assert_close(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-4)


# ---- singular and ill-conditioned inputs ------------------------------------------------------

def test_singular_and_not_positive_definite_inputs_give_what_jax_gives():
    sing = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)
    neg = -np.eye(2, dtype=np.float32)
    for jit in (False, True):
        wrap = ft.jit if jit else (lambda f: f)
        assert float(wrap(fnp.linalg.det)(sing)) == pytest.approx(0.0, abs=1e-6)
        assert_close(np.asarray(wrap(fnp.linalg.cholesky)(neg)),
                     np.asarray(jax.numpy.linalg.cholesky(neg)))
        assert not np.isfinite(np.asarray(wrap(fnp.linalg.inv)(np.zeros((2, 2), np.float32)))
                               ).all()
        sign, logdet = wrap(fnp.linalg.slogdet)(np.zeros((2, 2), np.float32))
        assert float(sign) == 0.0 and float(logdet) == -np.inf
    assert np.isnan(np.asarray(jax.numpy.linalg.cholesky(neg))).any()


def test_eager_matches_scipy_in_float64_reference():
    import scipy.linalg as sla
    lu, piv, perm = fll.lu(A)
    lu_s, piv_s = sla.lu_factor(A.astype(np.float64))
    assert_close(np.asarray(lu), lu_s.astype(np.float32), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(np.asarray(piv), piv_s)
    np.testing.assert_array_equal(np.asarray(A)[np.asarray(perm)],
                                  np.asarray(A)[np.asarray(perm)])
    p, lo, up = sla.lu(A.astype(np.float64))
    np.testing.assert_allclose(np.asarray(A)[np.asarray(perm)], (lo @ up), rtol=1e-5,
                               atol=1e-5)
    assert_close(np.asarray(fll.lu_pivots_to_permutation(piv, 4)), np.asarray(perm))


# ---- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: fnp.linalg.inv(np.ones((2, 3), np.float32)), r"\[inv\].*\(2, 3\)"),
    (lambda: fnp.linalg.solve(np.ones((2, 3, 3), np.float32), np.ones((4, 3, 1), np.float32)),
     r"\[solve\].*do not broadcast"),
    (lambda: fnp.linalg.solve(np.ones((3, 3), np.float32), np.ones((4,), np.float32)),
     r"\[solve\].*3 rows"),
    (lambda: fnp.linalg.norm(np.ones((2, 2), np.float32), ord=3), r"\[norm\].*ord=3"),
    (lambda: fnp.linalg.det(np.ones((3,), np.float32)), r"\[det\].*rank >= 2"),
    (lambda: fll.cholesky(np.ones((2, 3), np.float32)), r"\[cholesky\].*square"),
    (lambda: fll.triangular_solve(np.eye(3, dtype=np.float32), np.ones((2, 3), np.float32),
                                  left_side=True), r"\[triangular_solve\].*f32\[3,3\]"),
    (lambda: fnp.linalg.matrix_power(np.ones((2, 3), np.float32), 2), r"\[matrix_power\]"),
    (lambda: fnp.linalg.tensorinv(np.ones((2, 3), np.float32)), r"\[tensorinv\]"),
])
def test_bad_input_raises_named_error(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_lowering_uses_lapack_and_stablehlo_text():
    text = ft.jit(fnp.linalg.solve).lower(A, B).as_text()
    assert "lapack_sgetrf_ffi" in text and "lapack_strsm_ffi" in text
    text = ft.jit(lambda a: fnp.linalg.svd(a)[1] + fnp.linalg.eigvalsh(a)).lower(SPD).as_text()
    assert "lapack_sgesdd_ffi" in text and "lapack_ssyevd_ffi" in text
    assert flax.linalg is fll


# ---- float64: second-order derivatives vs finite differences, values vs SciPy ------------

X64_CASES = {
    "solve": (lambda a, b: fnp.linalg.solve(a, b), (A, B)),
    "det": (lambda a: fnp.linalg.det(a), (A,)),
    "slogdet": (lambda a: fnp.linalg.slogdet(a)[1], (A,)),
    "inv": (lambda a: fnp.linalg.inv(a), (A,)),
    "cholesky": (lambda a: fnp.linalg.cholesky(a), (SPD,)),
    "triangular_solve": (lambda a, b: fll.triangular_solve(a, b, left_side=True, lower=True,
                                                           transpose_a=True), (SPD, B)),
    "lu": (lambda a: fll.lu(a)[0], (A,)),
    "qr": (lambda a: (lambda q, r: (q * q, r * r))(*fnp.linalg.qr(a)), (TALL,)),
    "eigh": (lambda a: (lambda w, v: (w, v * v))(*fnp.linalg.eigh(a)), (SPD,)),
    "svd": (lambda a: (lambda u, s, vh: (s, u * u, vh * vh))(
        *fnp.linalg.svd(a, full_matrices=False)), (TALL,)),
    "svd_wide": (lambda a: (lambda u, s, vh: (s, u * u, vh * vh))(
        *fnp.linalg.svd(a, full_matrices=False)), (WIDE,)),
    "pinv": (lambda a: fnp.linalg.pinv(a), (TALL,)),
}


@pytest.mark.parametrize("name", sorted(X64_CASES))
def test_check_grads_order2_float64(name):
    from oracle import x64_mode
    fn, args = X64_CASES[name]
    with x64_mode(True):
        args64 = tuple(np.asarray(a, np.float64) for a in args)
        f = lambda *a: _scalarize(FT, fn(*a))  # noqa: E731
        check_grads(f, args64, order=2, modes=("fwd", "rev"))


def test_float64_values_match_scipy_and_jit():
    import scipy.linalg as sla
    from oracle import x64_mode
    with x64_mode(True):
        a, spd, b = A.astype(np.float64), SPD.astype(np.float64), B.astype(np.float64)
        for fn, want in ((fnp.linalg.solve, sla.solve(a, b)), (fnp.linalg.det, sla.det(a))):
            for f in (fn, ft.jit(fn)):
                got = f(a, b) if fn is fnp.linalg.solve else f(a)
                assert np.asarray(got).dtype == np.float64
                np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)
        for f in (fnp.linalg.cholesky, ft.jit(fnp.linalg.cholesky)):
            np.testing.assert_allclose(np.asarray(f(spd)), sla.cholesky(spd, lower=True),
                                       rtol=1e-10, atol=1e-12)
        for f in (fnp.linalg.eigvalsh, ft.jit(fnp.linalg.eigvalsh)):
            np.testing.assert_allclose(np.asarray(f(spd)), sla.eigvalsh(spd), rtol=1e-10)
        for f in (fnp.linalg.svdvals, ft.jit(fnp.linalg.svdvals)):
            np.testing.assert_allclose(np.asarray(f(a)), sla.svdvals(a), rtol=1e-10)


def test_eig_matches_jax_up_to_eigenvector_phase():
    """w equal; eigenvectors (unit norm, defined up to a phase per column) compared by
    modulus; eigvals differentiate as JAX's; vmap equals a loop."""
    for f in (lambda a: fll.eig(a), ft.jit(lambda a: fll.eig(a))):
        w, vl, vr = f(BATCH)
        wj, vlj, vrj = jax.lax.linalg.eig(BATCH)
        assert_close(np.asarray(w), np.asarray(wj), rtol=1e-4, atol=1e-4)
        for v, vj in ((vl, vlj), (vr, vrj)):
            assert_close(np.abs(np.asarray(v)), np.abs(np.asarray(vj)), rtol=1e-4, atol=1e-4)
    w, v = fnp.linalg.eig(A)
    assert_close(np.asarray(A.astype(np.complex64) @ np.asarray(v)),
                 np.asarray(v) * np.asarray(w)[None], rtol=1e-4, atol=1e-4)

    def loss(m, a):
        w = m.np.linalg.eigvals(a)
        return m.np.sum(m.np.real(w) ** 2 + m.np.imag(w) * m.np.real(w))
    g = ft.grad(lambda a: loss(FT, a))(A)
    assert_close(np.asarray(g), np.asarray(jax.grad(lambda a: loss(JAX, a))(A)), rtol=1e-3,
                 atol=1e-3)
    assert_close(np.asarray(ft.vmap(fnp.linalg.eigvals)(BATCH)),
                 np.stack([np.asarray(fnp.linalg.eigvals(b)) for b in BATCH]))
