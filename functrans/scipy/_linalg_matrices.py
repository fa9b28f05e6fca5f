"""Special matrices of ``functrans.scipy.linalg`` (as ``jax.scipy.linalg``): toeplitz,
hankel, circulant, leslie, companion, fiedler, fiedler_companion, convolution_matrix,
hilbert, invhilbert, pascal, invpascal, helmert, hadamard, dft.

Matrices built from arrays gather their entries with constant index tables (batched over
leading axes with ``vectorize``, as JAX); those built from a size ``n`` alone are NumPy
constants in JAX's dtypes.
"""

from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..core import dtypes


def _vec1(a, name: str):
    a = fnp.atleast_1d(fnp.asarray(a))
    if a.ndim == 0:
        raise ValueError(f"[{name}] needs an array, got a scalar")
    return a


def _toeplitz(c, r):
    nc, nr = c.shape[-1], r.shape[-1]
    elems = fnp.concatenate((c[::-1], r[1:]))
    return elems[(nc - 1) - np.arange(nc)[:, None] + np.arange(nr)[None, :]]


def toeplitz(c, r=None):
    """A Toeplitz matrix with first column ``c`` and first row ``r``
    (``jax.scipy.linalg.toeplitz``; ``r`` defaults to ``conj(c)``; batched over leading
    axes).

    Args:
      c: first column ``[..., m]``; r: first row ``[..., n]`` (``r[0]`` is ignored).
    Returns:
      ``[..., m, n]``.
    Example:
      ``linalg.toeplitz(fnp.array([1., 2., 3.]))``
    """
    c = _vec1(c, "toeplitz")
    r = fnp.conjugate(c) if r is None else _vec1(r, "toeplitz")
    dtype = fnp.result_type(c, r)
    if c.shape[-1] == 0 or r.shape[-1] == 0:
        return fnp.zeros((c.shape[-1], r.shape[-1]), dtype)
    return fnp.vectorize(_toeplitz, signature="(m),(n)->(m,n)")(c.astype(dtype),
                                                               r.astype(dtype))


def _hankel(c, r):
    nc, nr = c.shape[-1], r.shape[-1]
    return fnp.concatenate((c, r[1:]))[np.arange(nc)[:, None] + np.arange(nr)[None, :]]


def hankel(c, r=None):
    """A Hankel matrix with first column ``c`` and last row ``r`` (``jax.scipy.linalg.hankel``;
    ``r`` defaults to zeros; batched over leading axes).

    Args:
      c: ``[..., m]``; r: ``[..., n]`` (``r[0]`` is ignored).
    Returns:
      ``[..., m, n]``.
    Example:
      ``linalg.hankel(fnp.array([1., 2., 3.]))``
    """
    c = fnp.asarray(c)
    r = fnp.zeros_like(c) if r is None else fnp.asarray(r)
    if c.ndim == 0 or r.ndim == 0:
        raise ValueError(f"[hankel] c and r must be at least 1-dimensional, got shapes "
                         f"{c.shape} and {r.shape}")
    dtype = fnp.result_type(c, r)
    if c.shape[-1] == 0 or r.shape[-1] == 0:
        return fnp.zeros((c.shape[-1], r.shape[-1]), dtype)
    return fnp.vectorize(_hankel, signature="(m),(n)->(m,n)")(c.astype(dtype), r.astype(dtype))


def circulant(c):
    """The circulant matrix whose first column is ``c`` (``jax.scipy.linalg.circulant``).

    Args:
      c: ``[..., n]``.
    Returns:
      ``[..., n, n]`` with ``out[i, j] = c[(i - j) % n]``.
    Example:
      ``linalg.circulant(fnp.array([1., 2., 3.]))``
    """
    c = _vec1(c, "circulant")
    n = c.shape[-1]
    return c[..., (np.arange(n)[:, None] - np.arange(n)[None, :]) % n]


def leslie(f, s):
    """A Leslie matrix: fecundities ``f`` in the first row, survival ``s`` on the
    subdiagonal (``jax.scipy.linalg.leslie``).

    Args:
      f: ``[..., n]`` (n >= 2); s: ``[..., n - 1]``.
    Returns:
      ``[..., n, n]``.
    Example:
      ``linalg.leslie(fnp.array([.1, 2., 1.]), fnp.array([.2, .8]))``
    """
    f, s = _vec1(f, "leslie"), _vec1(s, "leslie")
    if f.shape[-1] < 2 or s.shape[-1] != f.shape[-1] - 1:
        raise ValueError(f"[leslie] needs f [..., n] with n >= 2 and s [..., n - 1], got "
                         f"shapes {f.shape} and {s.shape}")
    dtype = fnp.result_type(f, s)

    def one(f1, s1):
        below = fnp.diag(s1.astype(dtype), k=-1)
        return fnp.concatenate((f1.astype(dtype)[None], below[1:]), axis=0)
    return fnp.vectorize(one, signature="(n),(m)->(n,n)")(f, s)


