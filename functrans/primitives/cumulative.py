"""Cumulative reductions along one static ``axis``: cumsum, cumprod, cummax, cummin,
cumlogsumexp; ``reverse=True`` accumulates from the end. The result has the
operand's shape and dtype (integer sums wrap around, as in XLA)."""

from __future__ import annotations

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import jvp_rules, transpose_rules, vmap_rules
from . import _ops as ops
from ._batching import axis_param_vmap
from ._builders import NARROW_FLOATS, check_dtype, primitive
from .reductions import argmax_p, argmin_p
from .shapes import rev_p


def _cumulative_abstract_eval(name: str, kind: str):
    def abstract_eval(x, *, axis, reverse):
        check_dtype(name, x, kind)
        if not 0 <= axis < x.ndim:
            raise ValueError(f"[{name}] axis {axis} is out of range for {x.str_short()}; pass "
                             f"an axis in [0, {x.ndim})")
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    return abstract_eval


def _cumulative_impl(accumulate, wide):
    """``wide``: narrow floats accumulate in float64 and round once (as accurate as XLA)."""
    def impl(x, *, axis, reverse):
        if reverse:
            x = np.flip(x, axis)
        if wide and x.dtype in NARROW_FLOATS and x.size:
            out = accumulate(x, axis=axis, dtype=np.float64).astype(x.dtype)
        else:
            out = accumulate(x, axis=axis, dtype=x.dtype) if x.size else x
        return np.flip(out, axis).copy() if reverse else out
    return impl


def cumulative(name: str, accumulate, kind: str = "number", wide: bool = True):
    p = primitive(name, _cumulative_abstract_eval(name, kind),
                  _cumulative_impl(accumulate, wide))
    vmap_rules[p] = axis_param_vmap(p)
    return p


cumsum_p = cumulative("cumsum", np.add.accumulate)
cumprod_p = cumulative("cumprod", np.multiply.accumulate)
cummax_p = cumulative("cummax", np.maximum.accumulate, wide=False)
cummin_p = cumulative("cummin", np.minimum.accumulate, wide=False)
cumlogsumexp_p = cumulative("cumlogsumexp", np.logaddexp.accumulate, "float")


def _cumsum_transpose(cts, x, *, axis, reverse):
    return [cumsum_p.bind1(cts[0], axis=axis, reverse=not reverse)]


jvp_rules[cumsum_p] = ops.linear_jvp(cumsum_p)
transpose_rules[cumsum_p] = _cumsum_transpose


# ---- jvp of cumprod/cummax/cummin/cumlogsumexp: out_i = sum_j C[j, i] * t_j ----------------
# ``C`` lives on a new leading axis j (the input position) next to the operand's axes (the
# output position i on ``axis``): O(n^2) along the axis, linear in the tangent.
def _expand_i(v, axis):
    """``v`` broadcast along a new leading axis j: ``[j, ..., i, ...] -> v[..., i, ...]``."""
    shape = ops.aval(v).shape
    return ops.broadcast_in_dim(v, (shape[axis], *shape), tuple(range(1, len(shape) + 1)))


def _expand_j(v, axis):
    """``[j, ..., i, ...] -> v[..., j, ...]`` (constant along the axis i)."""
    shape = ops.aval(v).shape
    others = [d for d in range(len(shape)) if d != axis]
    moved = ops.transpose(v, (axis, *others))
    return ops.broadcast_in_dim(moved, (shape[axis], *shape), (0, *(d + 1 for d in others)))


def _pair_mask(shape, axis, reverse, diagonal_only=False):
    """Bool constant of shape ``(n, *shape)``: j <= i (j >= i if reverse), or j == i."""
    n = shape[axis]
    j = np.arange(n).reshape((n,) + (1,) * len(shape))
    pos = [1] * (len(shape) + 1)
    pos[axis + 1] = n
    i = np.arange(n).reshape(pos)
    mask = (j == i) if diagonal_only else ((j >= i) if reverse else (j <= i))
    # An int32 constant compared to 0: non-splat bool constants do not lower yet.
    mask = ops.constant(np.broadcast_to(mask, (n, *shape)).astype(np.int32))
    return ops.ne(mask, ops.zeros_like(mask))


