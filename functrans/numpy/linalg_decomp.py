"""``functrans.numpy.linalg`` functions built on the decompositions of ``lax.linalg``:
solve, inv, det, slogdet, cholesky, qr, svd, svdvals, eigh, eigvalsh, lstsq, pinv,
matrix_rank, matrix_power, cond, tensorsolve, tensorinv.

``solve``, ``det`` and ``slogdet`` have custom jvps that reuse one LU factorization
(``dx = A^-1 (db - dA x)``, ``d det = tr(adj(A) dA)``), as JAX's do; ``det``'s rule is
finite at singular matrices (the adjugate from a modified LU, as JAX's cofactor solve).

Example::

    x = fnp.linalg.solve(a, b); sign, logdet = fnp.linalg.slogdet(a)
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import _lax_lenient as lax
from .. import lax_linalg as lla
from ..higher_order.custom_derivatives import custom_jvp
from ..primitives import linalg as _pl
from ._util import as_array, aval, broadcast_to, promote_dtypes_inexact


class EighResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


class QRResult(NamedTuple):
    Q: object
    R: object


class SVDResult(NamedTuple):
    U: object
    S: object
    Vh: object


class SlogdetResult(NamedTuple):
    sign: object
    logabsdet: object


def _inexact(*xs):
    return [as_array(x) for x in promote_dtypes_inexact(*xs)]


def _matrix(name: str, a, square: bool = False):
    (a,) = _inexact(a)
    shape = aval(a).shape
    if len(shape) < 2:
        raise ValueError(f"[{name}] needs an array of rank >= 2 (a stack of matrices), got "
                         f"shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"[{name}] needs square matrices in the last two axes, got shape "
                         f"{shape}")
    return a


def _eps(a) -> float:
    return float(np.finfo(aval(a).dtype).eps)


# ---- LU-based: solve, inv, det, slogdet ----------------------------------------------------

def lu_solve_core(lu, perm, b, trans: int = 0):
    """Solve ``a x = b`` (``trans=0``) or ``a^T x = b`` (``trans=1``) from ``lu(a)``;
    ``b`` is ``[..., m, n]`` with ``lu``'s batch axes."""
    if trans == 0:
        pb = _pl._permute_rows(b, perm)
        y = lla.triangular_solve(lu, pb, left_side=True, lower=True, unit_diagonal=True)
        return lla.triangular_solve(lu, y, left_side=True, lower=False)
    y = lla.triangular_solve(lu, b, left_side=True, lower=False, transpose_a=True)
    x = lla.triangular_solve(lu, y, left_side=True, lower=True, transpose_a=True,
                             unit_diagonal=True)
    inv_perm = _inverse_permutation(perm)
    return _pl._permute_rows(x, inv_perm)


def _inverse_permutation(perm):
    from .sorting import argsort
    return lax.convert_element_type(argsort(perm, axis=-1), np.int32)


@custom_jvp
def _solve_core(a, b):
    lu, _, perm = lla.lu(a)
    return lu_solve_core(lu, perm, b)


@_solve_core.defjvp
def _solve_core_jvp(primals, tangents):
    a, b = primals
    a_dot, b_dot = tangents
    lu, _, perm = lla.lu(a)
    x = lu_solve_core(lu, perm, b)
    return x, lu_solve_core(lu, perm, lax.sub(b_dot, _pl.mm(a_dot, x)))


def solve(a, b):
    """Solve ``a @ x = b`` (``jax.numpy.linalg.solve``), through one LU factorization whose
    derivative reuses it.

    Args:
      a: ``[..., m, m]``.
      b: ``[m]`` (one vector) or ``[..., m, n]``; batch axes broadcast.
    Returns:
      ``x``, shaped like ``b`` (with broadcast batch axes).
    Example:
      ``fnp.linalg.solve(fnp.eye(2) * 2.0, fnp.ones(2))  # [0.5, 0.5]``
    """
    a, b = _inexact(a, b)
    sa, sb = aval(a).shape, aval(b).shape
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"[solve] a must be square matrices [..., m, m], got shape {sa}")
    vector = len(sb) == 1
    if vector:
        b = lax.reshape(b, (*sb, 1))
        sb = aval(b).shape
    if sb[-2] != sa[-1]:
        raise ValueError(f"[solve] a {sa} and b {sb if not vector else sb[:-1]} disagree: b "
                         f"needs {sa[-1]} rows; b must be [m] or [..., m, n]")
    try:
        batch = np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise ValueError(f"[solve] batch axes of a {sa} and b {sb} do not broadcast") from None
    a = broadcast_to(a, (*batch, *sa[-2:]))
    b = broadcast_to(b, (*batch, *sb[-2:]))
    x = _solve_core(a, b)
    return lax.reshape(x, (*batch, sa[-1])) if vector else x


