"""Reductions over static axes: reduce_sum, reduce_max, reduce_min, reduce_prod,
reduce_and, reduce_or, reduce_xor, argmax, argmin."""

from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import declare_no_rule, jvp_rules, transpose_rules, vmap_rules
from . import _ops as ops
from ._batching import reduction_vmap
from ._builders import (
    accumulate_wide,
    check_axes,
    check_dtype,
    primitive,
    reduction,
    sum_wide,
)

# Sums and products of narrow floats accumulate in float64 (at least as accurate as XLA).
reduce_sum_p = reduction("reduce_sum", sum_wide, "any")


def _extreme_impl(np_reduce):
    """``maximum/minimum.reduce``; a reduction over every axis writes into a 0-d array
    (cheaper than converting the NumPy scalar it would return)."""
    def impl(x, *, axes):
        if len(axes) == x.ndim != 0:
            return np_reduce(x, axis=axes, out=np.empty((), x.dtype))
        return np_reduce(x, axis=axes)
    impl.accepts_axes = True
    return impl


reduce_max_p = reduction("reduce_max", _extreme_impl(np.maximum.reduce), "any")


def _reduce_sum_transpose(cts, x, *, axes):
    kept = tuple(d for d in range(x.aval.ndim) if d not in axes)
    return [ops.broadcast_in_dim(cts[0], x.aval.shape, kept)]


def _reduce_chooser_jvp(prim):
    """The tangent at the extremum, by selection; ties share it evenly (as in JAX).

    The extremum and the comparison read ``x`` through one optimization barrier: XLA
    could otherwise recompute a fused ``x`` in each with other rounding (contracted
    multiply-adds) and find no position equal to the extremum. Reading one buffer, the
    extremum is one of its elements, so some position matches; none only when the
    extremum is NaN, and the tangent is then NaN, as in JAX. A selection, not a product:
    no ``0 * nan`` from the tangents elsewhere."""
    def jvp(primals, tangents, *, axes):
        (x,), (t,) = primals, tangents
        (x,) = ops.optimization_barrier(x)
        out = prim.bind1(x, axes=axes)
        kept = tuple(d for d in range(ops.aval(x).ndim) if d not in axes)
        chosen = ops.eq(x, ops.broadcast_in_dim(out, ops.aval(x).shape, kept))
        total = reduce_sum_p.bind1(ops.select_n(chosen, ops.zeros_like(t), t), axes=axes)
        count = reduce_sum_p.bind1(ops.convert(chosen, ops.aval(t).dtype), axes=axes)
        return [out], [ops.div(total, count)]
    return jvp


jvp_rules[reduce_sum_p] = ops.linear_jvp(reduce_sum_p)
transpose_rules[reduce_sum_p] = _reduce_sum_transpose


# ---- argmax / argmin (x, axes=(axis,), index_dtype) ----------------------------------
def _index_reduction(name: str, np_fn):
    """argmax/argmin: the index of the extreme along one axis. NaN counts as the
    extreme (first NaN wins), as in XLA and NumPy."""
    def abstract_eval(x, *, axes, index_dtype):
        check_dtype(name, x, "any")
        if len(axes) != 1:
            raise TypeError(f"[{name}] needs exactly one axis, got axes={axes}")
        (axis,) = check_axes(name, axes, x.ndim)
        if x.shape[axis] == 0:
            raise ValueError(f"[{name}] axis {axis} of {x.str_short()} is empty")
        if not dtypes.is_integer(index_dtype):
            raise TypeError(f"[{name}] index_dtype must be an integer dtype, got "
                            f"{index_dtype}")
        shape = tuple(d for i, d in enumerate(x.shape) if i != axis)
        return ShapedArray(shape, index_dtype, False)

    def impl(x, *, axes, index_dtype):
        return np_fn(x, axis=axes[0]).astype(index_dtype)
    return primitive(name, abstract_eval, impl)


argmax_p = _index_reduction("argmax", np.argmax)
vmap_rules[argmax_p] = reduction_vmap(argmax_p)
declare_no_rule("jvp", argmax_p, "an index output has no tangent")


# ---- reduce_min, reduce_prod and the bitwise reductions ----------------------------------
reduce_min_p = reduction("reduce_min", _extreme_impl(np.minimum.reduce), "any")
reduce_prod_p = reduction("reduce_prod", accumulate_wide(np.multiply.reduce), "number")
reduce_and_p = reduction("reduce_and", np.bitwise_and.reduce, "int_or_bool")
reduce_or_p = reduction("reduce_or", np.bitwise_or.reduce, "int_or_bool")
reduce_xor_p = reduction("reduce_xor", np.bitwise_xor.reduce, "int_or_bool")


def _reduce_prod_jvp(primals, tangents, *, axes):
    """``sum_j t_j * prod_{k != j} x_k`` (zero-safe): the reduced axes flattened last, the
    product of the others as exclusive cumprods from both ends."""
    (x,), (t,) = primals, tangents
    out = reduce_prod_p.bind1(x, axes=axes)
    shape = ops.aval(x).shape
    kept = tuple(d for d in range(len(shape)) if d not in axes)
    size = int(np.prod([shape[d] for d in axes], dtype=np.int64))
    if size == 0:
        return [out], [ops.zeros_like(out)]
    flat = (*(shape[d] for d in kept), size)
    xf, tf = (ops.reshape(ops.transpose(v, (*kept, *axes)), flat) for v in (x, t))
    return [out], [reduce_sum_p.bind1(ops.mul(_others_product(xf), tf), axes=(len(kept),))]


def _others_product(xf):
    """``prod_{k != j} xf[..., k]`` for every j of the last axis (no division)."""
    from .cumulative import cumprod_p
    from .shapes import pad_p
    last = ops.aval(xf).ndim - 1
    one = ops.scalar(1, ops.aval(xf).dtype)

    def shifted(lo, hi):
        config = tuple((0, 0, 0) if d != last else (lo, hi, 0) for d in range(last + 1))
        return pad_p.bind1(xf, one, padding_config=config)
    before = cumprod_p.bind1(shifted(1, -1), axis=last, reverse=False)
    after = cumprod_p.bind1(shifted(-1, 1), axis=last, reverse=True)
    return ops.mul(before, after)


jvp_rules[reduce_prod_p] = _reduce_prod_jvp
for _bit_p in (reduce_and_p, reduce_or_p, reduce_xor_p):
    declare_no_rule("jvp", _bit_p, "a bitwise reduction has an integer/bool output")


argmin_p = _index_reduction("argmin", np.argmin)
vmap_rules[argmin_p] = reduction_vmap(argmin_p)
declare_no_rule("jvp", argmin_p, "an index output has no tangent")
jvp_rules[reduce_max_p] = _reduce_chooser_jvp(reduce_max_p)
jvp_rules[reduce_min_p] = _reduce_chooser_jvp(reduce_min_p)
