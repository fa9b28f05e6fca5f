"""More elementwise math and NaN-aware functions of ``jax.numpy``: frexp/ldexp, gcd/lcm,
spacing, i0, bitwise_count, nan-skipping arg/cumulative/quantile functions, matvec/vecmat,
and small conveniences (astype, unstack, rollaxis, isscalar, ...)."""

from __future__ import annotations

import numpy as np

from .. import lax
from ..core import dtypes
from ..core.array import Array
from ..core.trace import Tracer
from ._util import as_array, aval, promote_dtypes, promote_dtypes_inexact
from .reductions import argmax, argmin, cumprod, cumsum
from .shapes import moveaxis, ravel, squeeze
from .ufuncs import isnan, multiply, where

_INT_BITS = {np.dtype(np.float32): (np.int32, 23, 127), np.dtype(np.float16): (np.int16, 10, 15),
             np.dtype(dtypes.bfloat16): (np.int16, 7, 127), np.dtype(np.float64): (np.int64, 52,
                                                                                    1023)}


def fabs(x, /):
    """Elementwise absolute value as a float (``jax.numpy.fabs``).

    Args:
      x: array (integers become float32).

    Returns:
      ``|x|`` of an inexact dtype.

    Example:
        >>> fnp.fabs(fnp.array([-1, 2]))
        Array([1., 2.], dtype=float32)
    """
    (x,) = promote_dtypes_inexact(x)
    return lax.abs(as_array(x))


def frexp(x, /):
    """Mantissa and exponent: ``x == m * 2**e`` with ``0.5 <= |m| < 1`` (``jax.numpy.frexp``).

    Args:
      x: a float array.

    Returns:
      ``(m, e)``: float mantissas and int32 exponents (0 for zero, inf and nan).

    Example:
        >>> fnp.frexp(fnp.array([8.0]))
        (Array([0.5], dtype=float32), Array([4], dtype=int32))
    """
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    dt = aval(x).dtype
    itype, mbits, bias = _INT_BITS[np.dtype(dt)]
    # Scale subnormals up by 2**mbits so that the exponent field is exact.
    tiny = np.finfo(dt).tiny if dt != dtypes.bfloat16 else 1.1754944e-38
    sub = lax.lt(lax.abs(x), lax.full_like(x, tiny))
    xs = lax.select(sub, lax.mul(x, lax.full_like(x, 2.0 ** mbits)), x)
    bits = lax.bitcast_convert_type(xs, itype)
    exp_mask = (1 << (np.dtype(itype).itemsize * 8 - 1 - mbits)) - 1
    exp_field = lax.bitwise_and(lax.shift_right_logical(bits, lax.full_like(bits, mbits)),
                                lax.full_like(bits, exp_mask))
    e = lax.sub(exp_field, lax.full_like(bits, bias - 1))
    e = lax.select(sub, lax.sub(e, lax.full_like(e, mbits)), e)
    sign_and_mant = lax.bitwise_and(bits, lax.full_like(bits, ~(exp_mask << mbits)))
    half_exp = lax.full_like(bits, (bias - 1) << mbits)
    m = lax.bitcast_convert_type(lax.bitwise_or(sign_and_mant, half_exp), dt)
    special = lax.bitwise_or(lax.eq(x, lax.full_like(x, 0)),
                             lax.bitwise_not(lax.is_finite(x)))
    m = lax.select(special, x, m)
    e = lax.select(special, lax.full_like(e, 0), e)
    return m, lax.convert_element_type(e, dtypes.int32)


def ldexp(x1, x2, /):
    """``x1 * 2**x2`` elementwise (``jax.numpy.ldexp``).

    Args:
      x1: mantissas (float).
      x2: integer exponents.

    Returns:
      The float products.

    Example:
        >>> fnp.ldexp(fnp.array([0.5]), fnp.array([4]))
        Array([8.], dtype=float32)
    """
    from ._util import broadcast_all
    if dtypes.is_inexact(aval(as_array(x2)).dtype):
        raise TypeError("[ldexp] x2 must be an integer array")
    (x1,) = promote_dtypes_inexact(x1)
    x1, x2 = broadcast_all(as_array(x1), as_array(x2), api="ldexp")
    dt = aval(x1).dtype
    e = lax.convert_element_type(x2, dtypes.int32)
    # Two halves keep 2**e representable for exponents up to twice the float range.
    half = lax.div(e, lax.full_like(e, 2))
    rest = lax.sub(e, half)
    two = lax.full_like(x1, 2.0)
    p1 = lax.pow(two, lax.convert_element_type(half, dt))
    p2 = lax.pow(two, lax.convert_element_type(rest, dt))
    return lax.mul(lax.mul(x1, p1), p2)


