"""Linear algebra: cholesky, triangular_solve, lu, qr, eigh, svd (as ``jax.lax.linalg``).

Every primitive works on stacks of matrices: the last two axes are the matrix, any
leading axes are batch axes (so vmap moves the batch axis to the front and binds the
primitive again). The NumPy impls compute in float64 and round to the operand's dtype;
failures (a matrix that is not positive definite, a singular triangular system) give
NaN/inf as the LAPACK lowerings do, never an exception. Derivatives follow the standard
matrix-calculus rules (written with other primitives, so they transform again); the
decompositions with a spectrum (eigh, svd) are not differentiable at repeated
eigenvalues/singular values, where the rules give inf/NaN, as JAX's do.
"""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from ..core.trace import bind, bind1
from . import _ops as ops
from ._batching import bdim_at_front
from ._builders import primitive

# ---- shared helpers (traceable: written with primitives) ---------------------------------


def _check_matrix(name: str, x: ShapedArray, square: bool = False,
                  complex_ok: bool = False) -> None:
    if not dtypes.is_inexact(x.dtype):
        raise TypeError(f"[{name}] needs a floating-point matrix, got {x.str_short()}; convert "
                        "with x.astype(jnp.float32)")
    if np.dtype(x.dtype).kind == "c" and not complex_ok:
        raise TypeError(f"[{name}] complex matrices are not supported yet, got "
                        f"{x.str_short()}; use a real formulation")
    if x.ndim < 2:
        raise ValueError(f"[{name}] needs an array of rank >= 2 (a matrix or a stack of "
                         f"matrices), got {x.str_short()}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"[{name}] needs square matrices (last two axes equal), got "
                         f"{x.str_short()}")


def mT(x):
    """Swap the last two axes."""
    nd = ops.aval(x).ndim
    return ops.transpose(x, (*range(nd - 2), nd - 1, nd - 2))


def mm(a, b):
    """Batched matrix product of (..., m, k) and (..., k, n) with equal batch axes."""
    nd = ops.aval(a).ndim
    batch = tuple(range(nd - 2))
    return ops.dot_general(a, b, (((nd - 1,), (nd - 2,)), (batch, batch)))


def _diagonal_offset(shape):
    """``col - row`` over ``shape``'s last two axes (iotas, fused by XLA)."""
    nd = len(shape)
    return ops.sub(ops.iota_along(shape, nd - 1), ops.iota_along(shape, nd - 2))


def tri_mask(shape, k: int = 0, lower: bool = True):
    """A bool array of ``shape`` true on/below (``lower``) or on/above diagonal ``k``."""
    offset = _diagonal_offset(shape)
    k = ops.scalar(k, dtypes.int32)
    return ops.le(offset, ops.broadcast_in_dim(k, shape, ())) if lower else \
        ops.ge(offset, ops.broadcast_in_dim(k, shape, ()))


def tril(x, k: int = 0):
    a = ops.aval(x)
    return ops.select_n(tri_mask(a.shape, k, True), ops.zeros_like(x), x)


def triu(x, k: int = 0):
    a = ops.aval(x)
    return ops.select_n(tri_mask(a.shape, k, False), ops.zeros_like(x), x)


def eye_like(x):
    a = ops.aval(x)
    zero = ops.broadcast_in_dim(ops.scalar(0, dtypes.int32), a.shape, ())
    return ops.convert(ops.eq(_diagonal_offset(a.shape), zero), a.dtype)


def diag_part(x):
    """The main diagonal (..., min(m, n)) of a stack of matrices."""
    a = ops.aval(x)
    k = min(a.shape[-2:])
    x = _slice_last2(x, k, k)
    return ops.reduce_sum(ops.mul(x, eye_like(x)), (a.ndim - 1,))


def diag_embed(d, n: int | None = None):
    """Square matrices with ``d`` (..., k) on the diagonal."""
    a = ops.aval(d)
    k = a.shape[-1]
    sq = ops.broadcast_in_dim(d, (*a.shape, k), tuple(range(a.ndim)))
    return ops.mul(sq, eye_like(sq))


