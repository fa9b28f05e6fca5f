"""Reductions with ``axis``/``keepdims``/``where``: sum, prod, mean, var, std, max,
min, any, all, argmax, argmin, cumulative and NaN-ignoring variants.

Example::

    fnp.sum(x, axis=1, keepdims=True); fnp.var(x, ddof=1); fnp.nanmax(x)
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import _lax_lenient as lax
from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.trace import _state
from ..primitives.reductions import reduce_max_p, reduce_min_p, reduce_prod_p, reduce_sum_p
from ._util import (
    as_array,
    aval,
    broadcast_to,
    canonical_axis,
    full_like_,
    promote_dtypes,
    reduction_axes,
)
from .ufuncs import isnan, logical_not, not_equal, where


def _prep(a, api):
    if type(getattr(a, "aval", None)) is ShapedArray:  # already an Array or tracer
        return a
    (a,) = promote_dtypes(a)
    return as_array(a)


def _keep(a_shape, out, axes, keepdims):
    if not keepdims:
        return out
    return lax.reshape(out, [1 if i in axes else d for i, d in enumerate(a_shape)])


def _sum_dtype(dt):
    if dt.kind in "fcV":  # inexact: unchanged (the common case, checked first)
        return dt
    if dt == dtypes.bool_:
        return dtypes.default_int()
    if dtypes.is_integer(dt) and dt.itemsize < dtypes.default_int().itemsize:
        return dtypes.default_uint() if dt.kind == "u" else dtypes.default_int()
    return dt


def _masked(a, where_, fill):
    if where_ is None:
        return a
    return lax.select(broadcast_to(where_, aval(a).shape), a, full_like_(a, fill))


def _reducer(name, prim, identity, acc_dtype=None):
    """``acc_dtype`` maps an integer/bool input dtype to the accumulation dtype (inexact
    dtypes are kept). ``prim`` is bound with the canonical axes of ``reduction_axes``
    straight through the current trace (eager reductions are benchmarked)."""
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
        a_aval = getattr(a, "aval", None)
        if type(a_aval) is not ShapedArray:
            a = _prep(a, name)
            a_aval = a.aval
        if dtype is not None or (acc_dtype is not None and a_aval.dtype.kind not in "fcV"):
            dt = np.dtype(dtype) if dtype is not None else acc_dtype(a_aval.dtype)
            a = lax.convert_element_type(a, dt) if dt != a_aval.dtype else a
        if where is not None:
            a = _masked(a, where, identity)
        shape = a_aval.shape
        axes = reduction_axes(axis, len(shape), name)
        res = _state.trace.process(prim, (a,), {"axes": axes})[0]
        if initial is not None:
            res = _combine(name, res, initial)
        return _keep(shape, res, axes, keepdims) if keepdims else res
    fn.__name__ = name
    fn.__doc__ = (f"``{name}`` over ``axis`` (``jax.numpy.{name}``).\n\nArgs:\n  a: array.\n"
                  "  axis: int, tuple or None (all axes).\n  keepdims: keep reduced axes as "
                  "size 1.\n  where: boolean mask of the elements to include.\nReturns:\n"
                  f"  The reduced Array.\nExample:\n  ``fnp.{name}(x, axis=0)``")
    return fn


def _combine(name, res, initial):
    from .ufuncs import add, maximum, minimum, multiply
    op = {"sum": add, "prod": multiply, "max": maximum, "min": minimum}[name]
    return lax.convert_element_type(op(res, initial), aval(res).dtype)


def _extreme_identity(kind):
    return -np.inf if kind == "max" else np.inf


sum = _reducer("sum", reduce_sum_p, 0, _sum_dtype)  # noqa: A001
prod = _reducer("prod", reduce_prod_p, 1, _sum_dtype)


def _minmax(name, prim):
    def fn(a, axis=None, out=None, keepdims=False, initial=None, where=None):
        if type(getattr(a, "aval", None)) is not ShapedArray:
            a = _prep(a, name)
        shape = a.aval.shape
        axes = reduction_axes(axis, len(shape), name)
        if where is not None:
            if initial is None:
                raise ValueError(f"[{name}] reductions with where= need an initial= value "
                                 "for the rows where no element is selected")
            a = _masked(a, where, initial)
        if initial is None and 0 in shape and builtins.any(shape[ax] == 0 for ax in axes):
            raise ValueError(f"[{name}] zero-size array to reduction operation {name} which "
                             "has no identity; pass initial=")
        res = _state.trace.process(prim, (a,), {"axes": axes})[0]
        if initial is not None:
            res = _combine(name, res, initial)
        return _keep(shape, res, axes, keepdims) if keepdims else res
    fn.__name__ = name
    fn.__doc__ = f"``{name}`` over ``axis`` (``jax.numpy.{name}``); see ``sum``."
    return fn


max = amax = _minmax("max", reduce_max_p)  # noqa: A001
min = amin = _minmax("min", reduce_min_p)  # noqa: A001


def _bool_reducer(name, is_any):
    def fn(a, axis=None, out=None, keepdims=False, *, where=None):
        a = _prep(a, name)
        b = a if aval(a).dtype == dtypes.bool_ else not_equal(a, 0)
        if not is_any:
            b = logical_not(b)
        b = _masked(b, where, False)
        axes = reduction_axes(axis, aval(b).ndim, name)
        if builtins.any(aval(b).shape[ax] == 0 for ax in axes):
            out_shape = [d for i, d in enumerate(aval(b).shape) if i not in axes]
            res = lax.full(out_shape, False, dtypes.bool_)
        else:
            res = lax.reduce_max(b, axes)
        res = res if is_any else logical_not(res)
        return _keep(aval(b).shape, res, axes, keepdims)
    fn.__name__ = name
    fn.__doc__ = f"Whether {'any' if is_any else 'every'} element is true (``jax.numpy.{name}``)."
    return fn


any = _bool_reducer("any", True)  # noqa: A001
all = _bool_reducer("all", False)  # noqa: A001


def _count(shape_, axes, where_):
    if where_ is None:
        n = 1
        for ax in axes:
            n *= shape_[ax]
        return n
    mask = broadcast_to(where_, shape_)
    return lax.reduce_sum(lax.convert_element_type(mask, dtypes.int32), axes)


def _inexact_dtype(dt, dtype):
    if dtype is not None:
        return np.dtype(dtype)
    return dtypes.to_inexact(dt)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Arithmetic mean over ``axis`` (``jax.numpy.mean``); integers give float32.

    Example: ``fnp.mean(x, axis=(0, 1), keepdims=True)``
    """
    a = _prep(a, "mean")
    dt = _inexact_dtype(aval(a).dtype, dtype)
    a = lax.convert_element_type(a, dt)
    axes = reduction_axes(axis, aval(a).ndim, "mean")
    total = sum(a, axis=axes, keepdims=keepdims, where=where)
    count = _count(aval(a).shape, axes, where)
    if not isinstance(count, int):
        count = lax.convert_element_type(count, dt)
        count = _keep(aval(a).shape, count, axes, keepdims)
    return lax.div(total, count if not isinstance(count, int) else float(count))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        correction=None):
    """Variance ``mean(|x - mean(x)|**2)`` with ``ddof`` (``jax.numpy.var``)."""
    ddof = ddof if correction is None else correction
    a = _prep(a, "var")
    dt = _inexact_dtype(aval(a).dtype, dtype)
    a = lax.convert_element_type(a, dt)
    axes = reduction_axes(axis, aval(a).ndim, "var")
    centered = lax.sub(a, broadcast_to(mean(a, axes, keepdims=True, where=where),
                                       aval(a).shape))
    sq = _masked(lax.mul(centered, centered), where, 0)
    count = _count(aval(a).shape, axes, where)
    total = lax.reduce_sum(sq, axes)
    if isinstance(count, int):
        res = lax.div(total, float(builtins.max(count - ddof, 0)))
    else:
        res = lax.div(total, lax.convert_element_type(lax.sub(count, ddof), dt))
    return _keep(aval(a).shape, res, axes, keepdims)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        correction=None):
    """Standard deviation, ``sqrt(var)`` (``jax.numpy.std``)."""
    return lax.sqrt(var(a, axis, dtype, out, ddof, keepdims, where=where,
                        correction=correction))


