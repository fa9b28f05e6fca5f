"""StableHLO lowering of the cumulative reductions (primitives/cumulative.py): a
``reduce_window`` whose window spans the whole axis, padded on the side the
accumulation comes from."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import cumulative as cu
from .elementwise import compare
from .lower import constant, ir_type
from .reductions import identity_of


def scalar_block(region, n_pairs: int, element_types) -> ir.Block:
    """A region block taking ``n_pairs`` pairs of rank-0 arguments."""
    types = [ir.RankedTensorType.get([], t) for t in element_types]
    return region.blocks.append(*types, *types)


def _logaddexp(dtype):
    def combine(a, b):
        big = hlo.maximum(a, b)
        diff = hlo.subtract(a, b)
        neg_abs = hlo.negate(hlo.abs(diff))
        out = hlo.add(big, hlo.log_plus_one(hlo.exponential(neg_abs)))
        # inf - inf (both -inf or both +inf) is NaN: the answer is then the max itself
        return hlo.select(compare(diff, diff, "NE", dtype), big, out)
    return combine


def cumulative_lowering(kind: str, combine=None):
    def rule(ctx, x, *, axis, reverse):
        aval = ctx.avals_in[0]
        n = aval.shape[axis]
        if n == 0:
            return [x]
        window = [1] * aval.ndim
        window[axis] = n
        padding = np.zeros((aval.ndim, 2), np.int64)
        padding[axis] = (0, n - 1) if reverse else (n - 1, 0)
        init = constant(identity_of(kind, aval.dtype) if kind != "logsumexp"
                        else np.asarray(-np.inf, aval.dtype))
        op = hlo.ReduceWindowOp([ir_type(aval)], [x], [init], window,
                                window_strides=[1] * aval.ndim,
                                padding=ir.DenseIntElementsAttr.get(padding))
        etype = ir.RankedTensorType(x.type).element_type
        block = scalar_block(op.regions[0], 1, [etype])
        fn = combine or _logaddexp(aval.dtype)
        with ir.InsertionPoint(block):
            hlo.return_([fn(block.arguments[0], block.arguments[1])])
        return [op.result]
    return rule


lowering_rules[cu.cumsum_p] = cumulative_lowering("sum", hlo.add)
lowering_rules[cu.cumprod_p] = cumulative_lowering("prod", hlo.multiply)
lowering_rules[cu.cummax_p] = cumulative_lowering("max", hlo.maximum)
lowering_rules[cu.cummin_p] = cumulative_lowering("min", hlo.minimum)
lowering_rules[cu.cumlogsumexp_p] = cumulative_lowering("logsumexp")
