"""StableHLO lowering of sort and top_k (primitives/sorting.py)."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import chlo
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.registry import lowering_rules
from ..primitives import sorting as so
from .elementwise import compare_type
from .lower import constant


def _total_compare(x, y, direction: str, dtype) -> ir.Value:
    ctype = "TOTALORDER" if dtypes.is_inexact(dtype) else compare_type(dtype)
    return hlo.compare(x, y, hlo.ComparisonDirectionAttr.get(direction),
                       compare_type=hlo.ComparisonTypeAttr.get(ctype))


def _canonical(x, dtype) -> ir.Value:
    """As JAX's sort keys: -0.0 -> 0.0 and any NaN -> +NaN, so that TOTALORDER ties -0.0
    with 0.0 and puts every NaN last."""
    if not dtypes.is_inexact(dtype):
        return x

    def float_compare(a, b, direction):
        return hlo.compare(a, b, hlo.ComparisonDirectionAttr.get(direction),
                           compare_type=hlo.ComparisonTypeAttr.get("FLOAT"))

    zero = constant(np.zeros((), dtype))
    x = hlo.select(float_compare(x, zero, "EQ"), zero, x)
    return hlo.select(float_compare(x, x, "NE"), constant(np.full((), np.nan, dtype)), x)


def _sort_lowering(ctx, *xs, dimension, is_stable, num_keys):
    op = hlo.SortOp([x.type for x in xs], list(xs), dimension=dimension, is_stable=is_stable)
    scalar_types = [ir.RankedTensorType.get([], ir.RankedTensorType(x.type).element_type)
                    for x in xs for _ in range(2)]
    block = op.regions[0].blocks.append(*scalar_types)
    with ir.InsertionPoint(block):
        args = list(block.arguments)
        result = None
        for i in reversed(range(num_keys)):  # lexicographic over the keys
            dtype = ctx.avals_in[i].dtype
            lhs, rhs = _canonical(args[2 * i], dtype), _canonical(args[2 * i + 1], dtype)
            less = _total_compare(lhs, rhs, "LT", dtype)
            if result is not None:
                tie = _total_compare(lhs, rhs, "EQ", dtype)
                less = hlo.or_(less, hlo.and_(tie, result))
            result = less
        hlo.return_([result])
    return list(op.results)


def _top_k_lowering(ctx, x, *, k, axis):
    ndim = ctx.avals_in[0].ndim
    if axis == ndim - 1:
        return list(chlo.top_k(x, k))
    perm = [d for d in range(ndim) if d != axis] + [axis]
    inverse = [perm.index(d) for d in range(ndim)]
    values, indices = chlo.top_k(hlo.transpose(x, perm), k)
    return [hlo.transpose(values, inverse), hlo.transpose(indices, inverse)]


lowering_rules[so.sort_p] = _sort_lowering
lowering_rules[so.top_k_p] = _top_k_lowering
