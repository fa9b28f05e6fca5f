"""StableHLO lowering of the elementwise primitives (primitives/elementwise.py)."""

from __future__ import annotations

import numpy as np
from jaxlib.mlir import ir
from jaxlib.mlir.dialects import chlo
from jaxlib.mlir.dialects import stablehlo as hlo

from ..core import dtypes
from ..core.registry import lowering_rules
from ..primitives import elementwise as ew
from .lower import full_like_aval, ir_type


def broadcast_operands(ctx, *args):
    """Rank-0 operands of an elementwise op broadcast to the result shape."""
    out = ctx.avals_out[0]
    return [hlo.broadcast_in_dim(ir_type(out.update(dtype=a.dtype)), x, [])
            if a.shape != out.shape else x for x, a in zip(args, ctx.avals_in, strict=True)]


def nary_lowering(hlo_fn):
    """Lowering of an elementwise primitive by one StableHLO op."""
    def rule(ctx, *args, **params):
        return [hlo_fn(*broadcast_operands(ctx, *args))]
    return rule


def compare_type(dtype) -> str:
    if dtypes.is_inexact(dtype):
        return "FLOAT"
    return "UNSIGNED" if np.dtype(dtype).kind in "ub" else "SIGNED"


def compare(x, y, direction: str, dtype) -> ir.Value:
    return hlo.compare(x, y, hlo.ComparisonDirectionAttr.get(direction),
                       compare_type=hlo.ComparisonTypeAttr.get(compare_type(dtype)))


def comparison_lowering(direction: str):
    def rule(ctx, x, y):
        x, y = broadcast_operands(ctx, x, y)
        return [compare(x, y, direction, ctx.avals_in[0].dtype)]
    return rule


def _integer_pow_lowering(ctx, x, *, y):
    acc, base, n = None, x, abs(y)
    while n:
        if n & 1:
            acc = base if acc is None else hlo.multiply(acc, base)
        n >>= 1
        if n:
            base = hlo.multiply(base, base)
    if acc is None:
        acc = full_like_aval(1, ctx.avals_out[0])
    return [hlo.divide(full_like_aval(1, ctx.avals_out[0]), acc) if y < 0 else acc]


def _select_n_lowering(ctx, which, *cases):
    which, *cases = broadcast_operands(ctx, which, *cases)
    if len(cases) == 1:
        return [cases[0]]
    if ctx.avals_in[0].dtype == dtypes.bool_:
        return [hlo.select(which, cases[1], cases[0])]
    shape_aval = ctx.avals_out[0].update(dtype=dtypes.int32)
    out = cases[0]
    for i, case in enumerate(cases[1:], start=1):
        pred = compare(which, full_like_aval(i, shape_aval), "GE", dtypes.int32)
        out = hlo.select(pred, case, out)
    return [out]


def _convert_element_type_lowering(ctx, x, *, new_dtype, weak_type=False, sharding=None):
    aval_in, aval_out = ctx.avals_in[0], ctx.avals_out[0]
    if aval_out.dtype == dtypes.bool_ and aval_in.dtype != dtypes.bool_:
        return [compare(x, full_like_aval(0, aval_in), "NE", aval_in.dtype)]
    if aval_in.dtype.kind == "c" and aval_out.dtype.kind != "c":
        x = hlo.real(x)
    return [hlo.convert(ir_type(aval_out), x)]


lowering_rules[ew.add_p] = nary_lowering(hlo.add)
lowering_rules[ew.sub_p] = nary_lowering(hlo.subtract)
lowering_rules[ew.mul_p] = nary_lowering(hlo.multiply)
lowering_rules[ew.div_p] = nary_lowering(hlo.divide)
lowering_rules[ew.max_p] = nary_lowering(hlo.maximum)
lowering_rules[ew.min_p] = nary_lowering(hlo.minimum)
lowering_rules[ew.pow_p] = nary_lowering(hlo.power)
lowering_rules[ew.neg_p] = nary_lowering(hlo.negate)
lowering_rules[ew.exp_p] = nary_lowering(hlo.exponential)
lowering_rules[ew.log_p] = nary_lowering(hlo.log)
lowering_rules[ew.sin_p] = nary_lowering(hlo.sine)
lowering_rules[ew.cos_p] = nary_lowering(hlo.cosine)
lowering_rules[ew.tanh_p] = nary_lowering(hlo.tanh)
lowering_rules[ew.logistic_p] = nary_lowering(hlo.logistic)
lowering_rules[ew.sqrt_p] = nary_lowering(hlo.sqrt)
lowering_rules[ew.integer_pow_p] = _integer_pow_lowering
lowering_rules[ew.eq_p] = comparison_lowering("EQ")
lowering_rules[ew.ne_p] = comparison_lowering("NE")
lowering_rules[ew.lt_p] = comparison_lowering("LT")
lowering_rules[ew.le_p] = comparison_lowering("LE")
lowering_rules[ew.gt_p] = comparison_lowering("GT")
lowering_rules[ew.ge_p] = comparison_lowering("GE")
lowering_rules[ew.select_n_p] = _select_n_lowering
lowering_rules[ew.convert_element_type_p] = _convert_element_type_lowering