def companion(a):
    """The companion matrix of the polynomial with coefficients ``a``
    (``jax.scipy.linalg.companion``).

    Args:
      a: ``[..., n]`` (n >= 2), highest degree first.
    Returns:
      ``[..., n - 1, n - 1]``: first row ``-a[1:] / a[0]``, ones on the subdiagonal.
    Example:
      ``linalg.companion(fnp.array([1., -10., 31., -30.]))``
    """
    a = _vec1(a, "companion")
    if not fnp.issubdtype(a.dtype, fnp.inexact):
        a = a.astype(fnp.result_type(a.dtype, 1.0))
    if a.shape[-1] < 2:
        raise ValueError(f"[companion] needs at least 2 coefficients, got shape {a.shape}")

    def one(a1):
        first = -a1[1:] / a1[0]
        m = a1.shape[0] - 1
        return fnp.concatenate((first[None], fnp.eye(m, m, k=-1, dtype=first.dtype)[1:]), 0)
    return fnp.vectorize(one, signature="(n)->(m,m)")(a)


def fiedler(a):
    """The Fiedler matrix ``|a_i - a_j|`` (``jax.scipy.linalg.fiedler``).

    Args:
      a: ``[..., n]``.
    Returns:
      ``[..., n, n]``.
    Example:
      ``linalg.fiedler(fnp.array([1., 4., 12.]))``
    """
    a = _vec1(a, "fiedler")
    return fnp.abs(a[..., None] - a[..., None, :])


def _fiedler_companion(a):
    n = a.shape[0] - 1
    a = a / a[0]
    if n == 1:
        return -a[1:].reshape(1, 1)
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    even, odd = i % 2 == 0, i % 2 == 1
    out = fnp.zeros((n, n), a.dtype)
    out = fnp.where((i == 0) & (j == 0), -a[1], out)
    out = fnp.where((i == 1) & (j == 0), 1, out)
    out = fnp.where((j == i + 1) & even, -a[np.minimum(i + 2, n)], out)
    out = fnp.where((j == i + 2) & even, 1, out)
    out = fnp.where((j == i - 1) & even & (i >= 2), -a[np.minimum(i + 1, n)], out)
    return fnp.where((j == i - 2) & odd & (i >= 3), 1, out)


def fiedler_companion(a):
    """The Fiedler companion matrix of the polynomial ``a``
    (``jax.scipy.linalg.fiedler_companion``): pentadiagonal, same eigenvalues as
    ``companion(a)``.

    Args:
      a: ``[..., n]`` (n >= 1), highest degree first.
    Returns:
      ``[..., n - 1, n - 1]``.
    Example:
      ``linalg.fiedler_companion(fnp.array([1., -16., 86., -176., 105.]))``
    """
    a = _vec1(a, "fiedler_companion")
    if not fnp.issubdtype(a.dtype, fnp.inexact):
        a = a.astype(fnp.result_type(a.dtype, 1.0))
    if a.shape[-1] == 0:
        raise ValueError(f"[fiedler_companion] needs a nonempty last axis, got {a.shape}")
    if a.shape[-1] == 1:
        return fnp.zeros((*a.shape[:-1], 0, 0), a.dtype)
    return fnp.vectorize(_fiedler_companion, signature="(n)->(m,m)")(a)


def convolution_matrix(a, n: int, mode: str = "full"):
    """The matrix of the linear map ``v -> convolve(a, v, mode)`` for ``v`` of length ``n``
    (``jax.scipy.linalg.convolution_matrix``).

    Args:
      a: ``[..., m]``; n: length of the input vector; mode: 'full', 'valid' or 'same'.
    Returns:
      ``[..., rows, n]`` (rows ``m + n - 1``, ``max(m, n) - min(m, n) + 1`` or
      ``max(m, n)``).
    Example:
      ``linalg.convolution_matrix(fnp.array([1., 2.]), 3)``
    """
    n = int(n)
    a = fnp.asarray(a)
    if n <= 0 or a.ndim == 0 or a.shape[-1] < 1 or mode not in ("full", "valid", "same"):
        raise ValueError(f"[convolution_matrix] needs n > 0, a [..., m] with m >= 1 and mode "
                         f"in 'full', 'valid', 'same'; got n={n}, a of shape {a.shape}, "
                         f"mode={mode!r}")
    m = a.shape[-1]
    pad = [(0, 0)] * (a.ndim - 1) + [(0, n - 1)]
    az, raz = fnp.pad(a, pad), fnp.pad(fnp.flip(a, axis=-1), pad)
    length = m + n - 1
    if mode == "same":
        trim = min(n, m) - 1
        tb, te = trim // 2, trim - trim // 2
    else:
        tb = te = (min(n, m) - 1) if mode == "valid" else 0
    return toeplitz(az[..., tb:length - te], raz[..., length - n - tb:length - tb])


def _default_float():
    return dtypes.canonicalize(np.dtype(np.float64))


def hilbert(n: int):
    """The Hilbert matrix ``1 / (i + j + 1)`` (``jax.scipy.linalg.hilbert``).

    Args:
      n: size.
    Returns:
      ``[n, n]`` of the default float dtype.
    Example:
      ``linalg.hilbert(3)``
    """
    i = np.arange(n, dtype=np.float64)
    return fnp.asarray((1 / (i[:, None] + i[None, :] + 1)).astype(_default_float()))