def inv(a):
    """The inverse of square matrices (``jax.numpy.linalg.inv``); inf/NaN where singular.

    Args:
      a: ``[..., n, n]``.
    Returns:
      ``a^-1``, same shape.
    Example:
      ``fnp.linalg.inv(fnp.eye(2) * 2.0)``
    """
    a = _matrix("inv", a, square=True)
    sa = aval(a).shape
    eye = broadcast_to(as_array(np.eye(sa[-1], dtype=aval(a).dtype)), sa)
    return _solve_core(a, eye)


def _lu_parts(a):
    lu, piv, _ = lla.lu(a)
    n = aval(a).shape[-1]
    iota = as_array(np.arange(n, dtype=np.int32))
    swaps = lax.reduce_sum(lax.convert_element_type(
        lax.ne(piv, broadcast_to(iota, aval(piv).shape)), np.int32), (aval(piv).ndim - 1,))
    odd = lax.eq(lax.rem(swaps, lax.full_like(swaps, 2)), lax.full_like(swaps, 1))
    parity = lax.select(odd, lax.full_like(swaps, -1), lax.full_like(swaps, 1))
    parity = lax.convert_element_type(parity, aval(a).dtype)
    return lu, parity, _pl.diag_part(lu)


def _trace_solve(a, a_dot):
    lu, _, perm = lla.lu(a)
    z = lu_solve_core(lu, perm, a_dot)
    return lax.reduce_sum(_pl.diag_part(z), (aval(z).ndim - 2,))


@custom_jvp
def _det(a):
    _, parity, d = _lu_parts(a)
    return lax.mul(parity, lax.reduce_prod(d, (aval(d).ndim - 1,)))


def _cofactor_solve(a, b):
    """``(det(a), adj(a) @ b)``, finite at singular ``a``: from ``a = P^T L U``,
    ``adj(a) b = det(a) U^-1 L^-1 P b``; the last pivot ``u_nn`` is replaced by
    ``1 / prod(u_ii, i < n)`` so that a rank n-1 matrix keeps its last row's exact cofactor,
    and the other rows are scaled by ``det(a)`` (zero there). A rank < n-1 matrix (the
    modified ``U`` still singular) has a zero adjugate."""
    from .reductions import cumprod
    from .ufuncs import isfinite
    lu, piv, perm = lla.lu(a)
    n = aval(a).shape[-1]
    _, parity, d = _lu_parts(a)
    partial = lax.mul(cumprod(d, axis=-1), lax.broadcast_in_dim(
        parity, aval(d).shape, tuple(range(aval(d).ndim - 1))))
    full, head = partial[..., -1], partial[..., -2]
    corner = np.zeros(aval(lu).shape, bool)
    corner[..., -1, -1] = True
    inv_head = lax.broadcast_in_dim(lax.div(lax.full_like(head, 1), head), aval(lu).shape,
                                    tuple(range(aval(head).ndim)))
    lu = lax.select(as_array(corner), inv_head, lu)
    probe = lla.triangular_solve(lu, lax.full_like(b[..., :1], 1), left_side=True,
                                 lower=False)
    ok = lax.reduce_and(isfinite(probe), (aval(probe).ndim - 2, aval(probe).ndim - 1))
    ok = lax.broadcast_in_dim(ok, aval(b).shape, tuple(range(aval(ok).ndim)))
    zeros = lax.full_like(b, 0)
    x = lax.select(ok, _pl._permute_rows(b, perm), zeros)
    x = lla.triangular_solve(lu, x, left_side=True, lower=True, unit_diagonal=True)
    rows = np.arange(n)[:, None] < n - 1
    scale = lax.broadcast_in_dim(full, aval(x).shape, tuple(range(aval(full).ndim)))
    x = lax.select(as_array(np.broadcast_to(rows, aval(x).shape).copy()), lax.mul(x, scale), x)
    x = lla.triangular_solve(lu, x, left_side=True, lower=False)
    return full, lax.select(ok, x, zeros)


