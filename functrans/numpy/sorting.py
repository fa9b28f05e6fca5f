"""Sorting, searching and gathering: sort, argsort, take, take_along_axis,
searchsorted, unique, nonzero, argwhere, flatnonzero, median, quantile, percentile.

Shapes must be static: ``unique``/``nonzero`` of a traced array need ``size=``.

Example::

    fnp.sort(x, axis=0); fnp.take(x, idx, axis=1); fnp.unique(x, size=4)
"""

from __future__ import annotations

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.array import Array
from ..core.ir import ShapedArray
from ._util import (
    as_array,
    aval,
    broadcast_shapes,
    broadcast_to,
    canonical_axis,
    concrete,
    convert,
    is_traced,
    promote_dtypes,
    promote_dtypes_inexact,
    reduction_axes,
)


def _int_array(x):
    x = as_array(x)
    if not dtypes.is_integer(aval(x).dtype):
        raise TypeError(f"[take] indices must be integers, got {aval(x).str_short()}")
    return lax.convert_element_type(x, dtypes.int32)


def _clip_index(idx, n):
    return lax.max(lax.min(idx, max(n - 1, 0)), 0)


def gather_rows(x, idx, mode="clip", fill_value=None):
    """``x[idx]`` for ``x`` of shape ``(N, *rest)`` and int32 ``idx`` of any shape."""
    nd_i = aval(idx).ndim
    rest = aval(x).shape[1:]
    dn = lax.GatherDimensionNumbers(offset_dims=tuple(range(nd_i, nd_i + len(rest))),
                                    collapsed_slice_dims=(0,), start_index_map=(0,))
    return lax.gather(x, lax.expand_dims(idx, [nd_i]), dn, (1, *rest), mode=mode,
                      fill_value=fill_value)


def _move_front(a, ax):
    perm = [ax] + [i for i in range(aval(a).ndim) if i != ax]
    return lax.transpose(a, perm)


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False,
         indices_are_sorted=False, fill_value=None):
    """Elements of ``a`` at ``indices`` along ``axis`` (flattened if None)
    (``jax.numpy.take``). Out-of-bounds indices follow ``mode``: ``"fill"`` (the default:
    NaN for floats, as JAX) and ``"drop"`` count negative indices from the end;
    ``"clip"`` clamps every index into ``[0, n - 1]`` (so -1 gives the first element, as in
    NumPy); ``"wrap"`` takes indices modulo ``n``.

    Example:
        >>> fnp.take(fnp.array([10., 20., 30.]), fnp.array([-1, 5]), mode="clip")
        Array([10., 30.], dtype=float32)
    """
    a = as_array(a)
    if axis is None:
        from .shapes import ravel
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, aval(a).ndim, "take")
    n = aval(a).shape[ax]
    idx = _int_array(indices)
    mode = mode or "fill"
    if mode == "wrap":
        r = lax.rem(idx, max(n, 1))
        idx, mode = lax.select(lax.lt(r, 0), lax.add(r, n), r), "clip"
    elif mode != "clip":
        idx = lax.select(lax.lt(idx, 0), lax.add(idx, n), idx)
    out = gather_rows(_move_front(a, ax), idx, mode=mode, fill_value=fill_value)
    nd_i = aval(idx).ndim
    perm = list(range(nd_i, nd_i + ax)) + list(range(nd_i)) + list(
        range(nd_i + ax, aval(out).ndim))
    return lax.transpose(out, perm)


def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """``arr`` indexed along ``axis`` by ``indices`` of the same rank, broadcasting the
    other axes (``jax.numpy.take_along_axis``)."""
    from .shapes import ravel
    arr = as_array(arr)
    idx = _int_array(indices)
    if axis is None:
        arr, idx, axis = ravel(arr), ravel(idx), 0
    nd = aval(arr).ndim
    if aval(idx).ndim != nd:
        raise ValueError(f"[take_along_axis] indices of rank {aval(idx).ndim} must have the "
                         f"rank of arr ({nd})")
    ax = canonical_axis(axis, nd, "take_along_axis")
    s, si = aval(arr).shape, aval(idx).shape
    n = s[ax]
    bshape = broadcast_shapes(s[:ax] + s[ax + 1:], si[:ax] + si[ax + 1:],
                              api="take_along_axis")
    out_shape = bshape[:ax] + (si[ax],) + bshape[ax:]
    arr = broadcast_to(arr, bshape[:ax] + (n,) + bshape[ax:])
    idx = broadcast_to(idx, out_shape)
    idx = lax.select(lax.lt(idx, 0), lax.add(idx, n), idx)
    idx = _clip_index(idx, n)
    strides = np.cumprod((aval(arr).shape[1:] + (1,))[::-1])[::-1]
    flat = lax.mul(idx, int(strides[ax]))
    for k in range(nd):
        if k != ax and out_shape[k] > 1:
            flat = lax.add(flat, lax.mul(lax.broadcasted_iota(dtypes.int32, out_shape, k),
                                         int(strides[k])))
    return gather_rows(ravel(arr), flat)