def invhilbert(n: int):
    """The inverse of the Hilbert matrix (``jax.scipy.linalg.invhilbert``), from exact
    integer binomials rounded once to the default float dtype.

    Args:
      n: size.
    Returns:
      ``[n, n]``.
    Example:
      ``linalg.invhilbert(3)``
    """
    out = np.zeros((n, n), np.float64)
    for i in range(n):
        for j in range(n):
            s = i + j
            out[i, j] = ((-1) ** s * (s + 1) * math.comb(n + i, n - j - 1)
                         * math.comb(n + j, n - i - 1) * math.comb(s, i) ** 2)
    return fnp.asarray(out.astype(_default_float()))


def _pascal_lower(n: int) -> np.ndarray:
    return np.array([[math.comb(i, j) for j in range(n)] for i in range(n)], np.float64)


def _kind(kind, name: str) -> str:
    kind = "symmetric" if kind is None else kind
    if kind not in ("symmetric", "lower", "upper"):
        raise ValueError(f"[{name}] kind must be 'symmetric', 'lower' or 'upper', got {kind!r}")
    return kind


def pascal(n: int, kind: str | None = None):
    """The Pascal matrix (``jax.scipy.linalg.pascal``; float32, as JAX).

    Args:
      n: size; kind: 'symmetric' (default), 'lower' or 'upper'.
    Returns:
      ``[n, n]`` float32.
    Example:
      ``linalg.pascal(4)``
    """
    low = _pascal_lower(n)
    out = {"lower": low, "upper": low.T, "symmetric": low @ low.T}[_kind(kind, "pascal")]
    return fnp.asarray(out.astype(np.float32))


def invpascal(n: int, kind: str | None = None):
    """The inverse of the Pascal matrix (``jax.scipy.linalg.invpascal``).

    Args:
      n: size; kind: 'symmetric' (default), 'lower' or 'upper'.
    Returns:
      ``[n, n]`` of the default float dtype.
    Example:
      ``linalg.invpascal(4)``
    """
    i = np.arange(n)
    low = _pascal_lower(n) * (-1.0) ** (i[:, None] - i[None, :])
    out = {"lower": low, "upper": low.T, "symmetric": low.T @ low}[_kind(kind, "invpascal")]
    return fnp.asarray(out.astype(_default_float()))


def helmert(n: int, full: bool = False):
    """The Helmert matrix (``jax.scipy.linalg.helmert``).

    Args:
      n: size (>= 1); full: include the first row ``1 / sqrt(n)``.
    Returns:
      ``[n - 1, n]`` (or ``[n, n]`` with ``full``).
    Example:
      ``linalg.helmert(4)``
    """
    if n < 1:
        raise ValueError(f"[helmert] n must be a positive integer; got {n}")
    i, j = np.arange(n - 1)[:, None], np.arange(n)[None, :]
    k = (i + 1).astype(np.float64)
    denom = np.sqrt(k * (k + 1))
    h = np.where(j <= i, 1 / denom, np.where(j == i + 1, -k / denom, 0.0))
    if full:
        h = np.concatenate([np.full((1, n), 1 / np.sqrt(n)), h], axis=0)
    return fnp.asarray(h.astype(_default_float()))


def hadamard(n: int, dtype=int):
    """The Sylvester-construction Hadamard matrix (``jax.scipy.linalg.hadamard``).

    Args:
      n: a power of 2; dtype: result dtype (default int).
    Returns:
      ``[n, n]`` of +-1.
    Example:
      ``linalg.hadamard(4)``
    """
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"[hadamard] n must be a positive power of 2; got {n}")
    h = np.ones((1, 1), np.int64)
    for _ in range(int(math.log2(n))):
        h = np.block([[h, h], [h, -h]])
    return fnp.asarray(h, dtype=dtype)


def dft(n: int, scale: str | None = None, *, dtype=None):
    """The discrete Fourier transform matrix ``exp(-2 pi i j k / n)``
    (``jax.scipy.linalg.dft``).

    Args:
      n: size; scale: None, 'sqrtn' or 'n'; dtype: a complex dtype (default complex).
    Returns:
      ``[n, n]`` complex.
    Example:
      ``linalg.dft(4)``
    """
    if scale not in (None, "sqrtn", "n"):
        raise ValueError(f"[dft] scale must be None, 'sqrtn' or 'n'; got {scale!r}")
    dtype = dtypes.canonicalize(np.dtype(np.complex128 if dtype is None else dtype))
    if dtype.kind != "c":
        raise ValueError(f"[dft] dtype must be a complex floating-point type; got {dtype}")
    a = np.arange(n)
    w = np.exp(-2j * np.pi * ((a[:, None] * a[None, :]) % max(n, 1)) / max(n, 1))
    w = w / {None: 1, "sqrtn": np.sqrt(n), "n": n}[scale]
    return fnp.asarray(w.astype(dtype))