@_det.defjvp
def _det_jvp(primals, tangents):
    """``d det = tr(adj(a) da)`` through ``_cofactor_solve`` (finite at singular ``a``)."""
    (a,), (a_dot,) = primals, tangents
    if aval(a).shape[-1] == 1:
        return _det(a), a_dot[..., 0, 0]
    y, z = _cofactor_solve(a, a_dot)
    return y, lax.reduce_sum(_pl.diag_part(z), (aval(z).ndim - 2,))


def _det_small(a):
    """The 2x2 / 3x3 determinant as a polynomial of the entries (as JAX)."""
    e = [[a[..., i, j] for j in range(aval(a).shape[-1])] for i in range(aval(a).shape[-1])]
    if len(e) == 2:
        return e[0][0] * e[1][1] - e[0][1] * e[1][0]
    return (e[0][0] * e[1][1] * e[2][2] + e[0][1] * e[1][2] * e[2][0]
            + e[0][2] * e[1][0] * e[2][1] - e[0][2] * e[1][1] * e[2][0]
            - e[0][0] * e[1][2] * e[2][1] - e[0][1] * e[1][0] * e[2][2])


def det(a):
    """Determinant (``jax.numpy.linalg.det``): the polynomial for 2x2 and 3x3 matrices, else
    from an LU factorization with a cofactor-based derivative that stays finite at singular
    matrices (as JAX's).

    Args:
      a: ``[..., n, n]``.
    Returns:
      ``[...]`` determinants.
    Example:
      ``fnp.linalg.det(fnp.eye(3) * 2.0)  # 8.0``
    """
    a = _matrix("det", a, square=True)
    if aval(a).shape[-1] in (2, 3):
        return _det_small(a)
    return _det(a)


@custom_jvp
def _slogdet(a):
    _, parity, d = _lu_parts(a)
    last = (aval(d).ndim - 1,)
    sign = lax.mul(parity, lax.reduce_prod(lax.sign(d), last))
    return sign, lax.reduce_sum(lax.log(lax.abs(d)), last)


@_slogdet.defjvp
def _slogdet_jvp(primals, tangents):
    (a,), (a_dot,) = primals, tangents
    sign, logdet = _slogdet(a)
    return (sign, logdet), (lax.full_like(sign, 0), _trace_solve(a, a_dot))


def slogdet(a, *, method=None):
    """Sign and log of the absolute determinant (``jax.numpy.linalg.slogdet``).

    Args:
      a: ``[..., n, n]``.
      method: None or 'lu'.
    Returns:
      ``SlogdetResult(sign, logabsdet)``.
    Example:
      ``sign, logdet = fnp.linalg.slogdet(a)``
    """
    if method not in (None, "lu"):
        raise ValueError(f"[slogdet] method={method!r} is not supported; use 'lu'")
    return SlogdetResult(*_slogdet(_matrix("slogdet", a, square=True)))


# ---- decompositions ------------------------------------------------------------------------

def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    """Cholesky factor (``jax.numpy.linalg.cholesky``); NaN if not positive definite.

    Args:
      a: ``[..., n, n]`` symmetric positive definite.
      upper: return the upper factor ``U = L^T`` (``a = U^T U``).
      symmetrize_input: use ``(a + a^T) / 2``.
    Returns:
      ``L`` (or ``U``).
    Example:
      ``fnp.linalg.cholesky(fnp.eye(2) * 4.0)``
    """
    L = lla.cholesky(_matrix("cholesky", a, square=True), symmetrize_input=symmetrize_input)
    return _pl.mT(L) if upper else L


def qr(a, mode: str = "reduced"):
    """QR decomposition (``jax.numpy.linalg.qr``).

    Args:
      a: ``[..., m, n]``.
      mode: 'reduced', 'complete' or 'r'.
    Returns:
      ``QRResult(Q, R)``, or ``R`` for mode 'r'.
    Example:
      ``q, r = fnp.linalg.qr(a)``
    """
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"[qr] unsupported mode {mode!r}; use 'reduced', 'complete' or 'r'")
    q, r = lla.qr(_matrix("qr", a), full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False,
        subset_by_index=None):
    """Singular value decomposition (``jax.numpy.linalg.svd``).

    Args:
      a: ``[..., m, n]``.
      full_matrices: square ``U``, ``Vh``.
      compute_uv: else return only the singular values.
      hermitian: ignored (the general SVD is used).
    Returns:
      ``SVDResult(U, S, Vh)`` or ``S`` (descending).
    Example:
      ``u, s, vh = fnp.linalg.svd(a, full_matrices=False)``
    """
    a = _matrix("svd", a)
    if not compute_uv:
        return lla.svd(a, compute_uv=False)
    return SVDResult(*lla.svd(a, full_matrices=full_matrices))