def sort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Sorted copy of ``a`` along ``axis`` (flattened if None) (``jax.numpy.sort``)."""
    from .shapes import ravel
    a = as_array(promote_dtypes(a)[0])
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, aval(a).ndim, "sort")
    if aval(a).ndim == 0:
        return a
    (out,) = lax.sort((a,), dimension=ax, is_stable=stable, num_keys=1)
    return lax.rev(out, (ax,)) if descending else out


def argsort(a, axis=-1, *, kind=None, order=None, stable=True, descending=False):
    """Indices that sort ``a`` along ``axis`` (``jax.numpy.argsort``)."""
    from .shapes import ravel
    a = as_array(promote_dtypes(a)[0])
    if axis is None:
        a, axis = ravel(a), 0
    ax = canonical_axis(axis, aval(a).ndim, "argsort")
    index_dtype = dtypes.default_int()
    if aval(a).ndim == 0:
        return lax.full((), 0, index_dtype)
    if descending:
        n = aval(a).shape[ax]
        rev_idx = argsort(lax.rev(a, (ax,)), ax, stable=stable)
        return lax.sub(lax.full(aval(a).shape, n - 1, index_dtype), lax.rev(rev_idx, (ax,)))
    iota = lax.broadcasted_iota(index_dtype, aval(a).shape, ax)
    if dtypes.is_inexact(aval(a).dtype):
        a = lax.add(a, 0.0)  # sort -0.0 and 0.0 as equal, as JAX does
    _, idx = lax.sort((a, iota), dimension=ax, is_stable=stable, num_keys=1)
    return idx


def searchsorted(a, v, side="left", sorter=None, *, method="scan"):
    """Insertion points of ``v`` into the sorted 1-D ``a`` (``jax.numpy.searchsorted``)."""
    from .reductions import sum as sum_
    from .ufuncs import less, less_equal
    if side not in ("left", "right"):
        raise ValueError(f"[searchsorted] side must be 'left' or 'right', got {side!r}")
    a, v = (as_array(x) for x in promote_dtypes(a, v))
    if aval(a).ndim != 1:
        raise ValueError(f"[searchsorted] a must be 1-D, got shape {aval(a).shape}")
    if sorter is not None:
        a = take(a, sorter)
    cmp = less if side == "left" else less_equal
    hits = cmp(lax.expand_dims(a, list(range(aval(v).ndim))),
               lax.expand_dims(v, [aval(v).ndim]))
    return sum_(hits, axis=-1, dtype=dtypes.int32)


def _sorted_nonzero_positions(mask_flat, size):
    """The first ``size`` positions where ``mask_flat`` holds, padded with ``n``."""
    n = aval(mask_flat).shape[0]
    key = lax.select(mask_flat, lax.iota(dtypes.int32, n), lax.full((n,), n, dtypes.int32))
    (key,) = lax.sort((key,), dimension=0, is_stable=True, num_keys=1) if n else (key,)
    if size <= n:
        return lax.slice(key, (0,), (size,))
    return lax.pad(key, lax.convert_element_type(as_array(n), dtypes.int32),
                   [(0, size - n, 0)])


def nonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements, one array per axis (``jax.numpy.nonzero``).

    Under a transformation pass a static ``size`` (results are padded with
    ``fill_value``, default 0, or truncated).
    """
    from .shapes import ravel
    from .ufuncs import not_equal
    a = as_array(a)
    if size is None:
        if is_traced(a):
            raise TypeError(f"[nonzero] the number of nonzero elements of a traced array "
                            f"{aval(a).str_short()} is not static: pass size=")
        dt = dtypes.default_int()
        return tuple(Array(i.astype(dt), ShapedArray(i.shape, dt))
                     for i in np.nonzero(concrete(a, "nonzero")))
    shape = aval(a).shape or (1,)
    mask = ravel(not_equal(a, 0))
    pos = _sorted_nonzero_positions(mask, int(size))
    n = aval(mask).shape[0]
    valid = lax.lt(pos, n)
    fills = np.broadcast_to(0 if fill_value is None else fill_value, (len(shape),))
    out, rem = [], pos
    for k in reversed(range(len(shape))):
        out.append(lax.select(valid, lax.rem(rem, max(shape[k], 1)),
                              lax.full((int(size),), int(fills[k]), dtypes.int32)))
        rem = lax.div(rem, max(shape[k], 1))
    return tuple(lax.convert_element_type(o, dtypes.default_int()) for o in reversed(out))


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements of the flattened array (``jax.numpy.flatnonzero``)."""
    from .shapes import ravel
    return nonzero(ravel(a), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size=None, fill_value=None):
    """Indices of the nonzero elements as rows (``jax.numpy.argwhere``)."""
    from .shapes import stack
    a = as_array(a)
    idx = nonzero(a, size=size, fill_value=fill_value)
    if aval(a).ndim == 0:
        raise ValueError("[argwhere] needs an array of rank >= 1; use fnp.atleast_1d")
    return stack(idx, axis=1)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, size=None, fill_value=None, sorted=True):  # noqa: A002
    """Sorted unique elements (``jax.numpy.unique``).

    Concrete input: any options (computed with NumPy). Under a transformation pass a
    static ``size``: the first ``size`` unique values, padded with ``fill_value``
    (default: the smallest value).
    """
    from .shapes import ravel
    if size is None:
        if is_traced(ar) or axis is not None:
            raise TypeError("[unique] the number of unique elements is not static: pass "
                            "size= under a transformation (axis= is not supported)")
        arr = concrete(ar, "unique")
        res = np.unique(arr, return_index, return_inverse, return_counts)
        res = res if isinstance(res, tuple) else (res,)
        idx, val = dtypes.default_int(), dtypes.canonicalize(arr.dtype)
        outs = [Array(r.astype(idx) if k else r.astype(val),
                      ShapedArray(r.shape, idx if k else val))
                for k, r in enumerate(res)]
        return outs[0] if len(outs) == 1 else tuple(outs)
    if axis is not None:
        raise NotImplementedError("[unique] axis= with size= is not supported")
    if return_index or return_inverse or return_counts:
        from .setops import _unique_parts
        parts = _unique_parts(ravel(ar), int(size), fill_value)
        inverse = lax.reshape(parts.inverse_indices, aval(as_array(ar)).shape)
        flags = ((parts.indices, return_index), (inverse, return_inverse),
                 (parts.counts, return_counts))
        return (parts.values, *[p for p, flag in flags if flag])
    from .ufuncs import not_equal, where
    s = sort(ravel(ar))
    n = aval(s).shape[0]
    if n == 0:
        raise ValueError("[unique] of an empty array with size= has no fill value")
    first = lax.slice(s, (0,), (1,))
    is_new = lax.concatenate([lax.full((1,), True, dtypes.bool_),
                              not_equal(lax.slice(s, (1,), (n,)), lax.slice(s, (0,), (n - 1,)))],
                             0) if n > 1 else lax.full((1,), True, dtypes.bool_)
    pos = _sorted_nonzero_positions(is_new, int(size))
    vals = gather_rows(s, _clip_index(pos, n))
    fill = first if fill_value is None else fill_value
    return where(lax.lt(pos, n), vals, fill)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) along ``axis`` (``jax.numpy.quantile``).

    Methods: linear, lower, higher, nearest, midpoint.
    """
    from .shapes import moveaxis, reshape
    from .ufuncs import multiply
    if method not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise ValueError(f"[quantile] unknown method {method!r}")
    (a,) = promote_dtypes_inexact(a)
    a = as_array(a)
    if aval(a).ndim == 0:  # as JAX: a 0-d input is taken as 1-d (keepdims gives shape (1,))
        a = lax.reshape(a, (1,))
    q = convert(as_array(promote_dtypes_inexact(q)[0]), aval(a).dtype)
    shape = aval(a).shape
    axes = reduction_axes(axis, len(shape), "quantile")
    kept = [i for i in range(len(shape)) if i not in axes]
    a = lax.transpose(a, kept + list(axes))
    n = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    a = reshape(a, [shape[i] for i in kept] + [n])
    s = sort(a, axis=-1)
    pos = multiply(q, float(n - 1))
    lo, hi = quantile_neighbours(pos, method)
    lo_i = lax.convert_element_type(lo, dtypes.int32)
    hi_i = lax.convert_element_type(hi, dtypes.int32)
    lo_v, hi_v = take(s, lo_i, axis=-1), take(s, hi_i, axis=-1)
    res = quantile_interpolate(lo_v, hi_v, pos, lo, method)
    nq = aval(q).ndim
    if nq:
        res = moveaxis(res, list(range(len(kept), len(kept) + nq)), list(range(nq)))
    if keepdims:
        full_shape = aval(res).shape[:nq] + tuple(1 if i in axes else d
                                                  for i, d in enumerate(shape))
        res = reshape(res, full_shape)
    return res


def quantile_neighbours(pos, method):
    """The sorted positions ``(lo, hi)`` around fractional ``pos``."""
    from .ufuncs import ceil, floor
    return floor(pos), ceil(pos)


def quantile_interpolate(lo_v, hi_v, pos, lo, method):
    """The quantile from the sorted neighbours ``lo_v``, ``hi_v`` by ``method``
    ('nearest' takes ``lo_v`` at an exact half, as JAX)."""
    from .ufuncs import add, less_equal, multiply, subtract, where
    if method == "lower":
        return lo_v
    if method == "higher":
        return hi_v
    if method == "midpoint":
        return multiply(add(lo_v, hi_v), 0.5)
    w = subtract(pos, lo)
    if method == "nearest":
        return where(less_equal(w, 0.5), lo_v, hi_v)
    return add(multiply(lo_v, subtract(1.0, w)), multiply(hi_v, w))


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) (``jax.numpy.percentile``)."""
    from .ufuncs import true_divide
    return quantile(a, true_divide(q, 100.0), axis, method=method, keepdims=keepdims)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median along ``axis`` (``jax.numpy.median``)."""
    return quantile(a, 0.5, axis, method="midpoint", keepdims=keepdims)
