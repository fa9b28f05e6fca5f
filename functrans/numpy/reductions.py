"""Reductions: sum, mean, max, argmax."""

from __future__ import annotations

from .. import lax
from ..core import dtypes
from ._util import aval, canonical_axis, promote_and_broadcast, reduction_axes


def _keep(x, out, axes, keepdims):
    if not keepdims:
        return out
    shape = [1 if i in axes else d for i, d in enumerate(aval(x).shape)]
    return lax.reshape(out, shape)


def sum(a, axis=None, dtype=None, keepdims=False):  # noqa: A001 (numpy name)
    (a,) = promote_and_broadcast(a)
    if dtype is not None:
        a = lax.convert_element_type(a, dtype)
    elif aval(a).dtype == dtypes.bool_ or (dtypes.is_integer(aval(a).dtype)
                                           and aval(a).dtype.itemsize < 4):
        a = lax.convert_element_type(a, dtypes.int32 if aval(a).dtype.kind != "u"
                                     else dtypes.uint32)
    axes = reduction_axes(axis, aval(a).ndim, "sum")
    return _keep(a, lax.reduce_sum(a, axes), axes, keepdims)


def max(a, axis=None, keepdims=False):  # noqa: A001 (numpy name)
    (a,) = promote_and_broadcast(a)
    axes = reduction_axes(axis, aval(a).ndim, "max")
    return _keep(a, lax.reduce_max(a, axes), axes, keepdims)


def mean(a, axis=None, dtype=None, keepdims=False):
    (a,) = promote_and_broadcast(a)
    if not dtypes.is_inexact(aval(a).dtype):
        a = lax.convert_element_type(a, dtypes.float32)
    axes = reduction_axes(axis, aval(a).ndim, "mean")
    count = 1
    for ax in axes:
        count *= aval(a).shape[ax]
    return lax.div(sum(a, axis, dtype, keepdims), float(count))


def argmax(a, axis=None, keepdims=False):
    (a,) = promote_and_broadcast(a)
    if axis is None:
        a, axis = lax.reshape(a, (aval(a).size,)), 0
    axis = canonical_axis(axis, aval(a).ndim, "argmax")
    return _keep(a, lax.argmax(a, axis, dtypes.int32), (axis,), keepdims)
