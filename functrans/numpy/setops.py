"""Set operations, counting and binning (``jax.numpy``): isin, union1d, intersect1d,
setdiff1d, setxor1d, unique_all/counts/inverse/values, bincount, digitize, histograms,
lexsort, partition/argpartition and interp.

Functions whose result size depends on the data take a static ``size=`` (and
``fill_value=``) so that they work under jit and vmap, as in JAX; without ``size`` the
input must be concrete.
"""

from __future__ import annotations

import builtins
from typing import NamedTuple

import numpy as np

from .. import lax
from ..core import dtypes
from ._util import as_array, aval, concrete, is_traced, promote_dtypes, promote_dtypes_inexact
from .creation import full, linspace, zeros
from .reductions import any as any_
from .reductions import cumsum
from .reductions import max as max_
from .reductions import min as min_
from .reductions import sum as sum_
from .shapes import concatenate, diff, moveaxis, ravel, reshape, stack
from .sorting import argsort, nonzero, searchsorted, sort, take
from .ufuncs import equal, greater, less, logical_and, logical_not, not_equal, where

_range = builtins.range


def _flat(x):
    return ravel(as_array(x))


def _static_size(api: str, size, x, count) -> int:
    """``size`` if given, else the (concrete) number of results ``count(np_value)``."""
    if size is not None:
        return int(size)
    if is_traced(x):
        raise TypeError(f"[{api}] the size of the result depends on the values of a traced "
                        f"array {aval(x).str_short()}: pass a static size= (and fill_value=)")
    return int(count(concrete(x, api)))


def _compact(values, mask, size: int, fill):
    """The ``values`` where ``mask`` holds, in order: the first ``size``, padded with
    ``fill``."""
    if aval(values).shape[0] == 0:
        return full((size,), fill if fill is not None else 0, aval(values).dtype)
    pos = nonzero(mask, size=size, fill_value=0)[0]
    picked = take(values, pos)
    count = sum_(mask, dtype=dtypes.int32)
    return where(lax.lt(lax.iota(dtypes.int32, size), count), picked,
                 picked[0] if fill is None else fill)