def svdvals(x):
    """Singular values, descending (``jax.numpy.linalg.svdvals``).

    Args:
      x: ``[..., m, n]``.
    Returns:
      ``[..., min(m, n)]``.
    Example:
      ``fnp.linalg.svdvals(a)``
    """
    return lla.svd(_matrix("svdvals", x), compute_uv=False)


def eigh(a, UPLO: str | None = None, symmetrize_input: bool = True):  # noqa: N803 (NumPy name)
    """Eigendecomposition of symmetric matrices (``jax.numpy.linalg.eigh``).

    Args:
      a: ``[..., n, n]``.
      UPLO: 'L' (default) or 'U': the triangle read when not symmetrizing.
      symmetrize_input: use ``(a + a^T) / 2``.
    Returns:
      ``EighResult(eigenvalues, eigenvectors)``, eigenvalues ascending.
    Example:
      ``w, v = fnp.linalg.eigh(a)``
    """
    if UPLO not in (None, "L", "U"):
        raise ValueError(f"[eigh] UPLO must be 'L' or 'U', got {UPLO!r}")
    v, w = lla.eigh(_matrix("eigh", a, square=True), lower=UPLO != "U",
                    symmetrize_input=symmetrize_input)
    return EighResult(w, v)


def eigvalsh(a, UPLO: str | None = "L", *, symmetrize_input: bool = True):  # noqa: N803
    """Eigenvalues of symmetric matrices, ascending (``jax.numpy.linalg.eigvalsh``).

    Args:
      a: ``[..., n, n]``.
      UPLO: 'L' or 'U'.
    Returns:
      ``[..., n]``.
    Example:
      ``fnp.linalg.eigvalsh(a)``
    """
    return eigh(a, UPLO, symmetrize_input).eigenvalues


# ---- built on the SVD ------------------------------------------------------------------------

def _max_last(x):
    return lax.reduce_max(x, (aval(x).ndim - 1,))


def pinv(a, rtol=None, hermitian: bool = False, *, rcond=None):
    """Moore-Penrose pseudo-inverse via the SVD (``jax.numpy.linalg.pinv``).

    Args:
      a: ``[..., m, n]``.
      rtol: singular values below ``rtol * max(s)`` are treated as zero (default
        ``10 * max(m, n) * eps``).
    Returns:
      ``[..., n, m]``.
    Example:
      ``fnp.linalg.pinv(a)``
    """
    a = _matrix("pinv", a)
    m, n = aval(a).shape[-2:]
    rtol = rcond if rtol is None else rtol
    if rtol is None:
        rtol = 10 * max(m, n) * _eps(a)
    u, s, vh = lla.svd(a, full_matrices=False)
    cutoff = lax.mul(as_array(np.asarray(rtol, aval(s).dtype)), _max_last(s))
    cutoff = lax.broadcast_in_dim(cutoff, aval(s).shape, tuple(range(aval(s).ndim - 1)))
    keep = lax.gt(s, cutoff)
    s_inv = lax.select(keep, lax.div(lax.full_like(s, 1), s), lax.full_like(s, 0))
    scaled = lax.mul(_pl.mT(vh), _pl._rows_of(s_inv, n))
    return _pl.mm(scaled, _pl.mT(u))


