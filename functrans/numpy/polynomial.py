"""Polynomials, window functions and numerical calculus (``jax.numpy``): poly*, vander,
hanning/hamming/blackman/bartlett/kaiser, trapezoid, gradient, cov/corrcoef, ediff1d,
unwrap. All are built from differentiable operations (jvp, grad and vmap work)."""

from __future__ import annotations

import builtins

import numpy as np

from .. import lax
from ..core import dtypes
from ._util import as_array, aval, promote_dtypes_inexact
from .creation import arange, zeros
from .math_extra import i0
from .reductions import cumsum
from .reductions import sum as sum_
from .shapes import concatenate, diff, moveaxis, ravel, reshape
from .ufuncs import cos, sqrt, where

_range = builtins.range


def _poly1d(api, *ps):
    out = [as_array(p) for p in promote_dtypes_inexact(*ps)]
    for p in out:
        if aval(p).ndim != 1:
            raise ValueError(f"[{api}] coefficients must be 1-D, got shape {aval(p).shape}")
    return out


def _full_convolve(a, b):
    """Full discrete convolution of 1-D ``a`` and ``b`` (length n + m - 1), by shifting
    the rows of the outer product."""
    n, m = aval(a).shape[0], aval(b).shape[0]
    if n == 0 or m == 0:
        return zeros((0,), aval(a).dtype)
    prod = lax.mul(lax.broadcast_in_dim(a, (n, m), (0,)), lax.broadcast_in_dim(b, (n, m), (1,)))
    padded = lax.pad(prod, lax.full((), 0, aval(prod).dtype), [(0, 0, 0), (0, n, 0)])
    flat = reshape(padded, (-1,))[: n * (n + m - 1)]
    return sum_(reshape(flat, (n, n + m - 1)), axis=0)


def polyval(p, x, *, unroll=16):
    """Evaluate the polynomial with coefficients ``p`` (highest power first) at ``x``
    (``jax.numpy.polyval``).

    Example:
        >>> fnp.polyval(fnp.array([1.0, 0.0, -1.0]), 3.0)
        Array(8., dtype=float32)
    """
    from ._util import promote_dtypes
    p, x = promote_dtypes(p, x)
    p, x = as_array(p), as_array(x)
    if aval(p).ndim != 1:
        raise ValueError(f"[polyval] p must be 1-D, got shape {aval(p).shape}")
    y = lax.full_like(x, 0)
    for i in _range(aval(p).shape[0]):
        y = y * x + p[i]
    return y


def polyadd(a1, a2):
    """Sum of two polynomials (``jax.numpy.polyadd``)."""
    a1, a2 = _poly1d("polyadd", a1, a2)
    n1, n2 = aval(a1).shape[0], aval(a2).shape[0]
    if n1 < n2:
        a1, a2, n1, n2 = a2, a1, n2, n1
    return a1 + lax.pad(a2, lax.full((), 0, aval(a2).dtype), [(n1 - n2, 0, 0)])


def polysub(a1, a2):
    """Difference of two polynomials (``jax.numpy.polysub``)."""
    a1, a2 = _poly1d("polysub", a1, a2)
    return polyadd(a1, -a2)


def polymul(a1, a2, *, trim_leading_zeros=False):
    """Product of two polynomials (``jax.numpy.polymul``)."""
    a1, a2 = _poly1d("polymul", a1, a2)
    if trim_leading_zeros:
        from .index_tricks import trim_zeros
        a1, a2 = trim_zeros(a1, "f"), trim_zeros(a2, "f")
    if aval(a1).shape[0] == 0:
        a1 = zeros((1,), aval(a1).dtype)
    if aval(a2).shape[0] == 0:
        a2 = zeros((1,), aval(a2).dtype)
    return _full_convolve(a1, a2)


def polydiv(u, v, *, trim_leading_zeros=False):
    """Quotient and remainder of polynomial division (``jax.numpy.polydiv``); the
    remainder keeps ``u``'s length."""
    u, v = _poly1d("polydiv", u, v)
    m, n = aval(u).shape[0] - 1, aval(v).shape[0] - 1
    scale = 1.0 / v[0]
    q = zeros((builtins.max(m - n + 1, 1),), aval(u).dtype)
    r = u
    for k in _range(0, m - n + 1):
        d = scale * r[k]
        q = q.at[k].set(d)
        r = r.at[k:k + n + 1].add(-d * v)
    if trim_leading_zeros:
        from .index_tricks import trim_zeros
        r = trim_zeros(where(lax.abs(r) < np.sqrt(np.finfo(np.float32).eps), 0, r), "f")
    return q, r


