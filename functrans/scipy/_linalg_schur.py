"""Schur-based and other decomposition functions of ``functrans.scipy.linalg`` (as
``jax.scipy.linalg``): schur, rsf2csf, hessenberg, sqrtm, funm, solve_sylvester, polar,
expm_frechet, eigh_tridiagonal, qr_multiply.

The triangular recurrences (Björck-Hammarling square root, Parlett's recurrence for
``funm``) fill one superdiagonal at a time: with the entries above diagonal ``d`` still
zero, the sums over ``i < k < j`` they need are entries of a matrix product, so each
diagonal costs one product and one ``where``. Like JAX, schur/sqrtm/funm/rsf2csf/
solve_sylvester run on the CPU only (LAPACK gees) and are not differentiable through the
Schur decomposition.
"""

from __future__ import annotations

import numpy as np

from .. import lax_linalg as lla
from .. import numpy as fnp


def _complex_dtype(dtype):
    return fnp.result_type(dtype, np.complex64)


def _square(a, name: str):
    a = fnp.asarray(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"[{name}] needs square matrices [..., n, n], got shape {a.shape}")
    if not fnp.issubdtype(a.dtype, fnp.inexact):
        a = a.astype(fnp.result_type(a.dtype, 1.0))
    return a


def _mH(x):
    return fnp.conj(fnp.swapaxes(x, -1, -2))


def _superdiag(n: int, d: int) -> np.ndarray:
    return np.arange(n)[None, :] - np.arange(n)[:, None] == d


def schur(a, output: str = "real"):
    """Schur decomposition ``a = z @ t @ z^H`` (``jax.scipy.linalg.schur``; CPU).

    Args:
      a: ``[..., n, n]``.
      output: 'real' (quasi-triangular ``t`` for real input) or 'complex'.
    Returns:
      ``(t, z)``.
    Example:
      ``t, z = linalg.schur(a, output="complex")``
    """
    if output not in ("real", "complex"):
        raise ValueError(f"[schur] output must be 'real' or 'complex', got {output!r}")
    a = _square(a, "schur")
    if output == "complex":
        a = a.astype(_complex_dtype(a.dtype))
    return lla.schur(a)


def _givens_2x2_block(t, z, m: int, eps: float):
    """One step of rsf2csf: triangularize the 2x2 diagonal block ending at row ``m``
    (when its subdiagonal entry is not negligible)."""
    n = t.shape[-1]
    a, b, c, d = t[m - 1, m - 1], t[m - 1, m], t[m, m - 1], t[m, m]
    disc = fnp.sqrt(((a - d) / 2) ** 2 + b * c)
    mu = (a + d) / 2 + disc - d  # the eigenvalue with the nonnegative root, minus t[m, m]
    r = fnp.sqrt(fnp.abs(mu) ** 2 + fnp.abs(c) ** 2).astype(t.dtype)
    r = fnp.where(r == 0, 1, r)
    cs, sn = mu / r, c / r
    g = fnp.stack([fnp.stack([fnp.conj(cs), sn]), fnp.stack([-sn, cs])])
    cols = np.arange(n) >= m - 1
    rows_new = fnp.where(cols, g @ t[m - 1:m + 1], t[m - 1:m + 1])
    t2 = fnp.concatenate([t[:m - 1], rows_new, t[m + 1:]], axis=0)
    keep = (np.arange(n) < m + 1)[:, None]
    cols_new = fnp.where(keep, t2[:, m - 1:m + 1] @ _mH(g), t2[:, m - 1:m + 1])
    t2 = fnp.concatenate([t2[:, :m - 1], cols_new, t2[:, m + 1:]], axis=1)
    z2 = fnp.concatenate([z[:, :m - 1], z[:, m - 1:m + 1] @ _mH(g), z[:, m + 1:]], axis=1)
    big = fnp.abs(c) > eps * (fnp.abs(a) + fnp.abs(d))
    return fnp.where(big, t2, t), fnp.where(big, z2, z)