def _arg(name, lax_fn):
    def fn(a, axis=None, out=None, keepdims=False):
        a = _prep(a, name)
        shape_ = aval(a).shape
        if axis is None:
            a, ax = lax.reshape(a, (aval(a).size,)), 0
            res = lax_fn(a, 0, dtypes.default_int())
            return lax.reshape(res, (1,) * len(shape_)) if keepdims else res
        ax = canonical_axis(axis, len(shape_), name)
        if shape_[ax] == 0:
            raise ValueError(f"[{name}] attempt to get {name} of an empty sequence (axis {ax} "
                             f"of shape {shape_})")
        return _keep(shape_, lax_fn(a, ax, dtypes.default_int()), (ax,), keepdims)
    fn.__name__ = name
    fn.__doc__ = f"Index of the first {name[3:]}imum along ``axis`` (``jax.numpy.{name}``)."
    return fn


argmax = _arg("argmax", lax.argmax)
argmin = _arg("argmin", lambda x, axis, dt: lax.argmin(x, axis, dt))


def _cumulative(name, lax_name, small_int_keeps=True):
    def fn(a, axis=None, dtype=None, out=None):
        a = _prep(a, name)
        if axis is None:
            a, axis = lax.reshape(a, (aval(a).size,)), 0
        ax = canonical_axis(axis, aval(a).ndim, name)
        dt = aval(a).dtype
        target = np.dtype(dtype) if dtype is not None else (
            dtypes.default_int() if dt == dtypes.bool_ else dt)
        a = lax.convert_element_type(a, target) if target != dt else a
        if aval(a).ndim == 0:
            return a
        return getattr(lax, lax_name)(a, axis=ax)
    fn.__name__ = name
    fn.__doc__ = f"Cumulative ``{lax_name[3:]}`` along ``axis`` (``jax.numpy.{name}``)."
    return fn