def polyder(p, m=1):
    """The ``m``-th derivative of a polynomial (``jax.numpy.polyder``)."""
    (p,) = _poly1d("polyder", p)
    m = int(m)
    if m < 0:
        raise ValueError("[polyder] order of derivative must be positive")
    if m == 0:
        return p
    n = aval(p).shape[0]
    powers = np.arange(n - 1, m - 1, -1, dtype=np.float64)  # of the kept terms
    coeff = np.ones_like(powers)
    for j in _range(m):
        coeff = coeff * (powers - j)
    return p[:n - m] * lax.convert_element_type(as_array(coeff.astype(np.float32)),
                                                aval(p).dtype)


def polyint(p, m=1, k=None):
    """The ``m``-th antiderivative of a polynomial, integration constants ``k``
    (``jax.numpy.polyint``)."""
    (p,) = _poly1d("polyint", p)
    m = int(m)
    if m < 0:
        raise ValueError("[polyint] order of integral must be positive")
    if m == 0:
        return p
    ks = np.zeros(m) if k is None else np.atleast_1d(np.asarray(k, dtype=np.float64))
    if ks.size == 1:
        ks = np.full(m, ks[0])
    if ks.size != m:
        raise ValueError("[polyint] k must have length m")
    for j in _range(m):
        n = aval(p).shape[0]
        div = as_array(np.arange(n, 0, -1).astype(np.float32))
        p = concatenate([p / lax.convert_element_type(div, aval(p).dtype),
                         as_array(np.asarray([ks[j]], np.float32)).astype(aval(p).dtype)])
    return p


def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots (``jax.numpy.poly``)."""
    (z,) = promote_dtypes_inexact(seq_of_zeros)
    z = as_array(z)
    if aval(z).ndim == 2 and aval(z).shape[0] == aval(z).shape[1] and aval(z).shape[0] > 0:
        raise NotImplementedError("[poly] of a matrix needs eigenvalues (functrans.numpy."
                                  "linalg.eigvals); pass its roots")
    if aval(z).ndim != 1:
        raise ValueError(f"[poly] input must be 1-D or a square 2-D array, got "
                         f"{aval(z).shape}")
    a = as_array(np.ones(1, np.float32)).astype(aval(z).dtype)
    for i in _range(aval(z).shape[0]):
        a = _full_convolve(a, concatenate([lax.full((1,), 1, aval(z).dtype), -z[i:i + 1]]))
    return a


def vander(x, N=None, increasing=False):  # noqa: N803  (NumPy's name)
    """The Vandermonde matrix of 1-D ``x``: columns are powers of ``x``
    (``jax.numpy.vander``)."""
    x = as_array(x)
    if aval(x).ndim != 1:
        raise ValueError(f"[vander] x must be 1-D, got shape {aval(x).shape}")
    n = aval(x).shape[0] if N is None else int(N)
    if n < 0:
        raise ValueError("[vander] N must be nonnegative")
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    cols = [lax.integer_pow(x, int(k)) if k else lax.full_like(x, 1) for k in powers]
    if not cols:
        return zeros((aval(x).shape[0], 0), aval(x).dtype)
    from .shapes import stack
    return stack(cols, axis=-1)


def _qr_solve(a, b):
    """Least-squares solution of ``a @ c = b`` for a full-rank ``(n, k)`` ``a`` with small
    static ``k``: modified Gram-Schmidt QR, then back substitution (unrolled)."""
    k = aval(a).shape[1]
    cols = [a[:, j] for j in _range(k)]
    q, r = [], [[None] * k for _ in _range(k)]
    for j in _range(k):
        v = cols[j]
        for i in _range(j):
            r[i][j] = fnp_sum(q[i] * v)
            v = v - r[i][j] * q[i]
        r[j][j] = sqrt(fnp_sum(v * v))
        q.append(v / r[j][j])
    qtb = [fnp_sum(lax.expand_dims(qi, (1,)) * b, axis=0) if aval(b).ndim == 2 else
           fnp_sum(qi * b) for qi in q]
    c = [None] * k
    for j in reversed(_range(k)):
        acc = qtb[j]
        for i in _range(j + 1, k):
            acc = acc - r[j][i] * c[i]
        c[j] = acc / r[j][j]
    from .shapes import stack
    return stack(c)


def fnp_sum(x, axis=None):
    return sum_(x, axis=axis)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit of degree ``deg`` (``jax.numpy.polyfit``): the
    coefficients, highest power first (one column per column of a 2-D ``y``).

    Args:
      x: sample points (1-D); y: values (1-D or 2-D with one column per fit);
      deg: static degree; w: optional weights of the samples.

    Returns:
      The coefficients (``full`` and ``cov`` outputs are not supported).

    Example:
        >>> fnp.polyfit(fnp.array([0.0, 1.0, 2.0]), fnp.array([1.0, 3.0, 5.0]), 1)
        Array([2., 1.], dtype=float32)
    """
    if full or cov:
        raise NotImplementedError("[polyfit] full=True and cov=True are not supported")
    deg = int(deg)
    if deg < 0:
        raise ValueError("[polyfit] expected deg >= 0")
    x, y = promote_dtypes_inexact(x, y)
    x, y = as_array(x), as_array(y)
    if aval(x).ndim != 1 or aval(x).shape[0] == 0 or aval(y).shape[0] != aval(x).shape[0]:
        raise ValueError(f"[polyfit] x must be 1-D and non-empty with y of the same length, "
                         f"got {aval(x).shape} and {aval(y).shape}")
    lhs = vander(x, deg + 1)
    rhs = y
    if w is not None:
        wv = as_array(w).astype(aval(x).dtype)
        lhs = lhs * wv[:, None]
        rhs = rhs * (wv[:, None] if aval(rhs).ndim == 2 else wv)
    scale = sqrt(sum_(lhs * lhs, axis=0))
    coef = _qr_solve(lhs / scale[None, :], rhs)
    return coef / (scale[:, None] if aval(coef).ndim == 2 else scale)