def _rsf2csf_2d(t, z):
    n = t.shape[-1]
    eps = float(np.finfo(t.dtype).eps)
    for m in range(n - 1, 0, -1):
        t, z = _givens_2x2_block(t, z, m, eps)
        t = t.at[m, m - 1].set(0)
    return t, z


def rsf2csf(T, Z, check_finite: bool = True):  # noqa: N803 (SciPy names)
    """Real Schur form to complex Schur form (``jax.scipy.linalg.rsf2csf``).

    Args:
      T: real Schur form ``[..., n, n]``; Z: its Schur vectors.
    Returns:
      ``(T, Z)`` complex, ``T`` upper triangular.
    Example:
      ``t, z = linalg.rsf2csf(*linalg.schur(a))``
    """
    T, Z = fnp.asarray(T), fnp.asarray(Z)
    if T.ndim < 2 or T.shape[-1] != T.shape[-2] or Z.shape[-2:] != T.shape[-2:]:
        raise ValueError(f"[rsf2csf] needs square T and Z of equal size, got shapes "
                         f"{T.shape} and {Z.shape}")
    dtype = _complex_dtype(fnp.result_type(T, Z))
    if T.shape[-1] == 1:
        return T.astype(dtype), Z.astype(dtype)
    return fnp.vectorize(_rsf2csf_2d, signature="(n,n),(n,n)->(n,n),(n,n)")(
        T.astype(dtype), Z.astype(dtype))


def hessenberg(a, *, calc_q: bool = False, overwrite_a: bool = False,
               check_finite: bool = True):
    """Hessenberg form ``a = q @ h @ q^H`` (``jax.scipy.linalg.hessenberg``; CPU).

    Args:
      a: ``[..., n, n]``; calc_q: also return ``q``.
    Returns:
      ``h``, or ``(h, q)``.
    Example:
      ``h, q = linalg.hessenberg(a, calc_q=True)``
    """
    a = _square(a, "hessenberg")
    n = a.shape[-1]
    if n == 0:
        return (fnp.zeros_like(a), fnp.zeros_like(a)) if calc_q else fnp.zeros_like(a)
    packed, taus = lla.hessenberg(a)
    h = fnp.triu(packed, -1)
    if not calc_q:
        return h
    q = lla.householder_product(packed[..., 1:, :-1], taus) if n > 1 else \
        fnp.zeros((*a.shape[:-2], 0, 0), a.dtype)
    pad = [(0, 0)] * (a.ndim - 2) + [(1, 0), (1, 0)]
    q = fnp.pad(q, pad)
    corner = np.zeros((n, n), bool)
    corner[0, 0] = True
    return h, fnp.where(corner, fnp.ones_like(q), q)


def _sqrtm_triu(t):
    n = t.shape[-1]
    root = fnp.sqrt(fnp.diagonal(t))
    u = fnp.diag(root)
    denom = root[:, None] + root[None, :]
    for d in range(1, n):
        num = t - u @ u
        u = fnp.where(_superdiag(n, d), fnp.where(num == 0, 0, num / denom), u)
    return u


def sqrtm(A, blocksize: int = 1):  # noqa: N803
    """Matrix square root by the complex Schur method (``jax.scipy.linalg.sqrtm``; CPU).

    Args:
      A: ``[..., n, n]``; blocksize: only 1.
    Returns:
      complex ``X`` with ``X @ X == A``.
    Example:
      ``linalg.sqrtm(fnp.array([[4., 0.], [0., 9.]]))``
    """
    if blocksize > 1:
        raise NotImplementedError("[sqrtm] the blocked version (blocksize > 1) is not "
                                  "implemented, as in JAX")
    t, z = schur(A, output="complex")
    return fnp.vectorize(lambda t1, z1: z1 @ _sqrtm_triu(t1) @ _mH(z1),
                         signature="(n,n),(n,n)->(n,n)")(t, z)