def _slice_last2(x, m: int, n: int):
    a = ops.aval(x)
    if a.shape[-2:] == (m, n):
        return x
    from .shapes import slice_p
    return bind1(slice_p, x, start_indices=(0,) * a.ndim,
                 limit_indices=(*a.shape[:-2], m, n), strides=None)


def _f64(fn):
    """Run a NumPy impl in float64 and round its float results to the operand dtype."""
    def impl(x, *rest, **params):
        dtype = x.dtype
        outs = fn(np.asarray(x, np.float64), *[np.asarray(r, np.float64) for r in rest],
                  **params)
        cast = [o.astype(dtype) if o.dtype.kind == "f" else o for o in outs]
        return cast
    return impl


def _batched(fn, x, *rest):
    """Apply a per-matrix NumPy function over the leading batch axes; returns a list of
    stacked outputs."""
    batch = x.shape[:-2]
    flat = [a.reshape(-1, *a.shape[len(batch):]) for a in (x, *rest)]
    results = [fn(*args) for args in zip(*flat, strict=True)]
    if not results:  # empty batch: evaluate on zeros for shapes, keep none
        probe = fn(*[np.zeros(a.shape[1:], a.dtype) for a in flat])
        return [np.zeros((*batch, *p.shape), p.dtype) for p in probe]
    return [np.stack([r[i] for r in results]).reshape(*batch, *results[0][i].shape)
            for i in range(len(results[0]))]


def _front_vmap(prim):
    """vmap for a primitive that takes stacks natively: batch axis to the front."""
    def rule(axis_data, vals, bdims, **params):
        args = [bdim_at_front(v, b, axis_data.size) for v, b in zip(vals, bdims, strict=True)]
        outs = bind(prim, *args, **params)
        return outs, [0] * len(outs)
    return rule


# ---- cholesky ----------------------------------------------------------------------------

def _cholesky_abstract_eval(x):
    _check_matrix("cholesky", x, square=True)
    return ShapedArray(x.shape, x.dtype)


def _cholesky_one(a):
    try:
        return (np.linalg.cholesky(np.tril(a) + np.tril(a, -1).T),)
    except np.linalg.LinAlgError:
        return (np.tril(np.full_like(a, np.nan)),)  # as LAPACK's lowering: NaN lower part


def _cholesky_impl(x):
    return _f64(lambda a: _batched(_cholesky_one, a))(x)[0]


cholesky_p = primitive("cholesky", _cholesky_abstract_eval, _cholesky_impl)


def _cholesky_jvp(primals, tangents):
    """dL = L Phi(L^-1 dA L^-T), Phi = lower triangle with the diagonal halved; dA is
    symmetrized from its lower triangle (the primitive reads only that)."""
    (x,), (x_dot,) = primals, tangents
    L = bind1(cholesky_p, x)
    low = tril(x_dot, -1)
    sym = ops.add(ops.add(low, mT(low)), ops.mul(x_dot, eye_like(x_dot)))
    tmp = triangular_solve(L, sym, left_side=False, lower=True, transpose_a=True)
    inner = triangular_solve(L, tmp, left_side=True, lower=True)
    phi = ops.sub(tril(inner), ops.mul(ops.mul(inner, eye_like(inner)),
                                      ops.scalar_like(inner, 0.5)))
    return [L], [mm(L, phi)]


jvp_rules[cholesky_p] = _cholesky_jvp
vmap_rules[cholesky_p] = _front_vmap(cholesky_p)


# ---- triangular_solve ----------------------------------------------------------------------