def _contract(coeff, t, axis):
    return ops.reduce_sum(ops.mul(coeff, _expand_j(t, axis)), (0,))


def _masked(mask, coeff):
    return ops.select_n(mask, ops.zeros_like(coeff), coeff)


def _masked_contract(mask, coeff, t, axis):
    """``_contract`` over the window only. Both the coefficient and the product are
    masked: an inf coefficient outside the window never meets a 0 (cotangent) and a
    NaN/inf tangent outside it never meets a 0 coefficient, in either direction."""
    terms = ops.mul(_masked(mask, coeff), _expand_j(t, axis))
    return ops.reduce_sum(_masked(mask, terms), (0,))


def _cumprod_jvp(primals, tangents, *, axis, reverse):
    """C[j, i] = product over the window ending at i of x with x_j replaced by 1 (zero-safe)."""
    (x,), (t,) = primals, tangents
    shape = ops.aval(x).shape
    xi = _expand_i(x, axis)
    dropped = ops.select_n(_pair_mask(shape, axis, reverse, True), xi, ops.ones_like(xi))
    coeff = cumprod_p.bind1(dropped, axis=axis + 1, reverse=reverse)
    out = cumprod_p.bind1(x, axis=axis, reverse=reverse)
    return [out], [_masked_contract(_pair_mask(shape, axis, reverse), coeff, t, axis)]


def _cum_extremum_jvp(prim, arg_prim, fill):
    """The tangent of the running extremum's position, by selection: for each output i,
    ``arg_prim`` over the window of i (the others filled with ``fill``) picks the first
    contender in scan order, and its tangent is taken. One reduction computes the position,
    so XLA cannot disagree with itself (equality tests against the output can, when a fused
    ``x`` is recomputed with other rounding)."""
    def jvp(primals, tangents, *, axis, reverse):
        (x,), (t,) = primals, tangents
        out = prim.bind1(x, axis=axis, reverse=reverse)
        shape = ops.aval(x).shape
        n = shape[axis]
        if n == 0:
            return [out], [t]
        window = ops.select_n(_pair_mask(shape, axis, reverse),
                              ops.full((n, *shape), fill, ops.aval(x).dtype), _expand_j(x, axis))
        if reverse:  # scan order runs from the end: the first contender is the last index
            window = rev_p.bind1(window, dimensions=(0,))
        pos = arg_prim.bind1(window, axes=(0,), index_dtype=np.dtype(np.int32))
        if reverse:
            pos = ops.sub(ops.full(shape, n - 1, np.int32), pos)
        t_win = _expand_j(t, axis)
        picked = ops.take_along_axis(t_win, ops.reshape(pos, (1, *shape)), 0)
        return [out], [ops.reshape(picked, shape)]
    return jvp


def _cumlogsumexp_jvp(primals, tangents, *, axis, reverse):
    """C[j, i] = exp(x_j - out_i): the softmax weights of the window ending at i."""
    (x,), (t,) = primals, tangents
    out = cumlogsumexp_p.bind1(x, axis=axis, reverse=reverse)
    weights = ops.exp(ops.sub(_expand_j(x, axis), _expand_i(out, axis)))
    mask = _pair_mask(ops.aval(x).shape, axis, reverse)
    return [out], [_masked_contract(mask, weights, t, axis)]


jvp_rules[cumprod_p] = _cumprod_jvp
jvp_rules[cummax_p] = _cum_extremum_jvp(cummax_p, argmax_p, -np.inf)
jvp_rules[cummin_p] = _cum_extremum_jvp(cummin_p, argmin_p, np.inf)
jvp_rules[cumlogsumexp_p] = _cumlogsumexp_jvp