def _parlett(f, t):
    """Parlett's recurrence (Golub & Van Loan 11.1.1) for ``f`` on upper triangular ``t``
    whose diagonal of ``f`` is given; returns ``(F, min |t_jj - t_ii|)``."""
    n = t.shape[-1]
    d_t = fnp.diagonal(t)
    den = d_t[None, :] - d_t[:, None]
    for d in range(1, n):
        num = t @ f - f @ t
        f = fnp.where(_superdiag(n, d), fnp.where(den != 0, num / fnp.where(den != 0, den, 1),
                                                  num), f)
    upper = np.triu(np.ones((n, n), bool), 1)
    minden = fnp.min(fnp.where(upper, fnp.abs(den), np.inf), initial=np.inf)
    return f, fnp.minimum(fnp.abs(t[0, 0]), minden)


def funm(A, func, disp: bool = True):  # noqa: N803
    """A matrix function from a scalar one, by the Schur-Parlett method
    (``jax.scipy.linalg.funm``; CPU).

    Args:
      A: ``[n, n]``; func: elementwise function applied to the eigenvalues (vectorized).
      disp: if False also return an error estimate.
    Returns:
      complex ``F`` (and the estimate with ``disp=False``).
    Example:
      ``linalg.funm(a, fnp.exp)``
    """
    A = fnp.asarray(A)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"[funm] expected a square matrix [n, n], got shape {A.shape}")
    t, z = schur(A)
    t, z = rsf2csf(t, z)
    f0 = fnp.diag(fnp.asarray(func(fnp.diagonal(t))).astype(t.dtype))
    f, minden = _parlett(f0, t)
    f = z @ f @ _mH(z)
    if disp:
        return f
    tol = float(np.finfo(fnp.real(f).dtype).eps)
    minden = fnp.where(minden == 0, tol, minden)
    rel = (tol / minden) * fnp.max(fnp.sum(fnp.abs(fnp.triu(t, 1)), axis=0))
    err = fnp.where(fnp.any(fnp.isinf(f)), np.inf, fnp.minimum(1, fnp.maximum(tol, rel)))
    return f, err


def _complex_solve(mat, rhs):
    """``mat^-1 rhs`` for complex ``mat`` [m, m], through the real system
    ``[[Re, -Im], [Im, Re]]`` (the LU primitives are real)."""
    m = mat.shape[-1]
    re, im = fnp.real(mat), fnp.imag(mat)
    big = fnp.concatenate([fnp.concatenate([re, -im], 1), fnp.concatenate([im, re], 1)], 0)
    sol = fnp.linalg.solve(big, fnp.concatenate([fnp.real(rhs), fnp.imag(rhs)]))
    return sol[:m] + 1j * sol[m:]


def _sylvester_triangular(r, lo, f):
    """Solve ``r y + y lo = f`` for upper triangular ``r`` [m, m], lower triangular ``lo``
    [n, n], column by column from the last (Bartels-Stewart)."""
    m, n = f.shape
    eye = fnp.eye(m, dtype=r.dtype)
    cols = [None] * n
    for j in range(n - 1, -1, -1):
        rhs = f[:, j]
        for k in range(j + 1, n):
            rhs = rhs - cols[k] * lo[k, j]
        cols[j] = _complex_solve(r + lo[j, j] * eye, rhs).astype(r.dtype)
    return fnp.stack(cols, axis=1)


def _sylvester_2d(a, b, c, tol):
    r, u = schur(a, output="complex")
    s, v = schur(_mH(b), output="complex")
    f = _mH(u) @ c.astype(r.dtype) @ v
    x = u @ _sylvester_triangular(r, _mH(s), f) @ _mH(v)
    if not fnp.issubdtype(c.dtype, fnp.complexfloating):
        x = fnp.real(x)
    sums = fnp.linalg.eigvals(a)[:, None] + fnp.linalg.eigvals(b)[None, :]
    return fnp.where(fnp.any(fnp.abs(sums) < tol), np.nan, x)