def _triangular_solve_abstract_eval(a, b, *, left_side, lower, transpose_a, conjugate_a,
                                    unit_diagonal):
    _check_matrix("triangular_solve", a, square=True)
    _check_matrix("triangular_solve", b)
    m = a.shape[-1]
    side_dim = b.shape[-2] if left_side else b.shape[-1]
    if a.shape[:-2] != b.shape[:-2] or side_dim != m or a.dtype != b.dtype:
        side = "rows" if left_side else "columns"
        raise ValueError(f"[triangular_solve] a {a.str_short()} and b {b.str_short()} must "
                         f"have equal batch axes and dtypes, and b needs {m} {side} "
                         f"(left_side={left_side}); broadcast the batch axes first")
    return ShapedArray(b.shape, b.dtype)


def _substitute_lower(L, b, unit_diagonal: bool):
    """Forward substitution L x = b for stacks (B, m, m), (B, m, n), reading only L's
    strictly lower triangle and (unless ``unit_diagonal``) its diagonal (vectorized over the
    stack; zero pivots give inf/NaN)."""
    x = np.zeros_like(b)
    for i in range(L.shape[-1]):
        acc = np.einsum("bk,bkn->bn", L[:, i, :i], x[:, :i])
        x[:, i] = b[:, i] - acc if unit_diagonal else (b[:, i] - acc) / L[:, i, i, None]
    return x


def _triangular_solve_stack(a, b, *, left_side, lower, transpose_a, unit_diagonal):
    # the substitution reads only the triangle that ``lower`` names: no masking copy of a
    op = np.swapaxes(a, -1, -2) if transpose_a else a
    is_lower = lower != transpose_a
    if not left_side:  # x op = b  <=>  op^T x^T = b^T
        op, b, is_lower = np.swapaxes(op, -1, -2), np.swapaxes(b, -1, -2), not is_lower
    if is_lower:
        x = _substitute_lower(op, b, unit_diagonal)
    else:
        x = _substitute_lower(op[:, ::-1, ::-1], b[:, ::-1], unit_diagonal)[:, ::-1]
    return x if left_side else np.swapaxes(x, -1, -2)


def _triangular_solve_impl(a, b, *, conjugate_a, **params):
    def run(a64, b64):
        batch = a64.shape[:-2]
        x = _triangular_solve_stack(a64.reshape(-1, *a64.shape[-2:]),
                                    b64.reshape(-1, *b64.shape[-2:]), **params)
        return [x.reshape(*batch, *x.shape[-2:])]
    return _f64(run)(a, b)[0]


triangular_solve_p = primitive("triangular_solve", _triangular_solve_abstract_eval,
                               _triangular_solve_impl)


def triangular_solve(a, b, *, left_side=False, lower=False, transpose_a=False,
                     conjugate_a=False, unit_diagonal=False):
    return bind1(triangular_solve_p, a, b, left_side=left_side, lower=lower,
                 transpose_a=transpose_a, conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)


def _op_a(a, *, lower, transpose_a, unit_diagonal, **_):
    t = tril(a, -1 if unit_diagonal else 0) if lower else triu(a, 1 if unit_diagonal else 0)
    return mT(t) if transpose_a else t


def _triangular_solve_jvp(primals, tangents, **params):
    """x = op(a)^-1 b: dx = op(a)^-1 (db - op(da) x) (left; mirrored on the right).
    Symbolic-zero tangents skip their term."""
    a, b = primals
    a_dot, b_dot = tangents
    x = bind1(triangular_solve_p, a, b, **params)
    rhs = b_dot
    if a_dot is not None:
        da = _op_a(a_dot, **params)
        term = mm(da, x) if params["left_side"] else mm(x, da)
        rhs = ops.neg(term) if rhs is None else ops.sub(rhs, term)
    return [x], [bind1(triangular_solve_p, a, rhs, **params)]


_triangular_solve_jvp.accepts_zeros = True


def _triangular_solve_transpose(cts, a, b, **params):
    if ops.is_undefined(a):
        raise TypeError("[grad] triangular_solve is linear only in b")
    ct = cts[0]
    if ct is None:
        return [None, None]
    flipped = dict(params, transpose_a=not params["transpose_a"])
    return [None, bind1(triangular_solve_p, a, ct, **flipped)]


