"""Sorting: ``sort`` (several operands sorted together by the first ``num_keys``,
along ``dimension``) and ``top_k`` (the ``k`` largest along ``axis``, with their
indices). Floats sort in XLA's total order: -inf < ... < -0.0 < 0.0 < ... < inf < NaN.
The NumPy impls are stable sorts (``np.lexsort``)."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, vmap_rules
from ..core.trace import bind
from . import _ops as ops
from ._batching import bdim_at_front, physical_axis
from ._builders import check_dtype, primitive


def _ascending_keys(x) -> list:
    """lexsort keys (least significant first) that order ``x`` ascending as JAX does:
    -0.0 ties with 0.0 and every NaN (either sign) ties with the others, last."""
    if dtypes.is_inexact(x.dtype):
        f = np.asarray(x, np.float64)
        nan = np.isnan(f)
        return [np.where(nan, 0, f), nan]
    return [np.asarray(x)]


def _descending_keys(x) -> list:
    if dtypes.is_inexact(x.dtype):
        f = np.asarray(x, np.float64)
        nan = np.isnan(f)
        return [-np.where(nan, 0, f), ~nan]
    return [np.invert(np.asarray(x))]


def _sort_abstract_eval(*xs, dimension, is_stable, num_keys):
    if not xs:
        raise TypeError("[sort] needs at least one operand")
    if len({x.shape for x in xs}) != 1:
        raise TypeError(f"[sort] operands must have equal shapes, got "
                        f"{', '.join(x.str_short() for x in xs)}")
    if not 0 <= dimension < xs[0].ndim:
        raise ValueError(f"[sort] dimension {dimension} is out of range for "
                         f"{xs[0].str_short()}")
    if not 1 <= num_keys <= len(xs):
        raise ValueError(f"[sort] num_keys={num_keys} must be between 1 and the number of "
                         f"operands ({len(xs)})")
    return [ShapedArray(x.shape, x.dtype, x.weak_type) for x in xs]


def _sort_impl(*xs, dimension, is_stable, num_keys):
    moved = [np.moveaxis(np.asarray(x), dimension, -1) for x in xs]
    keys = [k for x in reversed(moved[:num_keys]) for k in _ascending_keys(x)]
    perm = np.lexsort(keys, axis=-1) if moved[0].size else np.zeros(moved[0].shape, int)
    return [np.moveaxis(np.take_along_axis(x, perm, -1), -1, dimension).copy() for x in moved]


sort_p = primitive("sort", _sort_abstract_eval, _sort_impl, multiple_results=True)


def _sort_vmap(axis_data, vals, bdims, *, dimension, **params):
    xs = [bdim_at_front(x, b, axis_data.size) for x, b in zip(vals, bdims, strict=True)]
    outs = bind(sort_p, *xs, dimension=dimension + 1, **params)
    return outs, [0] * len(outs)


vmap_rules[sort_p] = _sort_vmap


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    """Sort an extra iota operand along to get the permutation; every tangent follows it."""
    shape = ops.aval(primals[0]).shape
    *outs, perm = sort_p.bind(*primals, ops.iota_along(shape, dimension), dimension=dimension,
                              is_stable=is_stable, num_keys=num_keys)
    return outs, [ops.take_along_axis(t, perm, dimension) for t in tangents]


jvp_rules[sort_p] = _sort_jvp


def _top_k_abstract_eval(x, *, k, axis):
    check_dtype("top_k", x, "number")
    if not 0 <= axis < x.ndim:
        raise ValueError(f"[top_k] axis {axis} is out of range for {x.str_short()}")
    if not 0 <= k <= x.shape[axis]:
        raise ValueError(f"[top_k] k={k} must be between 0 and the size {x.shape[axis]} of "
                         f"axis {axis} of {x.str_short()}")
    shape = tuple(k if i == axis else d for i, d in enumerate(x.shape))
    return [ShapedArray(shape, x.dtype, x.weak_type), ShapedArray(shape, dtypes.int32)]


def _top_k_impl(x, *, k, axis):
    moved = np.moveaxis(np.asarray(x), axis, -1)
    perm = np.lexsort(_descending_keys(moved), axis=-1)[..., :k] if moved.size else \
        np.zeros(moved.shape[:-1] + (k,), int)
    values = np.take_along_axis(moved, perm, -1)
    return [np.moveaxis(values, -1, axis).copy(),
            np.moveaxis(perm.astype(np.int32), -1, axis).copy()]


top_k_p = primitive("top_k", _top_k_abstract_eval, _top_k_impl, multiple_results=True)


def _top_k_vmap(axis_data, vals, bdims, *, k, axis):
    (x,), (b,) = vals, bdims
    return bind(top_k_p, x, k=k, axis=physical_axis(axis, b)), [b, b]


vmap_rules[top_k_p] = _top_k_vmap


def _top_k_jvp(primals, tangents, *, k, axis):
    """The values' tangent is the operand's tangent at the returned indices."""
    values, indices = top_k_p.bind(primals[0], k=k, axis=axis)
    return [values, indices], [ops.take_along_axis(tangents[0], indices, axis),
                               ops.zeros_like(indices)]


jvp_rules[top_k_p] = _top_k_jvp