# ---- windows --------------------------------------------------------------------------------

def _window_n(api, M):
    M = int(M)
    if M <= 0:
        return None, M
    return arange(M, dtype=dtypes.float32), M


def _cosine_window(api, M, coeffs):
    n, M = _window_n(api, M)
    if n is None:
        return zeros((0,), dtypes.float32)
    if M == 1:
        return lax.full((1,), 1.0, dtypes.float32)
    out = None
    for k, c in enumerate(coeffs):
        term = c * cos(2.0 * np.pi * k * n / (M - 1)) if k else lax.full_like(n, c)
        out = term if out is None else out + term
    return out


def hanning(M):
    """The Hann window of ``M`` points (``jax.numpy.hanning``)."""
    return _cosine_window("hanning", M, (0.5, -0.5))


def hamming(M):
    """The Hamming window of ``M`` points (``jax.numpy.hamming``)."""
    return _cosine_window("hamming", M, (0.54, -0.46))


def blackman(M):
    """The Blackman window of ``M`` points (``jax.numpy.blackman``)."""
    return _cosine_window("blackman", M, (0.42, -0.5, 0.08))


def bartlett(M):
    """The Bartlett (triangular) window of ``M`` points (``jax.numpy.bartlett``)."""
    n, M = _window_n("bartlett", M)
    if n is None:
        return zeros((0,), dtypes.float32)
    if M == 1:
        return lax.full((1,), 1.0, dtypes.float32)
    return 1.0 - lax.abs(2.0 * n / (M - 1) - 1.0)


def kaiser(M, beta):
    """The Kaiser window of ``M`` points with shape ``beta`` (``jax.numpy.kaiser``)."""
    n, M = _window_n("kaiser", M)
    if n is None:
        return zeros((0,), dtypes.float32)
    if M == 1:
        return lax.full((1,), 1.0, dtypes.float32)
    (beta,) = promote_dtypes_inexact(beta)
    alpha = (M - 1) / 2.0
    return i0(beta * sqrt(1.0 - ((n - alpha) / alpha) ** 2)) / i0(beta)


# ---- calculus and statistics ----------------------------------------------------------------