def _triangular_solve_vmap(axis_data, vals, bdims, **params):
    (a, b), (ba, bb) = vals, bdims
    a, b = bdim_at_front(a, ba, axis_data.size), bdim_at_front(b, bb, axis_data.size)
    return bind(triangular_solve_p, a, b, **params), [0]


jvp_rules[triangular_solve_p] = _triangular_solve_jvp
transpose_rules[triangular_solve_p] = _triangular_solve_transpose
vmap_rules[triangular_solve_p] = _triangular_solve_vmap


# ---- lu -------------------------------------------------------------------------------------

def _lu_abstract_eval(x):
    _check_matrix("lu", x)
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    return [ShapedArray(x.shape, x.dtype), ShapedArray((*batch, min(m, n)), np.dtype(np.int32)),
            ShapedArray((*batch, m), np.dtype(np.int32))]


def _lu_stack(a):
    """Gaussian elimination with partial pivoting (LAPACK getrf's choices) on a stack
    (B, m, n), vectorized over the stack."""
    nb, m, n = a.shape
    if m <= 4 and nb >= 64:
        return _lu_stack_small(a)
    k = min(m, n)
    # the row numbers ride along as an extra column, so the row swaps permute them too
    w = np.empty((nb, m, n + 1), a.dtype)
    w[:, :, :n] = a
    w[:, :, n] = np.arange(m)
    flat = w.reshape(nb * m, n + 1)  # a view: row r of matrix b is flat[b * m + r]
    first_row = np.arange(nb) * m
    piv = np.empty((nb, k), np.int32)
    for j in range(k):  # the eager solve's hot loop: a few whole-stack NumPy calls a column
        p = np.abs(w[:, j:, j]).argmax(axis=1)
        p += j
        piv[:, j] = p
        src = first_row + p
        row_p = flat.take(src, axis=0)  # swap rows j and p (p >= j; p == j rewrites row j)
        flat[src] = w[:, j]
        w[:, j] = row_p
        if j + 1 < m:
            d = w[:, j, j, None]
            w[:, j + 1:, j] /= np.where(d != 0, d, 1)  # a zero pivot leaves its column as is
            w[:, j + 1:, j + 1:n] -= w[:, j + 1:, j, None] * w[:, j, None, j + 1:n]
    return w[:, :, :n], piv, w[:, :, n].astype(np.int32)


def _lu_stack_small(a):
    """``_lu_stack`` for many matrices of few rows, with the stack as the last axis: every
    NumPy call runs over contiguous length-B rows (with B-first, the inner loops are 2-4
    long), and a row swap is a select per candidate row. The same arithmetic, so the same
    bits."""
    nb, m, n = a.shape
    k = min(m, n)
    w = np.empty((m, n + 1, nb), a.dtype)  # the row numbers ride along as column n
    w[:, :n] = a.transpose(1, 2, 0)
    w[:, n] = np.arange(m)[:, None]
    piv = np.empty((k, nb), np.int32)
    for j in range(k):
        p = np.abs(w[j:, j]).argmax(axis=0)
        p += j
        piv[j] = p
        row_j = w[j].copy()
        for i in range(j + 1, m):
            chosen = p == i
            w[j] = np.where(chosen, w[i], w[j])
            w[i] = np.where(chosen, row_j, w[i])
        if j + 1 < m:
            d = w[j, j]
            w[j + 1:, j] /= np.where(d != 0, d, 1)  # a zero pivot leaves its column as is
            w[j + 1:, j + 1:n] -= w[j + 1:, j, None] * w[j, None, j + 1:n]
    return (w[:, :n].transpose(2, 0, 1), np.ascontiguousarray(piv.T),
            w[:, n].T.astype(np.int32))


def _lu_impl(x):
    def run(a):
        batch = a.shape[:-2]
        outs = _lu_stack(a.reshape(-1, *a.shape[-2:]))
        return [o.reshape(*batch, *o.shape[1:]) for o in outs]
    return _f64(run)(x)


lu_p = primitive("lu", _lu_abstract_eval, _lu_impl, multiple_results=True)