cumsum = _cumulative("cumsum", "cumsum")
cumprod = _cumulative("cumprod", "cumprod")


def _array_api_cumulative(name, base, identity, dtype_rule):
    def fn(x, /, *, axis=None, dtype=None, include_initial=False):
        x = _prep(x, name)
        nd = aval(x).ndim
        if nd == 0:
            raise ValueError(f"[{name}] the input must be non-scalar, got "
                             f"{aval(x).str_short()}; reshape it to 1-d first")
        if axis is None:
            if nd > 1:
                raise ValueError(f"[{name}] the input has rank {nd} ({aval(x).str_short()}): "
                                 "pass axis= (it is optional only for 1-d arrays)")
            axis = 0
        ax = canonical_axis(axis, nd, name)
        out = base(x, axis=ax, dtype=dtype if dtype is not None else dtype_rule(aval(x).dtype))
        if include_initial:
            config = [(1 if d == ax else 0, 0, 0) for d in range(nd)]
            out = lax.pad(out, lax.convert_element_type(identity, aval(out).dtype), config)
        return out
    fn.__name__ = name
    fn.__doc__ = (f"Cumulative {name[11:]} along ``axis`` (``jax.numpy.{name}``, the array "
                  "API form).\n\nArgs:\n  x: array of rank >= 1.\n  axis: required unless "
                  "``x`` is 1-d.\n  dtype: accumulation dtype.\n  include_initial: prepend the "
                  f"identity ({identity}) along ``axis``.\nReturns:\n  An Array.\nExample:\n"
                  f"  ``fnp.{name}(fnp.array([1, 2, 3]), include_initial=True)``")
    return fn


cumulative_sum = _array_api_cumulative("cumulative_sum", cumsum, 0, _sum_dtype)
cumulative_prod = _array_api_cumulative(
    "cumulative_prod", cumprod, 1, lambda d: dtypes.int32 if d == dtypes.bool_ else d)