def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Elementwise membership of ``element`` in ``test_elements`` (``jax.numpy.isin``).

    Args:
      element: array of values to look up.
      test_elements: values to look for (flattened).
      invert: return the complement.

    Returns:
      A bool array of ``element``'s shape.

    Example:
        >>> fnp.isin(fnp.array([1, 2, 3]), fnp.array([2, 5]))
        Array([False,  True, False], dtype=bool)
    """
    element, test_elements = promote_dtypes(element, test_elements)
    element = as_array(element)
    tests = _flat(test_elements)
    nd = aval(element).ndim
    hits = equal(lax.expand_dims(element, (nd,)), reshape(tests, (1,) * nd + (-1,)))
    out = any_(hits, axis=-1)
    return logical_not(out) if invert else out


class _Unique(NamedTuple):
    values: object
    indices: object
    inverse_indices: object
    counts: object


def _unique_parts(x, size: int, fill_value):
    """Sorted unique values of flat ``x`` with first indices, inverse and counts."""
    n = aval(x).shape[0]
    perm = argsort(x, stable=True)
    aux = take(x, perm)
    mask = concatenate([full((1,), True, dtypes.bool_),
                        not_equal(aux[1:], aux[:-1])]) if n else zeros((0,), dtypes.bool_)
    ind = nonzero(mask, size=size, fill_value=0)[0]
    values = take(aux, ind)
    valid = lax.lt(lax.iota(dtypes.int32, size), sum_(mask, dtype=dtypes.int32))
    if fill_value is not None:
        values = where(valid, values, fill_value)
    index = take(perm, ind)
    imask = lax.sub(cumsum(mask, dtype=dtypes.int32), 1)
    inverse = take(imask, argsort(perm))
    bounds = nonzero(mask, size=size + 1, fill_value=0)[0]
    tail = where(lax.gt(bounds[1:], 0), bounds[1:], n)
    counts = diff(concatenate([bounds[:1], tail]))
    return _Unique(values, index, inverse, counts)


def _unique_all_parts(api, x, size, fill_value):
    x = as_array(x)
    flat = ravel(x)
    size = _static_size(api, size, flat, lambda v: np.unique(v).size)
    parts = _unique_parts(flat, size, fill_value)
    return parts._replace(inverse_indices=reshape(parts.inverse_indices, aval(x).shape))


def unique_all(x, /, *, size=None, fill_value=None):
    """Unique values with first indices, inverse indices (``x``'s shape) and counts
    (``jax.numpy.unique_all``).

    Args:
      x: array.
      size: static number of results (padded or truncated) for use under jit/vmap.
      fill_value: padding of ``values`` (default: the smallest value).

    Returns:
      A named tuple ``(values, indices, inverse_indices, counts)``.

    Example:
        >>> fnp.unique_all(fnp.array([3, 1, 3])).counts
        Array([1, 2], dtype=int32)
    """
    return _unique_all_parts("unique_all", x, size, fill_value)


class _UniqueCounts(NamedTuple):
    values: object
    counts: object


class _UniqueInverse(NamedTuple):
    values: object
    inverse_indices: object


def unique_counts(x, /, *, size=None, fill_value=None):
    """Unique values and their counts (``jax.numpy.unique_counts``)."""
    p = _unique_all_parts("unique_counts", x, size, fill_value)
    return _UniqueCounts(p.values, p.counts)


def unique_inverse(x, /, *, size=None, fill_value=None):
    """Unique values and inverse indices of ``x``'s shape (``jax.numpy.unique_inverse``)."""
    p = _unique_all_parts("unique_inverse", x, size, fill_value)
    return _UniqueInverse(p.values, p.inverse_indices)


def unique_values(x, /, *, size=None, fill_value=None):
    """Sorted unique values (``jax.numpy.unique_values``)."""
    return _unique_all_parts("unique_values", x, size, fill_value).values


def union1d(ar1, ar2, *, size=None, fill_value=None):
    """Sorted unique values of either array (``jax.numpy.union1d``).

    Example:
        >>> fnp.union1d(fnp.array([1, 3]), fnp.array([2, 3]))
        Array([1, 2, 3], dtype=int32)
    """
    a1, a2 = promote_dtypes(ar1, ar2)
    both = concatenate([_flat(a1), _flat(a2)])
    size = _static_size("union1d", size, both, lambda v: np.unique(v).size)
    return unique_values(both, size=size, fill_value=fill_value)


def _unique_padded(x):
    """Sorted unique values of flat ``x`` padded (at the end) to ``x``'s length, and the mask
    of real entries."""
    n = aval(x).shape[0]
    parts = _unique_parts(x, n, None)
    n_unique = sum_(logical_not(equal(parts.counts, 0)), dtype=dtypes.int32)
    return parts.values, lax.lt(lax.iota(dtypes.int32, n), n_unique)


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Sorted unique values of ``ar1`` not in ``ar2`` (``jax.numpy.setdiff1d``).

    Args:
      ar1, ar2: arrays (flattened).
      size: static result size for jit/vmap; fill_value: padding (default 0).

    Example:
        >>> fnp.setdiff1d(fnp.array([1, 2, 3, 2]), fnp.array([2]))
        Array([1, 3], dtype=int32)
    """
    a1, a2 = (_flat(a) for a in promote_dtypes(ar1, ar2))
    size = _static_size("setdiff1d", size, a1 if is_traced(a1) else a2,
                        lambda _: np.setdiff1d(concrete(a1, "setdiff1d"),
                                               concrete(a2, "setdiff1d")).size)
    vals, real = _unique_padded(a1)
    mask = logical_and(real, isin(vals, a2, invert=True))
    return _compact(vals, mask, size, 0 if fill_value is None else fill_value)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None,
                fill_value=None):
    """Sorted unique values in both arrays (``jax.numpy.intersect1d``).

    Args:
      ar1, ar2: arrays (flattened).
      return_indices: also return the first indices in each array.
      size: static result size for jit/vmap; fill_value: padding (default: the smallest
        result).

    Example:
        >>> fnp.intersect1d(fnp.array([1, 2, 3]), fnp.array([3, 1, 5]))
        Array([1, 3], dtype=int32)
    """
    a1, a2 = (_flat(a) for a in promote_dtypes(ar1, ar2))
    size = _static_size("intersect1d", size, a1 if is_traced(a1) else a2,
                        lambda _: np.intersect1d(concrete(a1, "intersect1d"),
                                                 concrete(a2, "intersect1d")).size)
    p1 = _unique_parts(a1, aval(a1).shape[0], None)
    real = lax.lt(lax.iota(dtypes.int32, aval(a1).shape[0]),
                  sum_(logical_not(equal(p1.counts, 0)), dtype=dtypes.int32))
    mask = logical_and(real, isin(p1.values, a2))
    vals = _compact(p1.values, mask, size, fill_value)
    if not return_indices:
        return vals
    n1, n2 = aval(a1).shape[0], aval(a2).shape[0]
    valid = lax.lt(lax.iota(dtypes.int32, size), sum_(mask, dtype=dtypes.int32))
    i1 = where(valid, _compact(p1.indices, mask, size, n1), n1)
    first2 = argsort(a2, stable=True)
    pos2 = searchsorted(take(a2, first2), vals)
    i2 = where(valid, take(first2, lax.min(pos2, lax.full_like(pos2, max(n2 - 1, 0)))), n2)
    return vals, i1, i2


def setxor1d(ar1, ar2, assume_unique=False, *, size=None, fill_value=None):
    """Sorted unique values in exactly one of the arrays (``jax.numpy.setxor1d``).

    Example:
        >>> fnp.setxor1d(fnp.array([1, 2, 3]), fnp.array([3, 4]))
        Array([1, 2, 4], dtype=int32)
    """
    a1, a2 = (_flat(a) for a in promote_dtypes(ar1, ar2))
    size = _static_size("setxor1d", size, a1 if is_traced(a1) else a2,
                        lambda _: np.setxor1d(concrete(a1, "setxor1d"),
                                              concrete(a2, "setxor1d")).size)
    v1, r1 = _unique_padded(a1)
    v2, r2 = _unique_padded(a2)
    in1 = logical_and(r1, isin(v1, a2, invert=True))
    in2 = logical_and(r2, isin(v2, a1, invert=True))
    vals = concatenate([v1, v2])
    mask = concatenate([in1, in2])
    big = _big(aval(vals).dtype)
    keyed = sort(where(mask, vals, big))
    n_res = sum_(mask, dtype=dtypes.int32)
    sorted_mask = lax.lt(lax.iota(dtypes.int32, aval(keyed).shape[0]), n_res)
    return _compact(keyed, sorted_mask, size, fill_value)


def _big(dtype):
    dtype = np.dtype(dtype)
    if dtypes.is_inexact(dtype):
        return np.inf
    return np.iinfo(dtype).max if dtype != np.bool_ else True


def bincount(x, weights=None, minlength=0, *, length=None):
    """Counts (or summed ``weights``) of each non-negative integer (``jax.numpy.bincount``).

    Args:
      x: 1-D non-negative integers (negatives count as 0).
      weights: optional weights of ``x``'s shape.
      minlength: the minimum number of bins.
      length: static number of bins (needed under jit/vmap); larger values are dropped.

    Returns:
      An array of ``length`` bins.

    Example:
        >>> fnp.bincount(fnp.array([0, 1, 1, 3]))
        Array([1, 2, 0, 1], dtype=int32)
    """
    x = as_array(x)
    if not dtypes.is_integer(aval(x).dtype):
        raise TypeError(f"[bincount] x must be integers, got {aval(x).dtype}")
    if aval(x).ndim != 1:
        raise ValueError(f"[bincount] x must be 1-D, got shape {aval(x).shape}")
    if length is None:
        if is_traced(x):
            raise TypeError("[bincount] the number of bins depends on a traced x: pass a "
                            "static length=")
        v = concrete(x, "bincount")
        length = max(int(minlength), int(v.max()) + 1 if v.size else 0)
    length = int(length)
    w = full(aval(x).shape, 1, dtypes.int32) if weights is None else as_array(weights)
    keep = lax.lt(x, lax.full_like(x, length))
    w = where(keep, w, 0)
    idx = lax.clamp(lax.full_like(x, 0), x, lax.full_like(x, max(length - 1, 0)))
    return zeros((length,), aval(w).dtype).at[idx].add(w)


def digitize(x, bins, right=False, *, method=None):
    """Indices of the bins (monotonic ``bins``) each value falls in (``jax.numpy.digitize``).

    Example:
        >>> fnp.digitize(fnp.array([0.5, 1.5]), fnp.array([0.0, 1.0, 2.0]))
        Array([1, 2], dtype=int32)
    """
    x, bins = promote_dtypes(x, bins)
    x, bins = as_array(x), as_array(bins)
    if aval(bins).ndim != 1:
        raise ValueError(f"[digitize] bins must be 1-D, got shape {aval(bins).shape}")
    n = aval(bins).shape[0]
    if n == 0:
        return zeros(aval(x).shape, dtypes.int32)
    side = "left" if right else "right"
    inc = searchsorted(bins, x, side=side)
    dec = lax.sub(lax.full_like(inc, n), searchsorted(lax.rev(bins, (0,)), x, side=side))
    return where(lax.ge(bins[-1], bins[0]), inc, dec)


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002
    """The edges of ``bins`` equal bins over ``range`` (default: the data's range)
    (``jax.numpy.histogram_bin_edges``)."""
    if not isinstance(bins, (int, np.integer)):
        (b,) = promote_dtypes_inexact(bins)
        return as_array(b)
    (a,) = promote_dtypes_inexact(a)
    a = as_array(a)
    if range is None:
        lo, hi = min_(a), max_(a)
    else:
        lo, hi = (lax.convert_element_type(as_array(r), aval(a).dtype) for r in range)
    same = equal(lo, hi)
    lo = where(same, lo - 0.5, lo)
    hi = where(same, hi + 0.5, hi)
    return linspace(lo, hi, int(bins) + 1, dtype=aval(a).dtype)


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """Counts of ``a`` in bins (``jax.numpy.histogram``); the last bin includes its right
    edge.

    Args:
      a: values (flattened); bins: a number of bins or the edges; range: (lo, hi);
      weights: optional weights; density: normalize to a density.

    Returns:
      ``(hist, bin_edges)``.

    Example:
        >>> fnp.histogram(fnp.array([0.0, 0.5, 1.0]), bins=2)[0]
        Array([1., 2.], dtype=float32)
    """
    a = _flat(a)
    edges = histogram_bin_edges(a, bins, range, weights)
    hist = _bin_counts(a, edges, weights)
    if density:
        widths = diff(edges)
        hist = hist / (widths * sum_(hist))
    return hist, edges


def _bin_index(a, edges):
    """Bin numbers 1..n of ``a`` for ``n`` bins (0 and n+1: outside)."""
    n = aval(edges).shape[0]
    idx = searchsorted(edges, a, side="right")
    return where(equal(a, edges[-1]), n - 1, idx)


def _bin_counts(a, edges, weights):
    (a_f,) = promote_dtypes_inexact(a)
    w = as_array(a_f) * 0 + 1 if weights is None else _flat(weights)
    idx = _bin_index(as_array(a_f), edges)
    n = aval(edges).shape[0]
    return bincount(idx, w, length=n + 1)[1:n]


def histogramdd(sample, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """A multidimensional histogram of ``sample`` (N points x D dims)
    (``jax.numpy.histogramdd``).

    Returns:
      ``(hist, [edges per dimension])``.
    """
    sample = as_array(sample)
    if aval(sample).ndim != 2:
        raise ValueError(f"[histogramdd] sample must be (N, D), got {aval(sample).shape}")
    n_pts, d = aval(sample).shape
    bins_ = bins if isinstance(bins, (list, tuple)) else [bins] * d
    ranges = range if range is not None else [None] * d
    edges = [histogram_bin_edges(sample[:, i], bins_[i], ranges[i]) for i in _range(d)]
    nb = [aval(e).shape[0] + 1 for e in edges]
    flat = zeros((n_pts,), dtypes.int32)
    for i, e in enumerate(edges):
        flat = flat * nb[i] + _bin_index(sample[:, i], e)
    w = None if weights is None else _flat(weights)
    counts = reshape(bincount(flat, w, length=int(np.prod(nb))), nb)
    hist = counts[tuple(slice(1, -1) for _ in nb)]
    if density:
        hist = hist / sum_(hist)
        for i, e in enumerate(edges):
            shape = [1] * d
            shape[i] = -1
            hist = hist / reshape(diff(e), shape)
    return hist, edges


def histogram2d(x, y, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """A 2-D histogram of points ``(x, y)`` (``jax.numpy.histogram2d``).

    Returns:
      ``(hist, xedges, yedges)``.
    """
    x, y = promote_dtypes_inexact(x, y)
    hist, (ex, ey) = histogramdd(stack([_flat(x), _flat(y)], axis=1), bins, range, weights,
                                 density)
    return hist, ex, ey


def lexsort(keys, axis=-1):
    """Indices that sort by the last key, then the one before, ... (``jax.numpy.lexsort``).

    Example:
        >>> fnp.lexsort((fnp.array([1, 0, 1]), fnp.array([0, 0, 1])))
        Array([1, 0, 2], dtype=int32)
    """
    keys = [as_array(k) for k in keys]
    if not keys:
        raise TypeError("[lexsort] needs at least one key")
    shape = aval(keys[0]).shape
    ax = int(axis) % max(len(shape), 1)
    iota = lax.broadcasted_iota(dtypes.int32, shape, ax)
    ops = [*reversed(keys), iota]
    return lax.sort(tuple(ops), dimension=ax, is_stable=True, num_keys=len(keys))[-1]


def partition(a, kth, axis=-1):
    """``a`` with its ``kth`` smallest value (along ``axis``) in sorted position, the
    smaller ones before (sorted) and the larger ones after (``jax.numpy.partition``)."""
    a = as_array(a)
    arr = moveaxis(a, axis, -1)
    n = aval(arr).shape[-1]
    kth = int(kth) % n
    bottom = lax.neg(lax.top_k(lax.neg(arr), kth + 1)[0])
    top = lax.top_k(arr, n - kth - 1)[0]
    return moveaxis(concatenate([bottom, top], axis=-1), -1, axis)


def argpartition(a, kth, axis=-1):
    """Indices that would partition ``a`` (``jax.numpy.argpartition``): the indices of the
    ``kth + 1`` smallest (sorted), then the others in increasing index order."""
    a = as_array(a)
    arr = moveaxis(a, axis, -1)
    n = aval(arr).shape[-1]
    kth = int(kth) % n
    bottom = lax.top_k(lax.neg(arr), kth + 1)[1]
    nd = aval(arr).ndim
    pos = lax.broadcasted_iota(dtypes.int32, aval(arr).shape, nd - 1)
    taken = any_(equal(lax.expand_dims(pos, (nd,)), lax.expand_dims(bottom, (nd - 1,))),
                 axis=-1)
    proxy = where(taken, 0, 1).astype(dtypes.int32)
    top = lax.top_k(proxy, n - kth - 1)[1]
    return moveaxis(concatenate([bottom, top], axis=-1), -1, axis)


def interp(x, xp, fp, left=None, right=None, period=None):
    """One-dimensional piecewise-linear interpolation (``jax.numpy.interp``).

    Args:
      x: points to evaluate; xp: increasing sample points; fp: values at ``xp``.
      left, right: values below/above the range (default ``fp[0]``, ``fp[-1]``).
      period: for periodic ``xp`` (then ``left``/``right`` are not allowed).

    Returns:
      The interpolated values (differentiable in ``x`` and ``fp``).

    Example:
        >>> fnp.interp(fnp.array([0.5]), fnp.array([0.0, 1.0]), fnp.array([0.0, 2.0]))
        Array([1.], dtype=float32)
    """
    x, xp, fp = (as_array(v) for v in promote_dtypes_inexact(x, xp, fp))
    if aval(xp).ndim != 1 or aval(fp).ndim != 1 or aval(xp).shape != aval(fp).shape:
        raise ValueError(f"[interp] xp and fp must be 1-D of equal length, got "
                         f"{aval(xp).shape} and {aval(fp).shape}")
    if period is not None:
        if left is not None or right is not None:
            raise ValueError("[interp] left/right are not allowed with period")
        from .ufuncs import remainder
        period = abs(float(period)) if not is_traced(period) else period
        x = remainder(x, period)
        xp = remainder(xp, period)
        order = argsort(xp)
        xp, fp = take(xp, order), take(fp, order)
        xp = concatenate([xp[-1:] - period, xp, xp[:1] + period])
        fp = concatenate([fp[-1:], fp, fp[:1]])
    n = aval(xp).shape[0]
    i = lax.clamp(lax.full_like(searchsorted(xp, x, side="right"), 1),
                  searchsorted(xp, x, side="right"),
                  lax.full_like(searchsorted(xp, x, side="right"), n - 1))
    lo_x, hi_x, lo_f, hi_f = take(xp, i - 1), take(xp, i), take(fp, i - 1), take(fp, i)
    dx = hi_x - lo_x
    eps = float(np.spacing(np.finfo(np.dtype(aval(xp).dtype)).eps)) \
        if aval(xp).dtype != dtypes.bfloat16 else 0.0
    flat = lax.le(lax.abs(dx), lax.full_like(dx, eps))
    f = where(flat, lo_f, lo_f + (x - lo_x) / where(flat, 1, dx) * (hi_f - lo_f))
    if period is None:
        f = where(less(x, xp[0]), fp[0] if left is None else left, f)
        f = where(greater(x, xp[-1]), fp[-1] if right is None else right, f)
    return f


__all__ = ["isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
           "union1d", "setdiff1d", "intersect1d", "setxor1d", "bincount", "digitize",
           "histogram_bin_edges", "histogram", "histogramdd", "histogram2d", "lexsort",
           "partition", "argpartition", "interp"]