def _permute_rows(x, perm):
    """x[..., perm, :] with perm (..., m) int32."""
    return ops.take_slices(x, perm, ops.aval(x).ndim - 2)


def _lu_jvp(primals, tangents):
    """For square a = P^T L U: with X = L^-1 (P da) U^-1, dL = L tril(X, -1), dU = triu(X) U,
    and the tangent of the packed LU is dL + dU."""
    (x,), (x_dot,) = primals, tangents
    lu, piv, perm = bind(lu_p, x)
    m, n = ops.aval(x).shape[-2:]
    if m != n:
        raise NotImplementedError(f"[lu] derivatives of non-square LU ({m}x{n}) are not "
                                  "implemented; pad the matrix to square")
    L = ops.add(tril(lu, -1), eye_like(lu))
    pa_dot = _permute_rows(x_dot, perm)
    tmp = triangular_solve(L, pa_dot, left_side=True, lower=True, unit_diagonal=True)
    X = triangular_solve(lu, tmp, left_side=False, lower=False)
    lu_dot = ops.add(mm(L, tril(X, -1)), mm(triu(X), triu(lu)))
    return [lu, piv, perm], [lu_dot, None, None]


jvp_rules[lu_p] = _lu_jvp
vmap_rules[lu_p] = _front_vmap(lu_p)


# ---- qr -------------------------------------------------------------------------------------

def _qr_abstract_eval(x, *, full_matrices):
    _check_matrix("qr", x)
    m, n = x.shape[-2:]
    batch, k = x.shape[:-2], min(m, n)
    qc = m if full_matrices else k
    return [ShapedArray((*batch, m, qc), x.dtype), ShapedArray((*batch, qc, n), x.dtype)]


def _qr_impl(x, *, full_matrices):
    mode = "complete" if full_matrices else "reduced"
    return _f64(lambda a: list(np.linalg.qr(a, mode=mode)))(x)


qr_p = primitive("qr", _qr_abstract_eval, _qr_impl, multiple_results=True)


def _qr_jvp(primals, tangents, *, full_matrices):
    """For m >= n (economic or square): with C = Q^T dA R^-1 and its strictly-lower part
    skew-symmetrized into Om, dQ = Q Om + (I - Q Q^T) dA R^-1 and dR = (C - Om) R."""
    (x,), (x_dot,) = primals, tangents
    q, r = bind(qr_p, x, full_matrices=full_matrices)
    m, n = ops.aval(x).shape[-2:]
    if m < n or (full_matrices and m > n):
        raise NotImplementedError(f"[qr] derivatives need m >= n and full_matrices=False for "
                                  f"non-square inputs, got a {m}x{n} matrix with "
                                  f"full_matrices={full_matrices}")
    dx_rinv = triangular_solve(r, x_dot, left_side=False, lower=False)
    c = mm(mT(q), dx_rinv)
    low = tril(c, -1)
    om = ops.sub(low, mT(low))
    dq = ops.add(mm(q, om), ops.sub(dx_rinv, mm(q, c)))
    dr = mm(ops.sub(c, om), r)
    return [q, r], [dq, dr]


jvp_rules[qr_p] = _qr_jvp
vmap_rules[qr_p] = _front_vmap(qr_p)


# ---- eigh -----------------------------------------------------------------------------------

def _eigh_abstract_eval(x, *, lower, sort_eigenvalues):
    _check_matrix("eigh", x, square=True)
    return [ShapedArray(x.shape, x.dtype), ShapedArray(x.shape[:-1], x.dtype)]


def _eigh_impl(x, *, lower, sort_eigenvalues):
    def run(a):
        w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
        return [v, w]
    return _f64(run)(x)


eigh_p = primitive("eigh", _eigh_abstract_eval, _eigh_impl, multiple_results=True)