def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoid rule along ``axis`` (``jax.numpy.trapezoid``).

    Example:
        >>> fnp.trapezoid(fnp.array([1.0, 2.0, 3.0]))
        Array(4., dtype=float32)
    """
    if x is None:
        (y,) = promote_dtypes_inexact(y)
        y = moveaxis(as_array(y), axis, -1)
        return sum_((y[..., 1:] + y[..., :-1]) * 0.5, axis=-1) * dx
    y, x = promote_dtypes_inexact(y, x)
    y = moveaxis(as_array(y), axis, -1)
    x = as_array(x)
    d = diff(x) if aval(x).ndim == 1 else moveaxis(diff(x, axis=axis), axis, -1)
    return sum_((y[..., 1:] + y[..., :-1]) * 0.5 * d, axis=-1)


def _gradient_1d(f, h, axis):
    """Central differences inside, one-sided at the ends, along ``axis`` (moved last)."""
    f = moveaxis(f, axis, -1)
    n = aval(f).shape[-1]
    if n < 2:
        raise ValueError("[gradient] each axis needs at least 2 points")
    if aval(h).ndim == 0:
        inner = (f[..., 2:] - f[..., :-2]) / (2.0 * h)
        first = (f[..., 1:2] - f[..., :1]) / h
        last = (f[..., -1:] - f[..., -2:-1]) / h
    else:
        dx = diff(h)
        d1, d2 = dx[:-1], dx[1:]
        a = -d2 / (d1 * (d1 + d2))
        b = (d2 - d1) / (d1 * d2)
        c = d1 / (d2 * (d1 + d2))
        inner = a * f[..., :-2] + b * f[..., 1:-1] + c * f[..., 2:]
        first = (f[..., 1:2] - f[..., :1]) / dx[:1]
        last = (f[..., -1:] - f[..., -2:-1]) / dx[-1:]
    return moveaxis(concatenate([first, inner, last], axis=-1), -1, axis)


def gradient(f, *varargs, axis=None, edge_order=None):
    """The gradient of sampled ``f`` by second-order central differences (first order at
    the ends) (``jax.numpy.gradient``).

    Args:
      f: an array; varargs: spacing (one scalar, or one scalar/coordinate array per axis).
      axis: None (all axes), an int or a tuple.

    Returns:
      One array per axis (a single array if one axis).
    """
    if edge_order not in (None, 1):
        raise NotImplementedError("[gradient] only edge_order=1 is supported")
    (f,) = promote_dtypes_inexact(f)
    f = as_array(f)
    nd = aval(f).ndim
    axes = tuple(_range(nd)) if axis is None else (
        (int(axis),) if np.ndim(axis) == 0 else tuple(int(a) for a in axis))
    axes = tuple(a % nd for a in axes)
    if not varargs:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise ValueError(f"[gradient] got {len(varargs)} spacings for {len(axes)} axes")
    outs = []
    for ax, h in zip(axes, spacing, strict=True):
        h = as_array(h).astype(aval(f).dtype) if np.ndim(h) else as_array(
            np.asarray(h, np.float32)).astype(aval(f).dtype)
        outs.append(_gradient_1d(f, h, ax))
    return outs[0] if len(outs) == 1 else outs


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the variables in the rows of ``m`` (``jax.numpy.cov``)."""
    from .shapes import atleast_2d
    (m,) = promote_dtypes_inexact(m)
    X = atleast_2d(as_array(m))  # noqa: N806
    if not rowvar and aval(X).shape[0] != 1:
        X = X.T  # noqa: N806
    if y is not None:
        (y,) = promote_dtypes_inexact(y)
        Y = atleast_2d(as_array(y))  # noqa: N806
        if not rowvar and aval(Y).shape[0] != 1:
            Y = Y.T  # noqa: N806
        X = concatenate([X, Y.astype(aval(X).dtype)], axis=0)  # noqa: N806
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = as_array(fweights).astype(aval(X).dtype)
    if aweights is not None:
        aw = as_array(aweights).astype(aval(X).dtype)
        w = aw if w is None else w * aw
    n_obs = aval(X).shape[1]
    if w is None:
        avg = sum_(X, axis=1) / n_obs
        w_sum = float(n_obs)
        fact = w_sum - ddof
    else:
        w_sum = sum_(w)
        avg = sum_(X * w, axis=1) / w_sum
        fact = w_sum - ddof if aweights is None else \
            w_sum - ddof * sum_(w * as_array(aweights).astype(aval(X).dtype)) / w_sum
    Xc = X - avg[:, None]  # noqa: N806
    Xw = Xc if w is None else Xc * w  # noqa: N806
    c = (Xw @ Xc.T) / fact
    return reshape(c, ()) if aval(c).shape == (1, 1) else c


def corrcoef(x, y=None, rowvar=True):
    """Pearson correlation coefficients (``jax.numpy.corrcoef``), clipped to [-1, 1]."""
    c = cov(x, y, rowvar)
    if aval(c).ndim == 0:
        return c / c
    d = sqrt(lax.abs(_diag(c)))
    c = c / d[:, None] / d[None, :]
    return lax.clamp(lax.full((), -1, aval(c).dtype), c, lax.full((), 1, aval(c).dtype))