def _int_operands(name, x1, x2):
    from ._util import broadcast_all
    x1, x2 = promote_dtypes(x1, x2)
    x1, x2 = broadcast_all(as_array(x1), as_array(x2), api=name)
    if not dtypes.is_integer(aval(x1).dtype):
        raise TypeError(f"[{name}] needs integer arguments, got {aval(x1).dtype}")
    return x1, x2


def gcd(x1, x2, /):
    """Greatest common divisor of integers (``jax.numpy.gcd``); always non-negative.

    Args:
      x1, x2: integer arrays (broadcast together).

    Returns:
      ``gcd(|x1|, |x2|)`` elementwise.

    Example:
        >>> fnp.gcd(12, 18)
        Array(6, dtype=int32, weak_type=True)
    """
    a, b = _int_operands("gcd", x1, x2)
    a, b = lax.abs(a), lax.abs(b)
    bits = np.dtype(aval(a).dtype).itemsize * 8
    zero = lax.full_like(a, 0)
    # Euclid needs fewer steps than the Fibonacci index of the largest value (~1.44 bits).
    for _ in range(int(1.45 * bits) + 2):
        nz = lax.ne(b, zero)
        r = lax.rem(a, lax.select(nz, b, lax.full_like(b, 1)))
        a, b = lax.select(nz, b, a), lax.select(nz, r, zero)
    return a


def lcm(x1, x2, /):
    """Least common multiple of integers (``jax.numpy.lcm``); always non-negative.

    Args:
      x1, x2: integer arrays (broadcast together).

    Returns:
      ``lcm(|x1|, |x2|)`` elementwise (0 if either is 0).

    Example:
        >>> fnp.lcm(4, 6)
        Array(12, dtype=int32, weak_type=True)
    """
    a, b = _int_operands("lcm", x1, x2)
    g = gcd(a, b)
    zero = lax.eq(g, lax.full_like(g, 0))
    q = lax.div(lax.abs(a), lax.select(zero, lax.full_like(g, 1), g))
    return lax.select(zero, lax.full_like(g, 0), lax.mul(q, lax.abs(b)))


def spacing(x, /):
    """Distance to the next representable number away from zero (``jax.numpy.spacing``).

    Example:
        >>> fnp.spacing(fnp.array(1.0)) > 0
        Array(True, dtype=bool)
    """
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    inf = lax.full_like(x, np.inf)
    toward = lax.select(lax.lt(x, lax.full_like(x, 0)), lax.neg(inf), inf)
    return lax.sub(lax.nextafter(x, toward), x)


def nextafter(x1, x2, /):
    """The next representable value after ``x1`` towards ``x2`` (``jax.numpy.nextafter``).

    Example:
        >>> fnp.nextafter(1.0, 2.0) > 1.0
        Array(True, dtype=bool)
    """
    from ._util import broadcast_all
    x1, x2 = promote_dtypes_inexact(x1, x2)
    return lax.nextafter(*broadcast_all(as_array(x1), as_array(x2), api="nextafter"))


# Chebyshev-free rational approximations of I0 (Abramowitz & Stegun 9.8.1, 9.8.2).
_I0_SMALL = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813)
_I0_LARGE = (0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
             0.02635537, -0.01647633, 0.00392377)


def _horner(coeffs, t):
    acc = lax.full_like(t, coeffs[-1])
    for c in reversed(coeffs[:-1]):
        acc = lax.add(lax.mul(acc, t), lax.full_like(t, c))
    return acc


def i0(x, /):
    """Modified Bessel function of the first kind, order 0 (``jax.numpy.i0``).

    Args:
      x: a real array.

    Returns:
      ``I0(x)`` (float), differentiable.

    Example:
        >>> fnp.i0(0.0)
        Array(1., dtype=float32, weak_type=True)
    """
    (x,) = promote_dtypes_inexact(x)
    x = as_array(x)
    ax = lax.abs(x)
    small = lax.le(ax, lax.full_like(ax, 3.75))
    t_small = lax.square(lax.div(x, lax.full_like(x, 3.75)))
    safe = lax.select(small, lax.full_like(ax, 3.75), ax)
    t_large = lax.div(lax.full_like(ax, 3.75), safe)
    large = lax.mul(lax.div(lax.exp(safe), lax.sqrt(safe)), _horner(_I0_LARGE, t_large))
    return lax.select(small, _horner(_I0_SMALL, t_small), large)