def _eigh_jvp(primals, tangents, *, lower, sort_eigenvalues):
    """dw = diag(V^T dA V); dV = V (F * V^T dA V) with F_ij = 1 / (w_j - w_i) off the
    diagonal (inf/NaN at repeated eigenvalues, as in JAX). dA is symmetrized from the
    triangle the primitive reads."""
    (x,), (x_dot,) = primals, tangents
    v, w = bind(eigh_p, x, lower=lower, sort_eigenvalues=sort_eigenvalues)
    part = tril(x_dot, -1) if lower else triu(x_dot, 1)
    sym = ops.add(ops.add(part, mT(part)), ops.mul(x_dot, eye_like(x_dot)))
    vdv = mm(mT(v), mm(sym, v))
    n = ops.aval(w).shape[-1]
    wa = ops.aval(w)
    w_row = ops.broadcast_in_dim(w, (*wa.shape, n), (*range(wa.ndim - 1), wa.ndim))
    diff = ops.sub(w_row, mT(w_row))  # [i, j] = w_j - w_i
    eye = eye_like(diff)
    safe = ops.add(diff, eye)
    f = ops.mul(ops.div(ops.ones_like(diff), safe), ops.sub(ops.ones_like(eye), eye))
    dv = mm(v, ops.mul(f, vdv))
    return [v, w], [dv, diag_part(vdv)]


jvp_rules[eigh_p] = _eigh_jvp
vmap_rules[eigh_p] = _front_vmap(eigh_p)


# ---- svd ------------------------------------------------------------------------------------

def _svd_abstract_eval(x, *, full_matrices, compute_uv):
    _check_matrix("svd", x)
    m, n = x.shape[-2:]
    batch, k = x.shape[:-2], min(m, n)
    s = ShapedArray((*batch, k), x.dtype)
    if not compute_uv:
        return [s]
    uc, vr = (m, n) if full_matrices else (k, k)
    return [s, ShapedArray((*batch, m, uc), x.dtype), ShapedArray((*batch, vr, n), x.dtype)]


def _svd_impl(x, *, full_matrices, compute_uv):
    def run(a):
        if not compute_uv:
            return [np.linalg.svd(a, compute_uv=False)]
        u, s, vt = np.linalg.svd(a, full_matrices=full_matrices)
        return [s, u, vt]
    return _f64(run)(x)


svd_p = primitive("svd", _svd_abstract_eval, _svd_impl, multiple_results=True)