def matrix_rank(M, rtol=None, *, tol=None):  # noqa: N803 (NumPy name)
    """Rank from the singular values (``jax.numpy.linalg.matrix_rank``).

    Args:
      M: ``[..., m, n]`` (or a vector).
      rtol: relative tolerance (default ``max(m, n) * eps``); ``tol``: absolute.
    Returns:
      int32 ``[...]``.
    Example:
      ``fnp.linalg.matrix_rank(fnp.eye(3))  # 3``
    """
    (M,) = _inexact(M)
    if aval(M).ndim < 2:
        from .reductions import any as any_
        return lax.convert_element_type(any_(lax.ne(M, lax.full_like(M, 0))), np.int32)
    s = svdvals(M)
    m, n = aval(M).shape[-2:]
    if tol is None:
        rtol = max(m, n) * _eps(M) if rtol is None else rtol
        tol = lax.mul(_max_last(s), as_array(np.asarray(rtol, aval(s).dtype)))
    else:
        tol = as_array(np.asarray(tol, aval(s).dtype))
    tol = broadcast_to(tol, aval(s).shape[:-1])
    tol = lax.broadcast_in_dim(tol, aval(s).shape, tuple(range(aval(s).ndim - 1)))
    return lax.reduce_sum(lax.convert_element_type(lax.gt(s, tol), np.int32),
                          (aval(s).ndim - 1,))


def lstsq(a, b, rcond=None, *, numpy_resid: bool = False):
    """Least squares ``min ||a x - b||`` via the SVD (``jax.numpy.linalg.lstsq``).

    Args:
      a: ``[m, n]``; b: ``[m]`` or ``[m, k]``.
      rcond: singular values below ``rcond * max(s)`` are dropped (default
        ``eps * max(m, n)``).
      numpy_resid: compute residuals as NumPy does (empty unless full rank and m > n).
    Returns:
      ``(x, residuals, rank, s)``.
    Example:
      ``x, resid, rank, s = fnp.linalg.lstsq(a, b)``
    """
    a, b = _inexact(a, b)
    sa, sb = aval(a).shape, aval(b).shape
    if len(sa) != 2 or len(sb) not in (1, 2) or sa[0] != sb[0]:
        raise ValueError(f"[lstsq] needs a [m, n] and b [m] or [m, k] with equal m, got a "
                         f"{sa} and b {sb}")
    vector = len(sb) == 1
    if vector:
        b = lax.reshape(b, (sb[0], 1))
    m, n = sa
    rcond = _eps(a) * max(m, n) if rcond is None else rcond
    u, s, vh = lla.svd(a, full_matrices=False)
    mask = lax.gt(s, lax.mul(as_array(np.asarray(rcond, aval(s).dtype)),
                              broadcast_to(_max_last(s), aval(s).shape)))
    rank = lax.reduce_sum(lax.convert_element_type(mask, np.int32), (0,))
    s_inv = lax.select(mask, lax.div(lax.full_like(s, 1), s), lax.full_like(s, 0))
    uTb = _pl.mm(_pl.mT(u), b)
    k = aval(b).shape[1]
    x = _pl.mm(_pl.mT(vh), lax.mul(uTb, lax.broadcast_in_dim(s_inv, (aval(s).shape[0], k),
                                                              (0,))))
    r = lax.sub(b, _pl.mm(a, x))
    resid = lax.reduce_sum(lax.mul(r, r), (0,))
    if numpy_resid:
        from .creation import zeros
        if not (m > n and _is_full_rank(rank, n)):
            resid = zeros((0,), aval(a).dtype)
    if vector:
        x = lax.reshape(x, (n,))
        resid = lax.reshape(resid, (1,)) if aval(resid).shape == (1,) else resid
    return x, resid, rank, s


def _is_full_rank(rank, n) -> bool:
    try:
        return int(np.asarray(rank)) == n
    except Exception:  # traced: NumPy's rule needs a concrete rank
        raise ValueError("[lstsq] numpy_resid=True needs a concrete rank (not under jit)"
                         ) from None


def cond(x, p=None):
    """Condition number (``jax.numpy.linalg.cond``).

    Args:
      x: ``[..., m, n]``.
      p: None/2 (ratio of singular values), -2, 'fro', 'nuc', 1, -1, inf, -inf.
    Returns:
      ``[...]``.
    Example:
      ``fnp.linalg.cond(a)``
    """
    x = _matrix("cond", x)
    if p in (None, 2, -2):
        s = svdvals(x)
        last = aval(s).ndim - 1
        hi, lo = lax.reduce_max(s, (last,)), lax.reduce_min(s, (last,))
        return lax.div(hi, lo) if p != -2 else lax.div(lo, hi)
    from .linalg import norm
    return lax.mul(norm(x, ord=p, axis=(-2, -1)), norm(inv(x), ord=p, axis=(-2, -1)))