def bitwise_count(x, /):
    """The number of 1 bits in ``|x|`` (``jax.numpy.bitwise_count``), as uint8.

    Example:
        >>> fnp.bitwise_count(fnp.array([7, -2]))
        Array([3, 1], dtype=uint8)
    """
    x = as_array(x)
    if aval(x).dtype == dtypes.bool_:
        return lax.convert_element_type(x, np.uint8)
    if not dtypes.is_integer(aval(x).dtype):
        raise TypeError(f"[bitwise_count] needs integers, got {aval(x).dtype}")
    ax = lax.abs(x) if np.dtype(aval(x).dtype).kind == "i" else x
    return lax.convert_element_type(lax.population_count(ax), np.uint8)


def pow(x1, x2, /):  # noqa: A001  (jax.numpy.pow)
    """``x1 ** x2`` elementwise (alias of ``power``)."""
    from .ufuncs import power
    return power(x1, x2)


# ---- NaN-skipping functions ---------------------------------------------------------------

def _nan_replaced(a, value):
    a = as_array(a)
    if not dtypes.is_inexact(aval(a).dtype):
        return a
    return where(isnan(a), value, a)


def nanargmax(a, axis=None, out=None, keepdims=None):
    """Index of the largest non-NaN value (``jax.numpy.nanargmax``); -1 if all are NaN.

    Example:
        >>> fnp.nanargmax(fnp.array([1.0, fnp.nan, 3.0]))
        Array(2, dtype=int32)
    """
    return _nan_arg(argmax, -np.inf, a, axis, keepdims)


def nanargmin(a, axis=None, out=None, keepdims=None):
    """Index of the smallest non-NaN value (``jax.numpy.nanargmin``); -1 if all are NaN."""
    return _nan_arg(argmin, np.inf, a, axis, keepdims)


def _nan_arg(fn, fill, a, axis, keepdims):
    a = as_array(a)
    if not dtypes.is_inexact(aval(a).dtype):
        return fn(a, axis=axis, keepdims=keepdims)
    nans = isnan(a)
    idx = fn(where(nans, fill, a), axis=axis, keepdims=keepdims)
    from .reductions import all as all_
    return where(all_(nans, axis=axis, keepdims=keepdims), -1, idx)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaNs as zero (``jax.numpy.nancumsum``)."""
    return cumsum(_nan_replaced(a, 0), axis=axis, dtype=dtype)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaNs as one (``jax.numpy.nancumprod``)."""
    return cumprod(_nan_replaced(a, 1), axis=axis, dtype=dtype)