def solve_sylvester(A, B, C, *, method: str = "schur", tol: float = 1e-8):  # noqa: N803
    """Solve ``A X + X B = C`` (``jax.scipy.linalg.solve_sylvester``; Bartels-Stewart on
    complex Schur forms, CPU). NaN where some ``eig(A)_i + eig(B)_j`` is below ``tol`` in
    modulus (no unique solution), as JAX.

    Args:
      A: ``[..., m, m]``; B: ``[..., n, n]``; C: ``[..., m, n]``; method: 'schur' (or
      'eigen', computed the same way); tol: singularity threshold.
    Returns:
      ``X [..., m, n]``.
    Example:
      ``linalg.solve_sylvester(a, b, c)``
    """
    if method not in ("schur", "eigen"):
        raise ValueError(f"[solve_sylvester] method must be 'schur' or 'eigen', got "
                         f"{method!r}")
    A, B, C = (fnp.asarray(x) for x in (A, B, C))
    dtype = fnp.result_type(A, B, C, 1.0)
    A, B, C = (x.astype(dtype) for x in (A, B, C))
    m, n = C.shape[-2:]
    if A.shape[-2:] != (m, m) or B.shape[-2:] != (n, n):
        raise ValueError(f"[solve_sylvester] incompatible shapes A {A.shape}, B {B.shape}, "
                         f"C {C.shape}: need A [..., m, m], B [..., n, n], C [..., m, n]")
    return fnp.vectorize(lambda a, b, c: _sylvester_2d(a, b, c, tol),
                         signature="(m,m),(n,n),(m,n)->(m,n)")(A, B, C)


def polar(a, side: str = "right", *, method: str = "qdwh", eps=None, max_iterations=None):
    """Polar decomposition ``a = u p`` (right) or ``a = p u`` (left)
    (``jax.scipy.linalg.polar``), computed from the SVD for both methods (JAX's 'qdwh'
    iteration converges to the same factors).

    Args:
      a: ``[..., m, n]``; side: 'right' or 'left'; method: 'qdwh' or 'svd'.
    Returns:
      ``(u, p)``: ``u`` with orthonormal columns (rows if n > m), ``p`` positive
      semidefinite ``[..., n, n]`` (right) or ``[..., m, m]`` (left).
    Example:
      ``u, p = linalg.polar(a)``
    """
    a = fnp.asarray(a)
    if a.ndim < 2:
        raise ValueError(f"[polar] needs an array of rank >= 2, got shape {a.shape}")
    if side not in ("right", "left"):
        raise ValueError(f"[polar] side must be 'right' or 'left', got {side!r}")
    if method not in ("qdwh", "svd"):
        raise ValueError(f"[polar] method must be 'qdwh' or 'svd', got {method!r}")
    if not fnp.issubdtype(a.dtype, fnp.inexact):
        a = a.astype(fnp.result_type(a.dtype, 1.0))
    u_s, s, vh = fnp.linalg.svd(a, full_matrices=False)
    u = u_s @ vh
    if side == "right":
        p = _mH(vh) @ (s[..., :, None] * vh)
    else:
        p = (u_s * s[..., None, :]) @ _mH(u_s)
    return u, p


def expm_frechet(A, E, *, method=None, compute_expm: bool = True):  # noqa: N803
    """The Frechet derivative of ``expm`` at ``A`` in direction ``E``
    (``jax.scipy.linalg.expm_frechet``): the jvp of ``expm``.

    Args:
      A, E: ``[..., n, n]`` of equal shape; compute_expm: also return ``expm(A)``.
    Returns:
      ``(expm(A), L(A, E))`` or ``L(A, E)``.
    Example:
      ``expm_a, frechet = linalg.expm_frechet(a, e)``
    """
    from .._autodiff_api import jvp
    from .linalg import expm
    A, E = fnp.asarray(A), fnp.asarray(E)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2] or A.shape != E.shape:
        raise ValueError(f"[expm_frechet] needs square A and E of equal shape, got "
                         f"{A.shape} and {E.shape}")
    dtype = fnp.result_type(A, E, 1.0)
    out, frechet = jvp(expm, (A.astype(dtype),), (E.astype(dtype),))
    return (out, frechet) if compute_expm else frechet


