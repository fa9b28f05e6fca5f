"""StableHLO lowering of reductions (primitives/reductions.py)."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.ir import ShapedArray
from ..core.registry import lowering_rules
from ..primitives import reductions as red
from .elementwise import compare
from .lower import constant, ir_type


def reduce_region(out_avals, operands, inits, axes, body):
    """``stablehlo.reduce`` of ``operands`` over ``axes``; ``body(accs, xs) -> new accs``
    receives rank-0 values."""
    reduce = hlo.ReduceOp([ir_type(a) for a in out_avals], operands, inits, list(axes))
    scalar_types = [ir.RankedTensorType.get([], ir.RankedTensorType(v.type).element_type)
                    for v in inits]
    block = reduce.regions[0].blocks.append(*scalar_types, *scalar_types)
    with ir.InsertionPoint(block):
        n = len(inits)
        hlo.return_(body(list(block.arguments[:n]), list(block.arguments[n:])))
    return list(reduce.results)


def identity_of(kind: str, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if kind == "sum":
        return np.zeros((), dtype)
    if kind == "prod":
        return np.ones((), dtype)
    big = kind == "min"
    if dtypes.is_inexact(dtype):
        return np.asarray(np.inf if big else -np.inf, dtype)
    if dtype == dtypes.bool_:
        return np.asarray(big)
    info = np.iinfo(dtype)
    return np.asarray(info.max if big else info.min, dtype)


def monoid_reduction(kind: str, combine):
    def rule(ctx, x, *, axes, **params):
        init = constant(identity_of(kind, ctx.avals_in[0].dtype))
        return reduce_region(ctx.avals_out, [x], [init], axes, lambda a, b: [combine(a[0], b[0])])
    return rule


def index_reduction(kind: str):
    """argmax (kind "max") / argmin ("min"): a variadic reduce over (values, iota) that
    keeps the extreme; NaN counts as the extreme, ties go to the first index."""
    direction = "GT" if kind == "max" else "LT"

    def rule(ctx, x, *, axes, index_dtype):
        aval = ctx.avals_in[0]
        axis = axes[0]
        idx = hlo.iota(ir_type(ShapedArray(aval.shape, index_dtype)), axis)
        inits = [constant(identity_of(kind, aval.dtype)), constant(np.zeros((), index_dtype))]

        def body(acc, new):
            (a, ia), (b, ib) = acc, new
            a_wins = compare(a, b, direction, aval.dtype)
            same = compare(a, b, "EQ", aval.dtype)
            if dtypes.is_inexact(aval.dtype):
                a_nan, b_nan = compare(a, a, "NE", aval.dtype), compare(b, b, "NE", aval.dtype)
                a_wins = hlo.or_(a_wins, hlo.and_(a_nan, hlo.not_(b_nan)))
                same = hlo.or_(same, hlo.and_(a_nan, b_nan))
            pick_a = hlo.or_(a_wins, hlo.and_(same, compare(ia, ib, "LT", index_dtype)))
            return [hlo.select(pick_a, a, b), hlo.select(pick_a, ia, ib)]

        out_avals = [ctx.avals_out[0].update(dtype=aval.dtype), ctx.avals_out[0]]
        return [reduce_region(out_avals, [x, idx], inits, (axis,), body)[1]]
    return rule


lowering_rules[red.reduce_sum_p] = monoid_reduction("sum", hlo.add)
lowering_rules[red.reduce_max_p] = monoid_reduction("max", hlo.maximum)
lowering_rules[red.argmax_p] = index_reduction("max")


def _bitwise_identity(kind: str, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if kind != "and":
        return np.zeros((), dtype)
    return np.asarray(True) if dtype == dtypes.bool_ else np.asarray(-1).astype(dtype)


def bitwise_reduction(kind: str, combine):
    def rule(ctx, x, *, axes, **params):
        init = constant(_bitwise_identity(kind, ctx.avals_in[0].dtype))
        return reduce_region(ctx.avals_out, [x], [init], axes, lambda a, b: [combine(a[0], b[0])])
    return rule


lowering_rules[red.reduce_min_p] = monoid_reduction("min", hlo.minimum)
lowering_rules[red.reduce_prod_p] = monoid_reduction("prod", hlo.multiply)
lowering_rules[red.reduce_and_p] = bitwise_reduction("and", hlo.and_)
lowering_rules[red.reduce_or_p] = bitwise_reduction("or", hlo.or_)
lowering_rules[red.reduce_xor_p] = bitwise_reduction("xor", hlo.xor)
lowering_rules[red.argmin_p] = index_reduction("min")