def _nan_sorted_quantile(a, q, axis, method, keepdims):
    """Quantiles ignoring NaNs: NaNs sort last, the count of finite values sets positions."""
    from .reductions import sum as sum_
    from .shapes import reshape
    from .sorting import quantile_interpolate, quantile_neighbours, sort, take_along_axis
    from .ufuncs import logical_not, subtract
    (a,) = promote_dtypes_inexact(a)
    a = as_array(a)
    shape = aval(a).shape
    if axis is None:
        a, ax = ravel(a), 0
    else:
        ax = int(axis) % max(len(shape), 1)
    a = moveaxis(a, ax, -1)
    s = sort(a, axis=-1)
    cnt = sum_(logical_not(isnan(a)), axis=-1, keepdims=True, dtype=aval(a).dtype)
    q = as_array(promote_dtypes_inexact(q)[0])
    q = lax.convert_element_type(q, aval(a).dtype)
    nq = aval(q).ndim
    qb = reshape(q, aval(q).shape + (1,) * aval(cnt).ndim)
    pos = multiply(qb, subtract(cnt, 1.0))
    lo, hi = quantile_neighbours(pos, method)
    idx = lambda p: lax.convert_element_type(p, dtypes.int32)
    sb = lax.broadcast(s, aval(q).shape) if nq else s
    lo_v = take_along_axis(sb, idx(lax.max(lo, lax.full_like(lo, 0))), axis=-1)
    hi_v = take_along_axis(sb, idx(lax.max(hi, lax.full_like(hi, 0))), axis=-1)
    res = quantile_interpolate(lo_v, hi_v, pos, lo, method)
    res = where(lax.eq(cnt, lax.full_like(cnt, 0)), np.nan, res)
    res = squeeze(res, -1)
    if keepdims:
        res = lax.expand_dims(res, (nq + (ax if axis is not None else 0),)) if axis is not None \
            else reshape(res, aval(res).shape + (1,) * len(shape))
    return res


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False):
    """Quantiles ignoring NaNs (``jax.numpy.nanquantile``); NaN where all are NaN.

    Args:
      a: array; q: quantile(s) in [0, 1]; axis: None or one axis;
      method: linear, lower, higher, nearest or midpoint; keepdims: keep the axis.

    Returns:
      The quantiles, ``q``'s axes first.

    Example:
        >>> fnp.nanquantile(fnp.array([1.0, fnp.nan, 3.0]), 0.5)
        Array(2., dtype=float32)
    """
    if axis is not None and not isinstance(axis, (int, np.integer)):
        a = as_array(a)
        axes = tuple(int(x) % aval(a).ndim for x in axis)
        rest = [i for i in range(aval(a).ndim) if i not in axes]
        from .shapes import reshape, transpose
        moved = transpose(a, rest + list(axes))
        flat = reshape(moved, [aval(a).shape[i] for i in rest] + [-1])
        res = _nan_sorted_quantile(flat, q, -1, method, False)
        if keepdims:
            nq = np.ndim(q)
            shape = aval(res).shape[:nq] + tuple(1 if i in axes else d for i, d in
                                                 enumerate(aval(a).shape))
            res = reshape(res, shape)
        return res
    return _nan_sorted_quantile(a, q, axis, method, keepdims)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False):
    """Percentiles ignoring NaNs (``jax.numpy.nanpercentile``), ``q`` in [0, 100]."""
    from .ufuncs import true_divide
    return nanquantile(a, true_divide(q, 100.0), axis, method=method, keepdims=keepdims)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median ignoring NaNs (``jax.numpy.nanmedian``)."""
    return nanquantile(a, 0.5, axis, method="midpoint", keepdims=keepdims)


# ---- matrix-vector products and conveniences ----------------------------------------------

def matvec(x1, x2, /):
    """Matrix-vector product over the last axes, broadcasting the rest
    (``jax.numpy.matvec``): ``out[..., i] = sum_j x1[..., i, j] * x2[..., j]``."""
    from .linalg_ops import matmul
    return squeeze(matmul(x1, lax.expand_dims(as_array(x2), (-1,))), -1)


def vecmat(x1, x2, /):
    """Vector-matrix product (``jax.numpy.vecmat``): ``out[..., j] = sum_i x1[..., i] *
    x2[..., i, j]``."""
    from .linalg_ops import matmul
    return squeeze(matmul(lax.expand_dims(as_array(x1), (-2,)), x2), -2)


def astype(x, dtype, /, *, copy=False, device=None):
    """``x`` converted to ``dtype`` (``jax.numpy.astype``)."""
    from ._dtypes import dtype as dtype_
    return lax.convert_element_type(as_array(x), dtype_(dtype))


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis`` as a tuple (``jax.numpy.unstack``)."""
    x = as_array(x)
    x = moveaxis(x, axis, 0)
    return tuple(lax.index_in_dim(x, i, 0, keepdims=False) for i in range(aval(x).shape[0]))


def rollaxis(a, axis, start=0):
    """Roll ``axis`` backwards until it lies before ``start`` (``jax.numpy.rollaxis``)."""
    a = as_array(a)
    n = aval(a).ndim
    axis, start = int(axis) % n, int(start)
    start = start + n if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


def isscalar(element) -> bool:
    """True for Python/NumPy scalars and rank-0 arrays (``jax.numpy.isscalar``)."""
    if isinstance(element, (Array, Tracer)):
        return aval(element).ndim == 0
    return bool(np.isscalar(element))


def iterable(y) -> bool:
    """Whether ``iter(y)`` works (``jax.numpy.iterable``)."""
    try:
        iter(y)
    except TypeError:
        return False
    return True


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """``numpy.array_str`` of the value."""
    return np.array_str(np.asarray(a), max_line_width, precision, suppress_small)


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """The ``repr`` of an array (``jax.numpy.array_repr``)."""
    return repr(as_array(arr))


__all__ = ["fabs", "frexp", "ldexp", "gcd", "lcm", "spacing", "nextafter", "i0",
           "bitwise_count", "pow", "nanargmax", "nanargmin", "nancumsum", "nancumprod",
           "nanquantile", "nanpercentile", "nanmedian", "matvec", "vecmat", "astype", "unstack",
           "rollaxis", "isscalar", "iterable", "array_str", "array_repr"]
