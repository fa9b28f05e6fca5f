"""``functrans.scipy.linalg`` (as ``jax.scipy.linalg``): SciPy's signatures over the
primitives of ``functrans.lax.linalg`` (upper Cholesky factors by default, ``(lu, piv)``
pairs, ``trans`` codes), plus ``block_diag`` and ``expm``; the special matrices live in
``_linalg_matrices.py`` and the Schur-based functions (schur, sqrtm, funm, polar,
solve_sylvester, ...) in ``_linalg_schur.py``.

Example::

    from functrans.scipy import linalg
    c = linalg.cho_factor(a); x = linalg.cho_solve(c, b)
"""

from __future__ import annotations

import numpy as np

from .. import lax_linalg as lla
from .. import numpy as fnp
from ..numpy import linalg_decomp as _dec
from ..numpy._util import aval
from ..numpy.linalg import det, inv  # noqa: F401 (re-export)
from ..primitives import linalg as _pl
from ._linalg_matrices import (  # noqa: F401 (re-export)
    circulant,
    companion,
    convolution_matrix,
    dft,
    fiedler,
    fiedler_companion,
    hadamard,
    hankel,
    helmert,
    hilbert,
    invhilbert,
    invpascal,
    leslie,
    pascal,
    toeplitz,
)
from ._linalg_schur import (  # noqa: F401 (re-export)
    eigh_tridiagonal,
    expm_frechet,
    funm,
    hessenberg,
    polar,
    qr_multiply,
    rsf2csf,
    schur,
    solve_sylvester,
    sqrtm,
)


def _f(*xs):
    return [fnp.asarray(x) for x in _dec._inexact(*xs)]