def _svd_jvp(primals, tangents, *, full_matrices, compute_uv):
    """Economic SVD A = U S V^T: with dP = U^T dA V, ds = diag(dP),
    dU = U (F * (dP S + S dP^T)) + (I - U U^T) dA V S^-1 and
    dV = V (F * (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1, F_ij = 1 / (s_j^2 - s_i^2)."""
    (x,), (x_dot,) = primals, tangents
    m, n = ops.aval(x).shape[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(f"[svd] derivatives of U/V with full_matrices=True need a "
                                  f"square matrix, got {m}x{n}; use full_matrices=False")
    s, u, vt = bind(svd_p, x, full_matrices=False, compute_uv=True)
    v = mT(vt)
    dp = mm(mT(u), mm(x_dot, v))
    ds = diag_part(dp)
    if not compute_uv:
        return [s], [ds]
    sa = ops.aval(s)
    k = sa.shape[-1]
    s_row = ops.broadcast_in_dim(s, (*sa.shape, k), (*range(sa.ndim - 1), sa.ndim))
    s2 = ops.mul(s_row, s_row)
    diff = ops.sub(s2, mT(s2))  # [i, j] = s_j^2 - s_i^2
    eye = eye_like(diff)
    f = ops.mul(ops.div(ops.ones_like(diff), ops.add(diff, eye)), ops.sub(ops.ones_like(eye), eye))
    s_mat = diag_embed(s)
    dpt = mT(dp)
    du = mm(u, ops.mul(f, ops.add(mm(dp, s_mat), mm(s_mat, dpt))))
    dv = mm(v, ops.mul(f, ops.add(mm(s_mat, dp), mm(dpt, s_mat))))
    zero = ops.eq(s, ops.zeros_like(s))
    s_inv = ops.select_n(zero, ops.div(ops.ones_like(s), s), ops.zeros_like(s))
    if m > n:
        resid = ops.sub(mm(x_dot, v), mm(u, mm(mT(u), mm(x_dot, v))))
        du = ops.add(du, ops.mul(resid, _rows_of(s_inv, m)))
    if n > m:
        resid = ops.sub(mm(mT(x_dot), u), mm(v, mm(vt, mm(mT(x_dot), u))))
        dv = ops.add(dv, ops.mul(resid, _rows_of(s_inv, n)))
    return [s, u, vt], [ds, du, mT(dv)]


def _rows_of(d, rows: int):
    """(..., k) -> (..., rows, k), every row equal to ``d``."""
    a = ops.aval(d)
    return ops.broadcast_in_dim(d, (*a.shape[:-1], rows, a.shape[-1]),
                                (*range(a.ndim - 1), a.ndim))


jvp_rules[svd_p] = _svd_jvp
vmap_rules[svd_p] = _front_vmap(svd_p)


# ---- eig (general square matrices; complex results) -------------------------------------

def _eig_abstract_eval(x, *, compute_left_eigenvectors, compute_right_eigenvectors):
    _check_matrix("eig", x, square=True)
    if x.dtype not in (dtypes.float32, dtypes.float64):
        raise TypeError(f"[eig] supports float32/float64 matrices, got {x.str_short()}")
    cdt = np.dtype(np.complex64 if x.dtype == dtypes.float32 else np.complex128)
    count = int(compute_left_eigenvectors) + int(compute_right_eigenvectors)
    return [ShapedArray(x.shape[:-1], cdt)] + [ShapedArray(x.shape, cdt)] * count


def _normalize_columns(v):
    """Unit-norm columns whose largest-modulus entry is real (LAPACK geev's convention)."""
    v = v / np.linalg.norm(v, axis=-2, keepdims=True)
    big = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    return v * (np.conj(big) / np.abs(big))


def _eig_impl(x, *, compute_left_eigenvectors, compute_right_eigenvectors):
    cdt = np.complex64 if x.dtype == np.float32 else np.complex128
    w, vr = np.linalg.eig(np.asarray(x, np.float64))
    outs = [w.astype(cdt)]
    if compute_left_eigenvectors:  # rows of vr^-1 are the left eigenvectors (conjugated)
        vl = np.conj(np.swapaxes(np.linalg.inv(vr), -1, -2))
        outs.append(_normalize_columns(vl).astype(cdt))
    if compute_right_eigenvectors:
        outs.append(_normalize_columns(vr).astype(cdt))
    return outs


eig_p = primitive("eig", _eig_abstract_eval, _eig_impl, multiple_results=True)


def _eig_jvp(primals, tangents, *, compute_left_eigenvectors, compute_right_eigenvectors):
    """Eigenvalue tangents dw_i = u_i^H dA v_i / (u_i^H v_i) (left/right eigenvectors u, v);
    eigenvector tangents are not implemented (as JAX without enable_eigvec_derivs)."""
    (x,), (x_dot,) = primals, tangents
    outs = bind(eig_p, x, compute_left_eigenvectors=compute_left_eigenvectors,
                compute_right_eigenvectors=compute_right_eigenvectors)
    if compute_left_eigenvectors or compute_right_eigenvectors:
        raise NotImplementedError("[eig] derivatives of eigenvectors are not implemented; "
                                  "differentiate eigvals (compute_*_eigenvectors=False)")
    from .complex_ops import conj
    w, u, v = bind(eig_p, x, compute_left_eigenvectors=True, compute_right_eigenvectors=True)
    cdt = ops.aval(w).dtype
    uh = conj(mT(u))
    num = diag_part(mm(uh, mm(ops.convert(x_dot, cdt), v)))
    den = diag_part(mm(uh, v))
    return outs, [ops.div(num, den)]


jvp_rules[eig_p] = _eig_jvp
vmap_rules[eig_p] = _front_vmap(eig_p)
