"""Cumulative reductions along one static ``axis``: cumsum, cumprod, cummax, cummin,
cumlogsumexp; ``reverse=True`` accumulates from the end. The result has the
operand's shape and dtype (integer sums wrap around, as in XLA)."""

from __future__ import annotations

import numpy as np

from ..core.ir import ShapedArray
from ..core.registry import vmap_rules
from ..core.registry import jvp_rules, transpose_rules
from . import _ops as ops
from ._batching import axis_param_vmap
from ._builders import check_dtype, primitive


def _cumulative_abstract_eval(name: str, kind: str):
    def abstract_eval(x, *, axis, reverse):
        check_dtype(name, x, kind)
        if not 0 <= axis < x.ndim:
            raise ValueError(f"[{name}] axis {axis} is out of range for {x.str_short()}; pass "
                             f"an axis in [0, {x.ndim})")
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    return abstract_eval


def _cumulative_impl(accumulate):
    def impl(x, *, axis, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = accumulate(x, axis=axis, dtype=x.dtype) if x.size else x
        return np.flip(out, axis).copy() if reverse else out
    return impl


def cumulative(name: str, accumulate, kind: str = "number"):
    p = primitive(name, _cumulative_abstract_eval(name, kind), _cumulative_impl(accumulate))
    vmap_rules[p] = axis_param_vmap(p)
    return p


cumsum_p = cumulative("cumsum", np.add.accumulate)
cumprod_p = cumulative("cumprod", np.multiply.accumulate)
cummax_p = cumulative("cummax", np.maximum.accumulate)
cummin_p = cumulative("cummin", np.minimum.accumulate)
cumlogsumexp_p = cumulative("cumlogsumexp", np.logaddexp.accumulate, "float")


def _cumsum_transpose(cts, x, *, axis, reverse):
    return [cumsum_p.bind1(cts[0], axis=axis, reverse=not reverse)]


jvp_rules[cumsum_p] = ops.linear_jvp(cumsum_p)
transpose_rules[cumsum_p] = _cumsum_transpose
