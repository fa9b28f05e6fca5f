"""``functrans.lax.linalg``: the linear-algebra primitives under ``jax.lax.linalg``'s names.

Every function takes stacks of matrices (``[..., m, n]``) and differentiates, batches
and compiles. Available as ``functrans.lax.linalg`` and ``from functrans.lax import
linalg``.

Example::

    from functrans.lax import linalg
    L = linalg.cholesky(a)
    x = linalg.triangular_solve(L, b, left_side=True, lower=True)
"""

from __future__ import annotations

import enum

import numpy as np

from ._lax_qdwh import qdwh  # noqa: F401 (re-export)
from .core.array import Array, as_numpy
from .core.trace import Tracer, bind, bind1
from .primitives import linalg as _la
from .primitives.linalg import (  # noqa: F401 (re-export)
    cholesky_p,
    eig_p,
    eigh_p,
    lu_p,
    qr_p,
    svd_p,
    triangular_solve_p,
)
from .primitives.linalg_extra import (  # noqa: F401 (re-export)
    hessenberg_p,
    householder_product_p,
    schur_p,
    tridiagonal_p,
)


def _arr(x):
    if isinstance(x, Tracer | Array):
        return x
    return _la.ops.constant(as_numpy(x, "linalg"))


def symmetrize(x):
    """``(x + x^T) / 2`` over the last two axes."""
    x = _arr(x)
    return _la.ops.mul(_la.ops.add(x, _la.mT(x)), _la.ops.scalar_like(x, 0.5))


def cholesky(x, *, symmetrize_input: bool = True):
    """The lower Cholesky factor ``L`` of symmetric positive-definite ``x``
    (``x = L L^T``); NaN where ``x`` is not positive definite.

    Args:
      x: array ``[..., n, n]``.
      symmetrize_input: use ``(x + x^T) / 2`` (else only the lower triangle is read).
    Returns:
      ``L``, lower triangular, same shape.
    Example:
      ``linalg.cholesky(jnp.eye(3) * 4.0)  # 2 * eye``
    """
    x = _arr(x)
    if symmetrize_input:
        _la._check_matrix("cholesky", _la.ops.aval(x), square=True)
        x = symmetrize(x)
    return bind1(cholesky_p, x)