def _diag(c):
    from .linalg_ops import diagonal
    return diagonal(c)


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened ``ary``, with optional values prepended/appended
    (``jax.numpy.ediff1d``)."""
    flat = ravel(as_array(ary))
    parts = [diff(flat)]
    if to_begin is not None:
        parts.insert(0, ravel(as_array(to_begin)).astype(aval(flat).dtype))
    if to_end is not None:
        parts.append(ravel(as_array(to_end)).astype(aval(flat).dtype))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def unwrap(p, discont=None, axis=-1, period=2 * np.pi):
    """Unwrap a phase signal: remove jumps larger than ``discont`` (default
    ``period / 2``) by adding multiples of ``period`` (``jax.numpy.unwrap``)."""
    from .ufuncs import remainder
    (p,) = promote_dtypes_inexact(p)
    p = moveaxis(as_array(p), axis, -1)
    if aval(p).shape[-1] < 2:
        return moveaxis(p, -1, axis)
    half = period / 2
    discont = half if discont is None else discont
    dd = diff(p, axis=-1)
    ddmod = remainder(dd + half, period) - half
    ddmod = where((ddmod == -half) & (dd > 0), half, ddmod)
    correct = where(lax.abs(dd) < discont, 0.0, ddmod - dd)
    out = concatenate([p[..., :1], p[..., 1:] + cumsum(correct, axis=-1)], axis=-1)
    return moveaxis(out, -1, axis)


__all__ = ["polyfit", "polyval", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint",
           "poly", "vander", "hanning", "hamming", "blackman", "bartlett", "kaiser",
           "trapezoid", "gradient", "cov", "corrcoef", "ediff1d", "unwrap"]


def _companion_roots(p):
    """Eigenvalues of the companion matrix of ``p`` (leading coefficient nonzero)."""
    from .linalg import eigvals
    from .linalg_ops import diag
    n = aval(p).shape[0]
    complex_dtype = dtypes.promote((aval(p).dtype, False), (np.dtype(np.complex64), False))[0]
    if n < 2:
        return zeros((0,), complex_dtype)
    companion = diag(lax.full((n - 2,), 1, aval(p).dtype), -1)
    companion = companion.at[0, :].set(-p[1:] / p[0])
    return eigvals(companion)


def roots(p, *, strip_zeros: bool = True):
    """The roots of the polynomial with coefficients ``p`` (highest degree first), as the
    eigenvalues of its companion matrix (``jax.numpy.roots``).

    Args:
      p: 1-D coefficients.
      strip_zeros: drop leading zero coefficients first (needs concrete ``p``); with
        ``False`` (usable under jit) each leading zero gives a NaN root, at the end.
    Returns:
      Complex roots, ``len(p) - 1 - (leading zeros)`` of them (``len(p) - 1`` with
      ``strip_zeros=False``), in LAPACK's ``geev`` order.
    Example:
      >>> fnp.roots(fnp.array([1.0, -3.0, 2.0]))  # [2.+0.j, 1.+0.j]
    """
    from .reductions import all as all_
    from .reductions import argmin
    from .shapes import atleast_1d
    (p,) = promote_dtypes_inexact(as_array(p))
    p = atleast_1d(p)
    if aval(p).ndim != 1:
        raise ValueError(f"[roots] the coefficients must be a rank-1 array, got shape "
                         f"{aval(p).shape}")
    n = aval(p).shape[0]
    if n < 2:
        return _companion_roots(p)
    is_zero = p == 0
    num_zeros = where(all_(is_zero), n, argmin(is_zero))
    if strip_zeros:
        from ._util import concrete
        try:
            k = int(concrete(num_zeros, "roots"))
        except TypeError as e:
            raise TypeError("[roots] strip_zeros=True needs concrete coefficients; under jit "
                            "pass strip_zeros=False (leading zeros then give NaN roots)") from e
        return _companion_roots(p[k:])
    p = where(num_zeros == n, lax.full((), 1, aval(p).dtype), p)
    rolled = p[(arange(n) + num_zeros) % n]  # leading zeros moved to the end
    r = _companion_roots(rolled)
    r = lax.sort_key_val(r == 0, r)[1]  # zero roots (from the moved zeros) last
    m = aval(r).shape[0]
    nan = lax.full((), complex(np.nan, np.nan), aval(r).dtype)
    return where(arange(m) < m - num_zeros, r, nan)
