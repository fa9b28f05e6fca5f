"""StableHLO lowering of the complex-number primitives (primitives/complex_ops.py)."""

from __future__ import annotations

from jaxlib.mlir.dialects import stablehlo as hlo

from ..core.registry import lowering_rules
from ..primitives import complex_ops as cx
from .elementwise import broadcast_operands
from .lower import full_like_aval, ir_type


def _real_lowering(ctx, x):
    return [hlo.real(x)]


def _imag_lowering(ctx, x):
    return [hlo.imag(x)]


def _complex_lowering(ctx, x, y):
    x, y = broadcast_operands(ctx, x, y)
    return [hlo.complex(x, y)]


def _conj_lowering(ctx, x, *, input_dtype):
    aval = ctx.avals_in[0]
    if aval.dtype.kind == "c":
        return [hlo.complex(hlo.real(x), hlo.negate(hlo.imag(x)))]
    out = ctx.avals_out[0]
    part = out.update(dtype=cx.real_dtype(out.dtype))
    if part.dtype != aval.dtype:  # a narrow float: widen to the complex parts' dtype
        x = hlo.convert(ir_type(part), x)
    return [hlo.complex(x, full_like_aval(0, part))]


lowering_rules[cx.real_p] = _real_lowering
lowering_rules[cx.imag_p] = _imag_lowering
lowering_rules[cx.complex_p] = _complex_lowering
lowering_rules[cx.conj_p] = _conj_lowering