# ---- more arithmetic, rounding and transcendental functions ------------------------------
def _sign_lowering(ctx, x):
    aval = ctx.avals_in[0]
    if aval.dtype.kind == "u":  # stablehlo.sign takes signed operands: 0 -> 0, else 1
        nonzero = compare(x, full_like_aval(0, aval), "NE", aval.dtype)
        return [hlo.convert(ir_type(aval), nonzero)]
    return [hlo.sign(x)]


def _round_lowering(ctx, x, *, rounding_method):
    if rounding_method == ew.RoundingMethod.TO_NEAREST_EVEN:
        return [hlo.round_nearest_even(x)]
    return [hlo.round_nearest_afz(x)]


def _exp2_lowering(ctx, x):
    return [hlo.exponential(hlo.multiply(x, full_like_aval(np.log(2), ctx.avals_in[0])))]


def _square_lowering(ctx, x):
    return [hlo.multiply(x, x)]


def _copy_lowering(ctx, x):
    return [x]


def _clamp_lowering(ctx, lo, x, hi):
    return [hlo.clamp(lo, x, hi)]


lowering_rules[ew.rem_p] = nary_lowering(hlo.remainder)
lowering_rules[ew.abs_p] = nary_lowering(hlo.abs)
lowering_rules[ew.sign_p] = _sign_lowering
lowering_rules[ew.square_p] = _square_lowering
lowering_rules[ew.nextafter_p] = nary_lowering(chlo.next_after)
lowering_rules[ew.atan2_p] = nary_lowering(hlo.atan2)
lowering_rules[ew.copy_p] = _copy_lowering
lowering_rules[ew.stop_gradient_p] = _copy_lowering
lowering_rules[ew.optimization_barrier_p] = (
    lambda ctx, *xs: list(hlo.OptimizationBarrierOp(list(xs)).results) if xs else [])
lowering_rules[ew.floor_p] = nary_lowering(hlo.floor)
lowering_rules[ew.ceil_p] = nary_lowering(hlo.ceil)
lowering_rules[ew.round_p] = _round_lowering
lowering_rules[ew.exp2_p] = _exp2_lowering
lowering_rules[ew.log1p_p] = nary_lowering(hlo.log_plus_one)
lowering_rules[ew.expm1_p] = nary_lowering(hlo.exponential_minus_one)
lowering_rules[ew.rsqrt_p] = nary_lowering(hlo.rsqrt)
lowering_rules[ew.cbrt_p] = nary_lowering(hlo.cbrt)
lowering_rules[ew.tan_p] = nary_lowering(hlo.tan)
lowering_rules[ew.asin_p] = nary_lowering(chlo.asin)
lowering_rules[ew.acos_p] = nary_lowering(chlo.acos)
lowering_rules[ew.atan_p] = nary_lowering(chlo.atan)
lowering_rules[ew.sinh_p] = nary_lowering(chlo.sinh)
lowering_rules[ew.cosh_p] = nary_lowering(chlo.cosh)
lowering_rules[ew.asinh_p] = nary_lowering(chlo.asinh)
lowering_rules[ew.acosh_p] = nary_lowering(chlo.acosh)
lowering_rules[ew.atanh_p] = nary_lowering(chlo.atanh)
lowering_rules[ew.is_finite_p] = nary_lowering(hlo.is_finite)
lowering_rules[ew.clamp_p] = _clamp_lowering


def _reduce_precision_lowering(ctx, x, *, exponent_bits, mantissa_bits):
    return [hlo.reduce_precision(x, exponent_bits, mantissa_bits)]


lowering_rules[ew.reduce_precision_p] = _reduce_precision_lowering