def cholesky(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """Cholesky factor, upper by default (``jax.scipy.linalg.cholesky``).

    Args:
      a: ``[..., n, n]`` positive definite; lower: return ``L`` instead of ``U``.
    Returns:
      the factor.
    Example:
      ``linalg.cholesky(a, lower=True)``
    """
    return _dec.cholesky(a, upper=not lower)


def cho_factor(a, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """``(c, lower)`` for ``cho_solve`` (``jax.scipy.linalg.cho_factor``).

    Args:
      a: ``[..., n, n]``; lower: which factor to keep.
    Returns:
      ``(c, lower)``.
    Example:
      ``linalg.cho_solve(linalg.cho_factor(a), b)``
    """
    return cholesky(a, lower=lower), lower


def cho_solve(c_and_lower, b, overwrite_b: bool = False, check_finite: bool = True):
    """Solve ``a x = b`` from ``cho_factor(a)`` (``jax.scipy.linalg.cho_solve``).

    Args:
      c_and_lower: ``(c, lower)``; b: ``[..., n]`` or ``[..., n, k]``.
    Returns:
      ``x``.
    Example:
      ``linalg.cho_solve((L, True), b)``
    """
    c, lower = c_and_lower
    c, b = _f(c, b)
    vector = b.ndim == c.ndim - 1
    if vector:
        b = b[..., None]
    y = lla.triangular_solve(c, b, left_side=True, lower=lower, transpose_a=not lower)
    x = lla.triangular_solve(c, y, left_side=True, lower=lower, transpose_a=lower)
    return x[..., 0] if vector else x


def solve_triangular(a, b, trans=0, lower: bool = False, unit_diagonal: bool = False,
                     overwrite_b: bool = False, debug=None, check_finite: bool = True):
    """Solve ``op(a) x = b`` for triangular ``a`` (``jax.scipy.linalg.solve_triangular``).

    Args:
      a: ``[..., n, n]``; b: ``[..., n]`` or ``[..., n, k]``; trans: 0/'N', 1/'T', 2/'C';
      lower, unit_diagonal: as SciPy.
    Returns:
      ``x``.
    Example:
      ``linalg.solve_triangular(L, b, lower=True)``
    """
    codes = {0: False, "N": False, 1: True, "T": True, 2: True, "C": True}
    if trans not in codes:
        raise ValueError(f"[solve_triangular] invalid trans={trans!r}; use 0, 1, 2, 'N', 'T', "
                         "'C'")
    a, b = _f(a, b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b[..., None]
    x = lla.triangular_solve(a, b, left_side=True, lower=lower, transpose_a=codes[trans],
                             unit_diagonal=unit_diagonal)
    return x[..., 0] if vector else x


def lu_factor(a, overwrite_a: bool = False, check_finite: bool = True):
    """``(lu, piv)`` (``jax.scipy.linalg.lu_factor``).

    Args:
      a: ``[..., m, n]``.
    Returns:
      packed factors and int32 row swaps.
    Example:
      ``linalg.lu_solve(linalg.lu_factor(a), b)``
    """
    (a,) = _f(a)
    lu, piv, _ = lla.lu(a)
    return lu, piv


def lu_solve(lu_and_piv, b, trans: int = 0, overwrite_b: bool = False,
             check_finite: bool = True):
    """Solve ``a x = b`` (trans 0) or ``a^T x = b`` (1, 2) from ``lu_factor(a)``
    (``jax.scipy.linalg.lu_solve``).

    Args:
      lu_and_piv: ``(lu, piv)``; b: ``[..., n]`` or ``[..., n, k]``; trans: 0, 1 or 2.
    Returns:
      ``x``.
    Example:
      ``linalg.lu_solve((lu, piv), b)``
    """
    lu, piv = lu_and_piv
    if trans not in (0, 1, 2):
        raise ValueError(f"[lu_solve] invalid trans={trans!r}; use 0, 1 or 2")
    lu, b = _f(lu, b)
    m = aval(lu).shape[-1]
    perm = lla.lu_pivots_to_permutation(piv, m)
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    batch = np.broadcast_shapes(aval(lu).shape[:-2], aval(b).shape[:-2])
    lu = fnp.broadcast_to(lu, (*batch, m, m))
    b = fnp.broadcast_to(b, (*batch, *aval(b).shape[-2:]))
    perm = fnp.broadcast_to(perm, (*batch, m))
    x = _dec.lu_solve_core(lu, perm, b, 1 if trans else 0)
    return x[..., 0] if vector else x


def lu(a, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """``a = p @ l @ u`` (``jax.scipy.linalg.lu``).

    Args:
      a: ``[..., m, n]``; permute_l: return ``(p @ l, u)``.
    Returns:
      ``(p, l, u)`` or ``(p @ l, u)``.
    Example:
      ``p, l, u = linalg.lu(a)``
    """
    (a,) = _f(a)
    m, n = aval(a).shape[-2:]
    k = min(m, n)
    packed, _, perm = lla.lu(a)
    lo = _pl.tril(packed[..., :, :k], -1) + fnp.eye(m, k, dtype=a.dtype)
    up = _pl.triu(packed[..., :k, :])
    p = (perm[..., :, None] == fnp.arange(m)).astype(a.dtype)  # p^T as rows
    p = fnp.swapaxes(p, -1, -2)
    return (p @ lo, up) if permute_l else (p, lo, up)


def qr(a, overwrite_a: bool = False, lwork=None, mode: str = "full", pivoting: bool = False,
       check_finite: bool = True):
    """QR decomposition (``jax.scipy.linalg.qr``).

    Args:
      a: ``[..., m, n]``; mode: 'full', 'economic' or 'r'.
    Returns:
      ``(q, r)`` or ``(r,)`` for mode 'r'.
    Example:
      ``q, r = linalg.qr(a, mode="economic")``
    """
    if mode not in ("full", "economic", "r") or pivoting:
        raise ValueError(f"[qr] unsupported mode={mode!r}/pivoting={pivoting}; use 'full', "
                         "'economic' or 'r' without pivoting")
    q, r = lla.qr(_f(a)[0], full_matrices=mode != "economic")
    return (r,) if mode == "r" else (q, r)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
        check_finite: bool = True, lapack_driver: str = "gesdd"):
    """SVD (``jax.scipy.linalg.svd``).

    Args:
      a: ``[..., m, n]``; full_matrices, compute_uv: as NumPy.
    Returns:
      ``(u, s, vh)`` or ``s``.
    Example:
      ``u, s, vh = linalg.svd(a)``
    """
    out = _dec.svd(a, full_matrices, compute_uv)
    return tuple(out) if compute_uv else out


def eigh(a, b=None, lower: bool = True, eigvals_only: bool = False, overwrite_a: bool = False,
         overwrite_b: bool = False, turbo: bool = True, eigvals=None, type: int = 1,  # noqa: A002
         check_finite: bool = True):
    """Symmetric eigendecomposition (``jax.scipy.linalg.eigh``; ``b`` unsupported).

    Args:
      a: ``[..., n, n]``; lower: triangle to read; eigvals_only: only ``w``.
    Returns:
      ``(w, v)`` or ``w``.
    Example:
      ``w, v = linalg.eigh(a)``
    """
    if b is not None or eigvals is not None:
        raise NotImplementedError("[eigh] the generalized problem (b) and eigvals are not "
                                  "supported")
    w, v = _dec.eigh(a, "L" if lower else "U")
    return w if eigvals_only else (w, v)


def solve(a, b, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False,
          debug: bool = False, check_finite: bool = True, assume_a: str = "gen"):
    """Solve ``a x = b`` (``jax.scipy.linalg.solve``); 'sym'/'her'/'pos' use Cholesky for
    'pos' and LU otherwise.

    Args:
      a: ``[..., n, n]``; b: ``[..., n]`` or ``[..., n, k]``; assume_a: 'gen', 'sym',
      'her' or 'pos'.
    Returns:
      ``x``.
    Example:
      ``linalg.solve(a, b, assume_a="pos")``
    """
    if assume_a not in ("gen", "sym", "her", "pos"):
        raise ValueError(f"[solve] invalid assume_a={assume_a!r}")
    if assume_a == "pos":
        return cho_solve(cho_factor(a, lower=lower), b)
    return _dec.solve(a, b)


def block_diag(*arrs):
    """A block-diagonal matrix of the given blocks (``jax.scipy.linalg.block_diag``).

    Args:
      arrs: arrays of rank <= 2 (scalars and vectors are single-row blocks).
    Returns:
      ``[sum rows, sum cols]``.
    Example:
      ``linalg.block_diag(fnp.eye(2), 3.0)``
    """
    if not arrs:
        return fnp.zeros((1, 0))
    blocks = [fnp.atleast_2d(fnp.asarray(a)) for a in arrs]
    dtype = fnp.result_type(*blocks)
    cols = sum(b.shape[1] for b in blocks)
    rows, start = [], 0
    for b in blocks:
        r, c = b.shape
        rows.append(fnp.pad(b.astype(dtype), ((0, 0), (start, cols - start - c))))
        start += c
    return fnp.concatenate(rows, axis=0)


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def expm(A, *, upper_triangular: bool = False, max_squarings: int = 16):  # noqa: N803
    """Matrix exponential by scaling and squaring with the [13/13] Padé approximant
    (``jax.scipy.linalg.expm``); differentiable (through the Padé evaluation).

    The number of squarings s = max(0, ceil(log2(||A||_1 / theta_13))) is data-dependent;
    all ``max_squarings`` candidate squarings are traced and the first s selected, so the
    function also works under jit, vmap and grad. Norms beyond theta_13 * 2**max_squarings
    give inf, as JAX does.

    Args:
      A: ``[..., n, n]``.
    Returns:
      ``exp(A)``.
    Example:
      ``linalg.expm(fnp.zeros((2, 2)))  # identity``
    """
    (A,) = _f(A)
    n = aval(A).shape[-1]
    norm1 = fnp.max(fnp.sum(fnp.abs(A), axis=-2), axis=-1)
    s = fnp.maximum(0.0, fnp.ceil(fnp.log2(norm1 / _THETA13)))
    s = fnp.where(fnp.isfinite(s), s, 0.0)
    too_big = s > max_squarings
    s = fnp.minimum(s, max_squarings)
    As = A / fnp.exp2(s)[..., None, None]
    eye = fnp.broadcast_to(fnp.eye(n, dtype=A.dtype), aval(A).shape)
    A2 = As @ As
    A4 = A2 @ A2
    A6 = A4 @ A2
    b = _PADE13
    U = As @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2
              + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 \
        + b[0] * eye
    R = _dec.solve(V - U, V + U)
    for i in range(max_squarings):
        R = fnp.where((i < s)[..., None, None], R @ R, R)
    return fnp.where(too_big[..., None, None], np.inf, R).astype(A.dtype)


__all__ = ["block_diag", "cho_factor", "cho_solve", "cholesky", "circulant", "companion",
           "convolution_matrix", "det", "dft", "eigh", "eigh_tridiagonal", "expm", "expm_frechet",
           "fiedler", "fiedler_companion", "funm", "hadamard", "hankel", "helmert", "hessenberg",
           "hilbert", "inv", "invhilbert", "invpascal", "leslie", "lu", "lu_factor", "lu_solve",
           "pascal", "polar", "qr", "qr_multiply", "rsf2csf", "schur", "solve",
           "solve_sylvester", "solve_triangular", "sqrtm", "svd", "toeplitz"]