def _nan_reducer(name, base, fill):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        a = _prep(a, name)
        if dtypes.is_inexact(aval(a).dtype):
            a = where(isnan(a), full_like_(a, fill), a)
        kwargs = dict(axis=axis, keepdims=keepdims, **kw)
        if dtype is not None:
            kwargs["dtype"] = dtype
        return base(a, **kwargs)
    fn.__name__ = name
    fn.__doc__ = f"``{base.__name__}`` ignoring NaNs (``jax.numpy.{name}``)."
    return fn


nansum = _nan_reducer("nansum", sum, 0)
nanprod = _nan_reducer("nanprod", prod, 1)


def _nan_extreme(name, base, fill):
    def fn(a, axis=None, out=None, keepdims=False, **kw):
        a = _prep(a, name)
        if not dtypes.is_inexact(aval(a).dtype):
            return base(a, axis=axis, keepdims=keepdims, **kw)
        nan = isnan(a)
        res = base(where(nan, full_like_(a, fill), a), axis=axis, keepdims=keepdims, **kw)
        all_nan = all(nan, axis=axis, keepdims=keepdims)
        return where(all_nan, full_like_(res, np.nan), res)
    fn.__name__ = name
    fn.__doc__ = f"``{base.__name__}`` ignoring NaNs (``jax.numpy.{name}``)."
    return fn


nanmax = _nan_extreme("nanmax", max, -np.inf)
nanmin = _nan_extreme("nanmin", min, np.inf)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Mean ignoring NaNs (``jax.numpy.nanmean``)."""
    a = _prep(a, "nanmean")
    if not dtypes.is_inexact(aval(a).dtype):
        return mean(a, axis, dtype, keepdims=keepdims, where=where)
    keep = logical_not(isnan(a))
    if where is not None:
        from .ufuncs import logical_and
        keep = logical_and(keep, where)
    return mean(a, axis, dtype, keepdims=keepdims, where=keep)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    """Variance ignoring NaNs (``jax.numpy.nanvar``)."""
    a = _prep(a, "nanvar")
    keep = logical_not(isnan(a))
    return var(a, axis, dtype, ddof=ddof, keepdims=keepdims, where=keep)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    """Standard deviation ignoring NaNs (``jax.numpy.nanstd``)."""
    return lax.sqrt(nanvar(a, axis, dtype, ddof=ddof, keepdims=keepdims, where=where))


def ptp(a, axis=None, out=None, keepdims=False):
    """``max - min`` along ``axis`` (``jax.numpy.ptp``)."""
    return lax.sub(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


def count_nonzero(a, axis=None, keepdims=False):
    """Number of nonzero elements (``jax.numpy.count_nonzero``)."""
    a = _prep(a, "count_nonzero")
    b = lax.convert_element_type(not_equal(a, 0), dtypes.int32)
    return sum(b, axis=axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """Weighted mean (``jax.numpy.average``)."""
    from .ufuncs import multiply
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        count = full_like_(avg, aval(as_array(a)).size // builtins.max(aval(avg).size, 1))
        return (avg, count) if returned else avg
    a = _prep(a, "average")
    w = broadcast_to(weights, aval(a).shape) if aval(as_array(weights)).ndim == aval(a).ndim \
        else _weights_along(weights, aval(a).shape, axis)
    wsum = sum(w, axis=axis, keepdims=keepdims)
    wsum = lax.convert_element_type(wsum, _inexact_dtype(aval(wsum).dtype, None))
    num = sum(multiply(a, w), axis=axis, keepdims=keepdims)
    from .ufuncs import true_divide
    avg = true_divide(num, wsum)
    return (avg, broadcast_to(wsum, aval(avg).shape)) if returned else avg


def _weights_along(weights, shape_, axis):
    if axis is None or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"[average] 1-D weights need an integer axis, got axis={axis}")
    ax = canonical_axis(axis, len(shape_), "average")
    w = as_array(weights)
    if aval(w).shape != (shape_[ax],):
        raise ValueError(f"[average] weights of shape {aval(w).shape} do not match axis "
                         f"{ax} of size {shape_[ax]}")
    return lax.broadcast_in_dim(w, shape_, (ax,))