def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False,
                     transpose_a: bool = False, conjugate_a: bool = False,
                     unit_diagonal: bool = False):
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b`` for triangular ``a``.

    Args:
      a: triangular matrices ``[..., m, m]`` (only the ``lower``/upper triangle is read).
      b: right-hand sides ``[..., m, n]`` (left) or ``[..., n, m]`` (right).
      left_side, lower, transpose_a, conjugate_a, unit_diagonal: as ``jax.lax.linalg``.
    Returns:
      ``x``, shaped like ``b``.
    Example:
      ``linalg.triangular_solve(L, b, left_side=True, lower=True)``
    """
    return _la.triangular_solve(_arr(a), _arr(b), left_side=left_side, lower=lower,
                                transpose_a=transpose_a, conjugate_a=conjugate_a,
                                unit_diagonal=unit_diagonal)


def lu(x):
    """LU decomposition with partial pivoting: ``x[perm] = L @ U``.

    Args:
      x: array ``[..., m, n]``.
    Returns:
      ``(lu, pivots, permutation)``: ``L`` (unit diagonal, implicit) and ``U`` packed in
      one array; int32 row swaps ``pivots [..., min(m, n)]``; int32 ``permutation [..., m]``.
    Example:
      ``lu, piv, perm = linalg.lu(a)``
    """
    return tuple(bind(lu_p, _arr(x)))


def lu_pivots_to_permutation(pivots, permutation_size: int):
    """The permutation that the row swaps ``pivots`` apply to ``range(permutation_size)``
    (``jax.lax.linalg.lu_pivots_to_permutation``; traceable: the swaps are unrolled).

    Args:
      pivots: int array ``[..., k]``.
      permutation_size: m.
    Returns:
      int32 ``[..., m]``.
    Example:
      ``linalg.lu_pivots_to_permutation(np.array([2, 2, 2]), 3)``
    """
    from . import numpy as fnp
    m = int(permutation_size)
    piv = fnp.asarray(pivots).astype(np.int32)
    if piv.ndim < 1 or piv.shape[-1] > m:
        raise ValueError(f"[lu_pivots_to_permutation] needs pivots [..., k] with k <= "
                         f"permutation_size={m}, got shape {piv.shape}")
    perm = fnp.broadcast_to(fnp.arange(m, dtype=np.int32), (*piv.shape[:-1], m))
    idx = np.arange(m, dtype=np.int32)
    for i in range(piv.shape[-1]):
        j = piv[..., i:i + 1]
        p_i, p_j = perm[..., i:i + 1], fnp.take_along_axis(perm, j, axis=-1)
        perm = fnp.where(idx == i, p_j, fnp.where(idx == j, p_i, perm))
    return perm


def qr(x, *, pivoting: bool = False, full_matrices: bool = True):
    """QR decomposition ``x = q @ r``.

    Args:
      x: array ``[..., m, n]``.
      pivoting: not supported (False).
      full_matrices: ``q [..., m, m]`` and ``r [..., m, n]``; else ``k = min(m, n)`` columns.
    Returns:
      ``(q, r)``.
    Example:
      ``q, r = linalg.qr(a, full_matrices=False)``
    """
    if pivoting:
        raise NotImplementedError("[qr] pivoting=True is not supported")
    return tuple(bind(qr_p, _arr(x), full_matrices=bool(full_matrices)))


def eigh(x, *, lower: bool = True, symmetrize_input: bool = True,
         sort_eigenvalues: bool = True, subset_by_index=None):
    """Eigendecomposition of symmetric matrices: ``x = v @ diag(w) @ v^T``.

    Args:
      x: array ``[..., n, n]``.
      lower: read the lower (else upper) triangle when not symmetrizing.
      symmetrize_input: use ``(x + x^T) / 2``.
      sort_eigenvalues: ascending eigenvalues (always true here).
    Returns:
      ``(v, w)``: eigenvectors as columns, eigenvalues ascending.
    Example:
      ``v, w = linalg.eigh(a)``
    """
    if subset_by_index is not None:
        raise NotImplementedError("[eigh] subset_by_index is not supported")
    x = _arr(x)
    if symmetrize_input:
        _la._check_matrix("eigh", _la.ops.aval(x), square=True)
        x = symmetrize(x)
    return tuple(bind(eigh_p, x, lower=bool(lower), sort_eigenvalues=True))


def svd(x, *, full_matrices: bool = True, compute_uv: bool = True, subset_by_index=None,
        algorithm=None):
    """Singular value decomposition ``x = u @ diag(s) @ vh``.

    Args:
      x: array ``[..., m, n]``.
      full_matrices: square ``u``/``vh`` (else ``k = min(m, n)`` columns/rows).
      compute_uv: return ``(u, s, vh)``; else only ``s``.
    Returns:
      ``(u, s, vh)`` or ``s`` (descending).
    Example:
      ``u, s, vh = linalg.svd(a, full_matrices=False)``
    """
    if subset_by_index is not None:
        raise NotImplementedError("[svd] subset_by_index is not supported")
    if algorithm is not None and not isinstance(algorithm, SvdAlgorithm):
        raise TypeError(f"[svd] algorithm must be a linalg.SvdAlgorithm, got {algorithm!r}")
    outs = bind(svd_p, _arr(x), full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    if compute_uv:
        s, u, vt = outs
        return u, s, vt
    return outs[0]


class SvdAlgorithm(enum.Enum):
    """SVD algorithms (``jax.lax.linalg.SvdAlgorithm``); every one computes the same
    decomposition here (LAPACK gesdd on the CPU)."""
    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


class EighImplementation(enum.Enum):
    """eigh implementations (``jax.lax.linalg.EighImplementation``; LAPACK syevd here)."""
    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class EigImplementation(enum.Enum):
    """eig implementations (``jax.lax.linalg.EigImplementation``; LAPACK geev here)."""
    LAPACK = "lapack"
    MAGMA = "magma"
    CUSOLVER = "cusolver"


def eig(x, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True):
    """Eigendecomposition of general square matrices (``jax.lax.linalg.eig``; CPU).

    Args:
      x: float ``[..., n, n]``.
      compute_left_eigenvectors, compute_right_eigenvectors: which vectors to return.
    Returns:
      ``[w, vl?, vr?]``: complex eigenvalues, then the requested eigenvectors (columns,
      unit norm). Only the eigenvalues differentiate.
    Example:
      ``w, vl, vr = linalg.eig(a)``
    """
    return bind(eig_p, _arr(x), compute_left_eigenvectors=bool(compute_left_eigenvectors),
                compute_right_eigenvectors=bool(compute_right_eigenvectors))


def schur(x, *, compute_schur_vectors: bool = True, sort_eig_vals: bool = False,
          select_callable=None):
    """Schur decomposition ``x = vs @ t @ vs^H`` (``jax.lax.linalg.schur``; CPU, LAPACK gees).

    Args:
      x: ``[..., n, n]`` float or complex; real input gives the real (quasi-triangular)
        Schur form.
      compute_schur_vectors: also return ``vs``.
      sort_eig_vals, select_callable: not supported (as JAX on the CPU).
    Returns:
      ``(t, vs)``, or ``(t,)`` without Schur vectors. Not differentiable (as JAX).
    Example:
      ``t, vs = linalg.schur(a)``
    """
    return tuple(bind(schur_p, _arr(x), compute_schur_vectors=bool(compute_schur_vectors),
                      sort_eig_vals=bool(sort_eig_vals), select_callable=select_callable))


def hessenberg(a):
    """Reduction to upper Hessenberg form (``jax.lax.linalg.hessenberg``; CPU, LAPACK gehrd).

    Args:
      a: ``[..., n, n]`` float or complex.
    Returns:
      ``(a_out, taus)``: the Hessenberg matrix on and above the first subdiagonal, the
      Householder reflectors below it, and their ``taus [..., n - 1]``.
    Example:
      ``h, taus = linalg.hessenberg(a)``
    """
    return tuple(bind(hessenberg_p, _arr(a)))


def householder_product(a, taus):
    """The product of the Householder reflectors stored in ``a``'s columns and ``taus``
    (``jax.lax.linalg.householder_product``; LAPACK orgqr/ungqr).

    Args:
      a: ``[..., m, n]`` (m >= n), reflectors below the diagonal.
      taus: ``[..., k]``, k <= n.
    Returns:
      ``q [..., m, n]`` with orthonormal columns.
    Example:
      ``q = linalg.householder_product(a, taus)``
    """
    return bind1(householder_product_p, _arr(a), _arr(taus))


def tridiagonal(a, *, lower: bool = True):
    """Reduction of a symmetric/Hermitian matrix to tridiagonal form
    (``jax.lax.linalg.tridiagonal``; CPU, LAPACK sytrd/hetrd).

    Args:
      a: ``[..., n, n]``; lower: which triangle is read (and holds the reflectors).
    Returns:
      ``(a_out, d, e, taus)``: packed reflectors, diagonal ``[..., n]``, off-diagonal
      ``[..., n - 1]`` (real) and reflector scales ``[..., n - 1]``.
    Example:
      ``arr, d, e, taus = linalg.tridiagonal(a)``
    """
    return tuple(bind(tridiagonal_p, _arr(a), lower=bool(lower)))


def ormqr(a, taus, c, *, left: bool = True, transpose: bool = False):
    """Multiply ``c`` by the orthogonal ``Q`` of the reflectors in ``a``/``taus``
    (``jax.lax.linalg.ormqr``): ``op(Q) @ c`` (``left``) or ``c @ op(Q)``, ``op`` the
    conjugate transpose when ``transpose``. ``Q`` is built by ``householder_product``.

    Args:
      a: ``[..., m, k]`` reflectors (from ``geqrf``/``qr``); taus: ``[..., k]``;
      c: ``[..., m, p]`` (left) or ``[..., p, m]``.
    Returns:
      the product, shaped like ``c``.
    Example:
      ``linalg.ormqr(a, taus, c, left=True, transpose=True)``
    """
    from .lax import pad
    a, taus, c = _arr(a), _arr(taus), _arr(c)
    sa = _la.ops.aval(a).shape
    m = sa[-2]
    if sa[-1] < m:  # a square Q needs m columns: zero reflectors beyond k (tau 0: identity)
        zero = _arr(np.zeros((), _la.ops.aval(a).dtype))
        a = pad(a, zero, [(0, 0, 0)] * (len(sa) - 1) + [(0, m - sa[-1], 0)])
    q = householder_product(_la._slice_last2(a, m, m), taus)
    if transpose:
        from .primitives.complex_ops import conj
        q = _la.mT(conj(q) if np.dtype(_la.ops.aval(q).dtype).kind == "c" else q)
    return _la.mm(q, c) if left else _la.mm(c, q)


def symmetric_product(a_matrix, c_matrix, *, alpha: float = 1.0, beta: float = 0.0,
                      symmetrize_output: bool = False):
    """``alpha * a @ a^T + beta * c`` (``jax.lax.linalg.symmetric_product``).

    Args:
      a_matrix: ``[..., m, k]``; c_matrix: ``[..., m, m]``.
      alpha, beta: scalars; symmetrize_output: return ``(y + y^T) / 2``.
    Returns:
      ``[..., m, m]``.
    Example:
      ``linalg.symmetric_product(a, c, alpha=2.0, beta=1.0)``
    """
    a, c = _arr(a_matrix), _arr(c_matrix)
    sa, sc = _la.ops.aval(a).shape, _la.ops.aval(c).shape
    if len(sa) < 2 or sc != (*sa[:-1], sa[-2]):
        raise ValueError(f"[symmetric_product] needs a [..., m, k] and c [..., m, m], got "
                         f"shapes {sa} and {sc}")
    y = _la.ops.add(_la.ops.mul(_la.mm(a, _la.mT(a)), _la.ops.scalar_like(c, alpha)),
                    _la.ops.mul(c, _la.ops.scalar_like(c, beta)))
    return symmetrize(y) if symmetrize_output else y


def cholesky_update(r_matrix, w_vector):
    """The upper Cholesky factor of ``r^T r + w w^T`` (``jax.lax.linalg.cholesky_update``).

    Args:
      r_matrix: upper triangular ``[n, n]``; w_vector: ``[n]``.
    Returns:
      the updated upper factor ``[n, n]`` (positive diagonal).
    Example:
      ``r2 = linalg.cholesky_update(r, w)``
    """
    r, w = _arr(r_matrix), _arr(w_vector)
    sr, sw = _la.ops.aval(r).shape, _la.ops.aval(w).shape
    if len(sr) != 2 or sr[0] != sr[1] or sw != sr[:1]:
        raise ValueError(f"[cholesky_update] needs r [n, n] and w [n], got shapes {sr} and "
                         f"{sw}")
    r = _la.triu(r)
    outer = _la.ops.mul(_la.ops.broadcast_in_dim(w, sr, (0,)),
                        _la.ops.broadcast_in_dim(w, sr, (1,)))
    return _la.mT(bind1(cholesky_p, _la.ops.add(_la.mm(_la.mT(r), r), outer)))


def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    """Solve the tridiagonal system ``T x = b`` (``jax.lax.linalg.tridiagonal_solve``) by
    the Thomas algorithm (two ``lax.scan`` sweeps, so it differentiates and batches).

    Args:
      dl: sub-diagonal ``[..., m]`` (``dl[..., 0]`` is ignored).
      d: diagonal ``[..., m]``.
      du: super-diagonal ``[..., m]`` (``du[..., -1]`` is ignored).
      b: right-hand sides ``[..., m, n]``.
      perturb_singular: not supported.
    Returns:
      ``x [..., m, n]``.
    Example:
      ``x = linalg.tridiagonal_solve(dl, d, du, b)``
    """
    from ._lax_tridiagonal import tridiagonal_solve as solve
    if perturb_singular:
        raise NotImplementedError("[tridiagonal_solve] perturb_singular=True is not supported")
    return solve(_arr(dl), _arr(d), _arr(du), _arr(b))