def eigh_tridiagonal(d, e, *, eigvals_only: bool = False, select: str = "a",
                     select_range=None, tol=None, key=None):
    """Eigenvalues (and vectors) of the symmetric tridiagonal matrix with diagonal ``d`` and
    off-diagonal ``e`` (``jax.scipy.linalg.eigh_tridiagonal``), through ``eigh`` of the
    assembled matrix.

    Args:
      d: ``[n]``; e: ``[n - 1]``; eigvals_only: only the eigenvalues;
      select: 'a' (all) or 'i' (indices ``select_range[0] <= i <= select_range[1]``).
    Returns:
      ascending eigenvalues, or ``(w, v)``.
    Example:
      ``linalg.eigh_tridiagonal(d, e, eigvals_only=True)``
    """
    d, e = fnp.asarray(d), fnp.asarray(e)
    if d.dtype != e.dtype:
        raise TypeError(f"[eigh_tridiagonal] d and e must have the same dtype, got {d.dtype} "
                        f"and {e.dtype}")
    if d.ndim != 1 or e.shape != (max(d.shape[0] - 1, 0),):
        raise ValueError(f"[eigh_tridiagonal] needs d [n] and e [n - 1], got shapes {d.shape}"
                         f" and {e.shape}")
    if select == "v":
        raise NotImplementedError("[eigh_tridiagonal] select='v' is not implemented, as in "
                                  "JAX")
    if select not in ("a", "i"):
        raise ValueError(f"[eigh_tridiagonal] select must be 'a', 'i' or 'v', got {select!r}")
    if select == "i" and (select_range is None or select_range[0] > select_range[1]):
        raise ValueError(f"[eigh_tridiagonal] select='i' needs select_range=(lo, hi) with "
                         f"lo <= hi, got {select_range!r}")
    t = fnp.diag(d) + fnp.diag(e, 1) + fnp.diag(fnp.conj(e), -1)
    w, v = fnp.linalg.eigh(t)
    if select == "i":
        lo, hi = int(select_range[0]), int(select_range[1])
        w, v = w[lo:hi + 1], v[:, lo:hi + 1]
    return w if eigvals_only else (w, v)


def qr_multiply(a, c, mode: str = "right", pivoting: bool = False, conjugate: bool = False,
                overwrite_a: bool = False, overwrite_c: bool = False):
    """``Q @ c`` (mode 'left') or ``c @ Q`` (mode 'right') with ``Q`` from the economic QR of
    ``a``, and ``R`` (``jax.scipy.linalg.qr_multiply``).

    Args:
      a: ``[..., m, n]``; c: ``[..., k, p]`` (left) or ``[..., p, m]`` (right), k = min(m, n),
      or a vector; conjugate: use ``conj(Q)``.
    Returns:
      ``(cq, r)``.
    Example:
      ``cq, r = linalg.qr_multiply(a, c)``
    """
    if mode not in ("right", "left"):
        raise ValueError(f"[qr_multiply] mode must be 'right' or 'left', got {mode!r}")
    if pivoting:
        raise NotImplementedError("[qr_multiply] pivoting=True is not supported")
    a, c = fnp.asarray(a), fnp.asarray(c)
    dtype = fnp.result_type(a, c, 1.0)
    a, c = a.astype(dtype), c.astype(dtype)
    onedim = c.ndim == 1
    if onedim:
        c = c[:, None] if mode == "left" else c[None, :]
    m, n = a.shape[-2:]
    k = min(m, n)
    need, got = (k, c.shape[-2]) if mode == "left" else (m, c.shape[-1])
    if need != got:
        side = "rows" if mode == "left" else "columns"
        raise ValueError(f"[qr_multiply] a of shape {a.shape} needs c with {need} {side} for "
                         f"mode={mode!r}, got c of shape {c.shape}")
    q, r = fnp.linalg.qr(a)
    if conjugate:
        q = fnp.conj(q)
    cq = q @ c if mode == "left" else c @ q
    return (cq.ravel() if onedim else cq), r