def matrix_power(a, n: int):
    """``a`` to the integer power ``n`` by repeated squaring (``jax.numpy.linalg.
    matrix_power``); negative ``n`` inverts first.

    Args:
      a: ``[..., m, m]``; n: a Python int.
    Returns:
      ``[..., m, m]``.
    Example:
      ``fnp.linalg.matrix_power(a, 3)``
    """
    a = as_array(a)
    sa = aval(a).shape
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"[matrix_power] needs square matrices [..., m, m], got shape {sa}")
    if not isinstance(n, int | np.integer):
        raise TypeError(f"[matrix_power] exponent must be an integer, got {n!r}")
    n = int(n)
    if n == 0:
        return broadcast_to(as_array(np.eye(sa[-1], dtype=aval(a).dtype)), sa)
    if n < 0:
        a, n = inv(a), -n
    result = None
    while n:
        if n & 1:
            result = a if result is None else _pl.mm(result, a)
        n >>= 1
        if n:
            a = _pl.mm(a, a)
    return result


def tensorsolve(a, b, axes=None):
    """Solve ``tensordot(a, x, x.ndim) = b`` for ``x`` (``jax.numpy.linalg.tensorsolve``).

    Args:
      a: array whose leading axes match ``b``'s shape; b: right-hand side.
      axes: axes of ``a`` to move to the end first.
    Returns:
      ``x`` of shape ``a.shape[b.ndim:]``.
    Example:
      ``fnp.linalg.tensorsolve(a, b)``
    """
    a, b = _inexact(a, b)
    if axes is not None:
        from .shapes import moveaxis
        axes = [axes] if isinstance(axes, int) else list(axes)
        a = moveaxis(a, axes, [aval(a).ndim - len(axes) + i for i in range(len(axes))])
    sb = aval(b).shape
    out_shape = aval(a).shape[len(sb):]
    rows, cols = math.prod(sb), math.prod(out_shape)
    if rows != cols or aval(a).shape[:len(sb)] != sb:
        raise ValueError(f"[tensorsolve] a {aval(a).shape} must start with b's shape {sb} "
                         f"and have prod(a.shape[b.ndim:]) == prod(b.shape)")
    x = solve(lax.reshape(a, (rows, cols)), lax.reshape(b, (rows,)))
    return lax.reshape(x, out_shape)


def tensorinv(a, ind: int = 2):
    """Inverse of ``a`` seen as a matrix of its first ``ind`` axes by the rest
    (``jax.numpy.linalg.tensorinv``).

    Args:
      a: array with ``prod(a.shape[:ind]) == prod(a.shape[ind:])``; ind: positive int.
    Returns:
      ``a.shape[ind:] + a.shape[:ind]``.
    Example:
      ``fnp.linalg.tensorinv(a.reshape(4, 6, 8, 3))``
    """
    (a,) = _inexact(a)
    s = aval(a).shape
    if ind <= 0:
        raise ValueError(f"[tensorinv] ind must be a positive integer, got {ind}")
    rows, cols = math.prod(s[:ind]), math.prod(s[ind:])
    if rows != cols:
        raise ValueError(f"[tensorinv] a {s} is not square as a matrix of its first {ind} "
                         f"axes by the rest ({rows} x {cols})")
    return lax.reshape(inv(lax.reshape(a, (rows, cols))), (*s[ind:], *s[:ind]))


def eig(a):
    """Eigenvalues and right eigenvectors of general square matrices
    (``jax.numpy.linalg.eig``; CPU only, like JAX). Eigenvector derivatives are not
    implemented.

    Args:
      a: float ``[..., n, n]``.
    Returns:
      ``(w, v)``, complex.
    Example:
      ``w, v = fnp.linalg.eig(a)``
    """
    w, v = lla.eig(_matrix("eig", a, square=True), compute_left_eigenvectors=False)
    return w, v


def eigvals(a):
    """Eigenvalues of general square matrices (``jax.numpy.linalg.eigvals``); these
    differentiate.

    Args:
      a: float ``[..., n, n]``.
    Returns:
      complex ``[..., n]``.
    Example:
      ``fnp.linalg.eigvals(a)``
    """
    (w,) = lla.eig(_matrix("eigvals", a, square=True), compute_left_eigenvectors=False,
                   compute_right_eigenvectors=False)
    return w
